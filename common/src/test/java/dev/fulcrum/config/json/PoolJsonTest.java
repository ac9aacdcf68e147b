package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.LoadShedding;
import dev.fulcrum.config.NotificationFilter;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static dev.fulcrum.config.json.JsonFixtures.ACCOUNT;
import static dev.fulcrum.config.json.JsonFixtures.JSON;
import static dev.fulcrum.config.json.JsonFixtures.MONITOR;
import static dev.fulcrum.config.json.JsonFixtures.POOL_A;
import static dev.fulcrum.config.json.JsonFixtures.accountMeta;
import static dev.fulcrum.config.json.JsonFixtures.assertError;
import static dev.fulcrum.config.json.JsonFixtures.assertErrors;
import static dev.fulcrum.config.json.JsonFixtures.json;
import static dev.fulcrum.config.json.JsonFixtures.minimalPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolJsonTest {

    private static Pool read(String body) {
        return JSON.readPool(json(body), accountMeta(POOL_A), null);
    }

    private static Pool pool(String extra) {
        return read(minimalPool() + extra + "}");
    }

    /** A pool with the given origins array (JSON text). */
    private static Pool withOrigins(String origins) {
        return read("{'name':'p','origins':" + origins + "}");
    }

    @Test
    void minimalBodyEchoesEveryDefault() {
        final ObjectNode out = JSON.write(pool(""));
        assertThat(out).isEqualTo(json("{'id':'" + POOL_A + "','created_on':'2014-01-01T05:20:00.123450Z',"
                + "'modified_on':'2014-01-02T05:20:00.500000Z','name':'primary-dc-1','description':'',"
                + "'enabled':true,'minimum_origins':1,'monitor':null,"
                + "'origins':[{'name':'app-1','address':'10.0.0.1','port':0,'enabled':true,'weight':1,'header':{}}],"
                + "'origin_steering':{'policy':'random'},'load_shedding':null,'check_regions':null,"
                + "'health_sources':null,'notification_email':'','notification_filter':null,'networks':['cloudflare']}"));
    }

    @Test
    void fullObjectRoundTripsThroughWriteAndRestore() {
        final Pool pool = JSON.readPool(json("{'name':'eu_west-2','description':'d','enabled':false,"
                + "'minimum_origins':2,'monitor':'" + MONITOR + "','monitor_group':'" + POOL_A + "',"
                + "'origins':[{'name':'a','address':'2001:db8::1','port':8443,'weight':0.35,"
                + "'header':{'Host':['app.example.com']},'virtual_network_id':'a5624d4e-044a-4ff0-b3e1-e2465353d4b4'},"
                + "{'name':'b','address':'app-b.example.com','enabled':false,'weight':0}],"
                + "'origin_steering':{'policy':'least_outstanding_requests'},"
                + "'load_shedding':{'default_percent':12.5,'default_policy':'hash','session_percent':3},"
                + "'latitude':-33.86,'longitude':151.2,'check_regions':['WEU','ALL_REGIONS'],"
                + "'notification_email':'a@example.com, b@example.com',"
                + "'notification_filter':{'origin':{'disable':true,'healthy':false},'pool':{'healthy':null}},"
                + "'networks':['jdcloud']}"), accountMeta(POOL_A), null);

        final ObjectNode stored = JSON.write(pool).put("account_id", ACCOUNT);
        assertThat(JSON.restorePool(stored)).isEqualTo(pool);

        assertThat(pool.disabledAt()).isEqualTo(JsonFixtures.T1);
        assertThat(pool.origins().get(1).disabledAt()).isEqualTo(JsonFixtures.T1);
        assertThat(pool.origins().get(0).hostOverride()).isEqualTo("app.example.com");
        assertThat(pool.loadShedding()).isEqualTo(new LoadShedding(12.5, "hash", 3, "hash"));
        assertThat(pool.notificationFilter()).isEqualTo(new NotificationFilter(
                new NotificationFilter.Target(true, false), new NotificationFilter.Target(false, null)));
        assertThat(stored.get("origins").get(0).get("weight").doubleValue()).isEqualTo(0.35);
        assertThat(stored.get("origins").get(1).get("weight").isIntegralNumber()).isTrue();
        assertThat(stored.get("disabled_at").textValue()).isEqualTo("2014-01-02T05:20:00.500000Z");
    }

    @Test
    void disabledAtIsKeptWhileDisabledAndClearedWhenEnabled() {
        final Instant later = Instant.parse("2020-05-05T00:00:00Z");
        final ConfigJson.Meta laterMeta = new ConfigJson.Meta(POOL_A, ACCOUNT, JsonFixtures.T0, later);
        final Pool disabled = pool(",'enabled':false");
        assertThat(disabled.disabledAt()).isEqualTo(JsonFixtures.T1);

        final Pool stillDisabled = JSON.readPool(json(minimalPool() + ",'enabled':false}"), laterMeta, disabled);
        assertThat(stillDisabled.disabledAt()).as("kept from the previous write").isEqualTo(JsonFixtures.T1);

        final Pool enabled = JSON.readPool(json(minimalPool() + "}"), laterMeta, stillDisabled);
        assertThat(enabled.disabledAt()).isNull();
        assertThat(JSON.write(enabled).has("disabled_at")).isFalse();

        final Pool disabledAgain = JSON.readPool(json(minimalPool() + ",'enabled':false}"), laterMeta, enabled);
        assertThat(disabledAgain.disabledAt()).isEqualTo(later);

        // A client cannot set disabled_at.
        assertThat(pool(",'enabled':false,'disabled_at':'2001-01-01T00:00:00Z'").disabledAt())
                .isEqualTo(JsonFixtures.T1);
    }

    @Test
    void originDisabledAtFollowsTheOriginByName() {
        final Instant later = Instant.parse("2020-05-05T00:00:00Z");
        final ConfigJson.Meta laterMeta = new ConfigJson.Meta(POOL_A, ACCOUNT, JsonFixtures.T0, later);
        final Pool first = withOrigins("[{'name':'a','address':'10.0.0.1','enabled':false},"
                + "{'name':'b','address':'10.0.0.2'}]");
        final Pool second = JSON.readPool(json("{'name':'p','origins':[{'name':'b','address':'10.0.0.2',"
                + "'enabled':false},{'name':'a','address':'10.0.0.9','enabled':false}]}"), laterMeta, first);

        assertThat(second.origins()).extracting(Origin::name, Origin::disabledAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", later),
                        org.assertj.core.groups.Tuple.tuple("a", JsonFixtures.T1));
    }

    @Test
    void originsMustHaveOneToManyEntries() {
        assertErrors(() -> read("{'name':'p'}"),
                "origins: the origin list length must be in range [1, 1000]: validation failed");
        assertErrors(() -> read("{'name':'p','origins':[]}"),
                "origins: the origin list length must be in range [1, 1000]: validation failed");
        assertErrors(() -> read("{'name':'p','origins':{}}"),
                "origins: {} (expected: array): validation failed");
    }

    @Test
    void requiredFieldsAreReported() {
        assertErrors(() -> read("{'origins':[{}]}"),
                "name: missing (expected: a name of at most 255 characters matching ^[-_a-zA-Z0-9]+$): validation failed",
                "origins[0].name: missing (expected: a non-empty string of at most 255 characters): "
                        + "validation failed",
                "origins[0].address: missing (expected: an IPv4 address, IPv6 address or hostname): "
                        + "validation failed");
    }

    @Test
    void weightIsCheckedInHundredths() {
        assertThat(withOrigins("[{'name':'a','address':'h.example','weight':0.07}]").origins().get(0).weight())
                .isEqualTo(0.07);
        assertThat(withOrigins("[{'name':'a','address':'h.example','weight':0}]").origins().get(0).weight())
                .isZero();
        assertErrors(() -> withOrigins("[{'name':'a','address':'10.0.0.1'},{'name':'b','address':'10.0.0.2'},"
                        + "{'name':'c','address':'10.0.0.3','weight':1.5}]"),
                "origins[2].weight: 1.5 (expected: number 0-1 in steps of 0.01): validation failed");
        assertError(() -> withOrigins("[{'name':'a','address':'h','weight':0.005}]"), "origins[0].weight",
                "0.005 (expected: number 0-1 in steps of 0.01)");
        assertError(() -> withOrigins("[{'name':'a','address':'h','weight':'1'}]"), "origins[0].weight",
                "\"1\" (expected: number 0-1 in steps of 0.01)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "255.255.255.255", "::1", "2001:db8::8a2e:370:7334",
        "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.1", "fe80::", "localhost", "app.example.com",
        "_svc.internal", "a-b.c"})
    void acceptsAddresses(String address) {
        assertThat(withOrigins("[{'name':'a','address':'" + address + "'}]").origins().get(0).address())
                .isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.256", "1.2.3", "http://x.example", "a b", "2001:db8:::1", "1:2:3:4:5:6:7:8:9",
        "[::1]", "host:80", "-a.example", "x..y", "a.example."})
    void refusesAddresses(String address) {
        assertError(() -> withOrigins("[{'name':'a','address':'" + address + "'}]"), "origins[0].address",
                "(expected: an IPv4 address, IPv6 address or hostname)");
    }

    @Test
    void originAddressIsUniqueByAddressPortAndVirtualNetwork() {
        final Pool ok = withOrigins("[{'name':'a','address':'10.0.0.1','port':80},"
                + "{'name':'b','address':'10.0.0.1','port':81},"
                + "{'name':'c','address':'10.0.0.1','port':80,"
                + "'virtual_network_id':'a5624d4e-044a-4ff0-b3e1-e2465353d4b4'}]");
        assertThat(ok.origins()).hasSize(3);
        assertErrors(() -> withOrigins("[{'name':'a','address':'App.example.com'},{'name':'b','address':'x.y'},"
                        + "{'name':'c','address':'app.example.com'}]"),
                "origins[2].address: \"app.example.com\" (expected: unique (address, port, virtual_network_id) "
                        + "within the pool; same as origins[0]): validation failed");
    }

    @Test
    void originNamesAreUniqueWithinThePool() {
        assertErrors(() -> withOrigins("[{'name':'web','address':'10.0.0.1','port':80},"
                        + "{'name':'web','address':'10.0.0.1','port':81}]"),
                "origins[1].name: \"web\" (expected: an origin name not used by another origin of the pool; same as "
                        + "origins[0]): validation failed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "origin-refusals.csv", delimiter = '|', quoteCharacter = '\'')
    void refusesOriginFields(String origin, String path, String contains) {
        assertError(() -> withOrigins("[" + origin.trim() + "]"), path.trim(), contains.trim());
    }

    @Test
    void originHostHeaderNameIsNormalized() {
        final Origin o = withOrigins("[{'name':'a','address':'h','header':{'host':['x.example']}}]").origins().get(0);
        assertThat(o.header()).containsOnlyKeys("Host");
        assertThat(o.hostOverride()).isEqualTo("x.example");
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "pool-refusals.csv", delimiter = '|', quoteCharacter = '\'')
    void refusesPoolFields(String extra, String path, String contains) {
        assertError(() -> pool(extra.trim()), path.trim(), contains.trim());
    }

    @Test
    void unknownFieldsAreIgnoredAndNullMeansDefault() {
        assertThat(pool(",'healthy':true,'origins_count':3,'monitor':null,'load_shedding':null,"
                + "'origin_steering':null,'check_regions':null")).isEqualTo(pool(""));
        assertThat(pool(",'check_regions':[]").checkRegions()).isEqualTo(List.of());
        final Pool regional = pool(",'check_regions':['WEU','ENAM'],'health_sources':['regional','global']");
        assertThat(regional.healthSources()).containsExactly("regional", "global");
        assertThat(regional.regionalHealth()).isTrue();
        assertThat(JSON.write(regional).get("health_sources").toString()).isEqualTo("[\"regional\",\"global\"]");
        assertThat(pool(",'health_sources':null").healthSources()).isNull();
    }
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"app.example.com", "app.example.com:8443", "10.0.0.1", "10.0.0.1:80", "[::1]",
        "[2001:db8::1]:443", "[v1.fe]", "localhost", "_svc.internal", "xn--caf-dma.example", "a.example.",
        "a%2Db.example"})
    void acceptsHostOverrides(String host) {
        final Origin o = withOrigins("[{'name':'a','address':'h','header':{'Host':['" + host + "']}}]")
                .origins().get(0);
        assertThat(o.hostOverride()).isEqualTo(host);
    }

    @Test
    void aSqlFragmentIsNoHostOverride() {
        final ObjectNode body = json(minimalPool() + "}");
        ((ObjectNode) body.get("origins").get(0)).putObject("header").putArray("Host").add("' OR 1=1 --");
        assertError(() -> JSON.readPool(body, accountMeta(POOL_A), null), "origins[0].header.Host",
                "(expected: a list of exactly one host name or IP literal");
    }

    @Test
    void namesHaveOurLimitOf255Characters() {
        assertThat(pool(",'name':'" + "p".repeat(255) + "'").name()).hasSize(255);
        assertError(() -> pool(",'name':'" + "p".repeat(256) + "'"), "name",
                "(expected: a name of at most 255 characters");
        assertError(() -> withOrigins("[{'name':'" + "o".repeat(256) + "','address':'h'}]"), "origins[0].name",
                "(expected: a non-empty string of at most 255 characters)");
        assertError(() -> pool(",'name':'" + "p".repeat(70_000) + "'"), "name", "…");
    }

    @Test
    void theChecksAddedLaterDoNotStopARestore() {
        // What an older version may have stored: duplicate origin names, a long name, a Host override that is only
        // a header value. The store must still start; the next write refuses them.
        final ObjectNode stored = JSON.write(pool("")).put("account_id", ACCOUNT).put("name", "p".repeat(300));
        final ObjectNode first = (ObjectNode) stored.get("origins").get(0);
        first.putObject("header").putArray("Host").add("odd host");
        ((ArrayNode) stored.get("origins")).addObject()
                .put("name", first.get("name").asText()).put("address", "10.0.0.2");
        final Pool restored = JSON.restorePool(stored);
        assertThat(restored.origins()).extracting(Origin::name).containsExactly("app-1", "app-1");
        assertThat(restored.origins().get(0).hostOverride()).isEqualTo("odd host");
        assertThatThrownBy(() -> JSON.readPool(stored, accountMeta(POOL_A), null))
                .isInstanceOf(ConfigException.class);
    }
}
