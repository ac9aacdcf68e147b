package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.SessionAffinityAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.util.List;
import java.util.Map;

import static dev.fulcrum.config.json.JsonFixtures.JSON;
import static dev.fulcrum.config.json.JsonFixtures.POOL_A;
import static dev.fulcrum.config.json.JsonFixtures.POOL_B;
import static dev.fulcrum.config.json.JsonFixtures.POOL_C;
import static dev.fulcrum.config.json.JsonFixtures.ZONE;
import static dev.fulcrum.config.json.JsonFixtures.anyJson;
import static dev.fulcrum.config.json.JsonFixtures.assertError;
import static dev.fulcrum.config.json.JsonFixtures.assertErrors;
import static dev.fulcrum.config.json.JsonFixtures.json;
import static dev.fulcrum.config.json.JsonFixtures.lbMeta;
import static dev.fulcrum.config.json.JsonFixtures.minimalLb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadBalancerJsonTest {

    private static LoadBalancer read(String body) {
        return JSON.readLoadBalancer(json(body), lbMeta());
    }

    /** A minimal LB with {@code extra} (a JSON fragment starting with a comma, or empty) appended. */
    private static LoadBalancer lb(String extra) {
        return read(minimalLb() + extra + "}");
    }

    @Test
    void minimalBodyEchoesEveryDefault() {
        final ObjectNode out = JSON.write(lb(""), "example.com");

        assertThat(out).isEqualTo(json("{'id':'699d98642c564d2e855e9661899b7252',"
                + "'created_on':'2014-01-01T05:20:00.123450Z','modified_on':'2014-01-02T05:20:00.500000Z',"
                + "'name':'www.example.com','description':'','enabled':true,'proxied':false,'ttl':30,"
                + "'fallback_pool':'" + POOL_B + "','default_pools':['" + POOL_A + "'],"
                + "'region_pools':{},'country_pools':{},'pop_pools':{},'steering_policy':'',"
                + "'random_steering':{'default_weight':1,'pool_weights':{}},"
                + "'adaptive_routing':{'failover_across_pools':false},"
                + "'location_strategy':{'mode':'pop','prefer_ecs':'proximity'},"
                + "'session_affinity':'none','session_affinity_ttl':null,"
                + "'session_affinity_attributes':{'samesite':'Auto','secure':'Auto','drain_duration':0,"
                + "'zero_downtime_failover':'none','headers':[],'require_all_headers':false},"
                + "'rules':[],'networks':['cloudflare'],'zone_name':'example.com'}"));
        assertThat(out.get("ttl").isInt()).isTrue();
        assertThat(out.get("random_steering").get("default_weight").isIntegralNumber()).isTrue();
    }

    @Test
    void readOnlyFieldsInTheBodyAreIgnoredAndMetaIsUsed() {
        final LoadBalancer lb = lb(",'id':'ffffffffffffffffffffffffffffffff','created_on':'2000-01-01T00:00:00Z',"
                + "'zone_name':'evil.com','zone_id':'ffffffffffffffffffffffffffffffff'");
        assertThat(lb.id()).isEqualTo(lbMeta().id());
        assertThat(lb.zoneId()).isEqualTo(ZONE);
        assertThat(lb.createdOn()).isEqualTo(JsonFixtures.T0);
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertThat(lb(",'future_field':{'a':[1,2]},'rules_v2':[{'x':1}]")).isEqualTo(lb(""));
    }

    @Test
    void fullObjectRoundTripsThroughWriteAndRestore() {
        final LoadBalancer lb = lb(",'description':'main site','enabled':false,'proxied':true,'ttl':60,"
                + "'default_pools':['" + POOL_A + "','" + POOL_C + "'],"
                + "'region_pools':{'WNAM':['" + POOL_A + "'],'ENAM':['" + POOL_C + "','" + POOL_A + "']},"
                + "'country_pools':{'US':['" + POOL_A + "']},'pop_pools':{'LAX':['" + POOL_C + "']},"
                + "'steering_policy':'random',"
                + "'random_steering':{'default_weight':0.3,'pool_weights':{'" + POOL_A + "':0.25}},"
                + "'adaptive_routing':{'failover_across_pools':true},"
                + "'location_strategy':{'mode':'resolver_ip','prefer_ecs':'always'},"
                + "'session_affinity':'header','session_affinity_ttl':600,"
                + "'session_affinity_attributes':{'samesite':'Strict','secure':'Always','drain_duration':100,"
                + "'zero_downtime_failover':'temporary','headers':['x-session','cookie:a,b'],"
                + "'require_all_headers':true},"
                + "'rules':[{'name':'maint','condition':'http.request.uri.path contains \\\"/x\\\"',"
                + "'priority':3,'fixed_response':{'status_code':503,'content_type':'text/plain',"
                + "'message_body':'down'}},"
                + "{'name':'eu','disabled':true,'overrides':{'default_pools':['" + POOL_C + "'],"
                + "'session_affinity':'cookie','session_affinity_ttl':1800,'steering_policy':'off','ttl':5,"
                + "'session_affinity_attributes':{'samesite':'Lax'},'random_steering':{'default_weight':0.5},"
                + "'region_pools':{'WEU':['" + POOL_A + "']},'fallback_pool':'" + POOL_A + "',"
                + "'adaptive_routing':{'failover_across_pools':false},"
                + "'location_strategy':{'mode':'pop','prefer_ecs':'geo'}}}],"
                + "'networks':['cloudflare','jdcloud']");

        final ObjectNode stored = JSON.write(lb, "example.com").put("zone_id", ZONE);
        assertThat(JSON.restoreLoadBalancer(stored)).isEqualTo(lb);
        assertThat(JSON.readLoadBalancer(JSON.write(lb, "example.com"), lbMeta())).isEqualTo(lb);

        assertThat(lb.randomSteering().weightOf(POOL_A)).isEqualTo(0.25);
        assertThat(lb.regionPools().get("ENAM")).containsExactly(POOL_C, POOL_A);
        assertThat(lb.rules().get(0).terminates()).as("forced by fixed_response").isTrue();
        assertThat(lb.rules().get(1).overrides().sessionAffinityAttributes().samesite()).isEqualTo("Lax");
        assertThat(lb.rules().get(1).overrides().countryPools()).isNull();
        assertThat(stored.get("random_steering").get("default_weight").doubleValue()).isEqualTo(0.3);
    }

    @Test
    void emptyAffinityIsStoredAsNoneAndTtlDefaultsByType() {
        assertThat(lb(",'session_affinity':''").sessionAffinity()).isEqualTo("none");
        assertThat(lb(",'session_affinity':''").sessionAffinityTtl()).isNull();
        assertThat(lb(",'session_affinity':'none','session_affinity_ttl':5000").sessionAffinityTtl())
                .isEqualTo(5000);
        assertThat(lb(",'session_affinity':'cookie'").sessionAffinityTtl()).isEqualTo(82800);
        assertThat(lb(",'session_affinity':'ip_cookie'").sessionAffinityTtl()).isEqualTo(82800);
        assertThat(lb(",'session_affinity':'header','session_affinity_attributes':{'headers':['x-id']}")
                .sessionAffinityTtl()).isEqualTo(1800);
        assertThat(lb(",'session_affinity':null").sessionAffinity()).isEqualTo("none");
    }

    @Test
    void nullNestedObjectsTakeTheirDefaults() {
        final LoadBalancer lb = lb(",'random_steering':null,'session_affinity_attributes':null,'rules':null,"
                + "'networks':null,'region_pools':null,'description':null");
        assertThat(lb).isEqualTo(lb(""));
        assertThat(lb.sessionAffinityAttributes()).isEqualTo(SessionAffinityAttributes.DEFAULT);
    }

    @Test
    void requiredFieldsAreReportedTogether() {
        assertErrors(() -> read("{}"),
                "name: missing (expected: a hostname such as www.example.com): validation failed",
                "fallback_pool: missing (expected: a pool id (32 lowercase hex)): validation failed",
                "default_pools: missing (expected: a list of 1 or more pool ids): validation failed");
    }

    @Test
    void bodyThatIsNotAnObjectIsRefused() {
        assertErrors(() -> JSON.readLoadBalancer(anyJson("[1,2]"), lbMeta()),
                "body: [1,2] (expected: a JSON object): validation failed");
        assertErrors(() -> JSON.readLoadBalancer(null, lbMeta()),
                "body: missing (expected: a JSON object): validation failed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "lb-refusals.csv", delimiter = '|', quoteCharacter = '\'')
    void refusesWithFieldValueAndExpectation(String extra, String path, String contains) {
        assertError(() -> lb(extra.trim()), path.trim(), contains.trim());
    }

    @Test
    void poolListsHoldAtMost64PoolIds() {
        final String ids64 = poolIds(64);
        assertThat(read(minimalLb().replace("'default_pools':['" + POOL_A + "']", "'default_pools':[" + ids64 + "]")
                + "}").defaultPools()).hasSize(64);
        final String ids65 = poolIds(65);
        assertError(() -> read(minimalLb().replace("'default_pools':['" + POOL_A + "']",
                "'default_pools':[" + ids65 + "]") + "}"), "default_pools", "65 pool ids (expected: at most 64)");
        assertError(() -> lb(",'region_pools':{'WNAM':[" + ids65 + "]}"), "region_pools.WNAM",
                "65 pool ids (expected: at most 64)");
        assertError(() -> lb(",'rules':[{'name':'r','overrides':{'default_pools':[" + ids65 + "]}}]"),
                "rules[0].overrides.default_pools", "65 pool ids (expected: at most 64)");
    }

    /** {@code count} distinct pool ids as a JSON list body, quoted for {@link #lb}. */
    private static String poolIds(int count) {
        final StringBuilder ids = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ids.append(i == 0 ? "" : ",").append('\'').append(String.format("%032x", i + 1)).append('\'');
        }
        return ids.toString();
    }

    @Test
    void descriptionLongerThan1024IsRefused() {
        final String ok = "d".repeat(1024);
        assertThat(lb(",'description':'" + ok + "'").description()).isEqualTo(ok);
        assertError(() -> lb(",'description':'" + ok + "x'"), "description",
                "(expected: string of at most 1024 characters)");
    }

    @Test
    void ruleLimitsAndForcedTerminates() {
        final String name200 = "n".repeat(200);
        final LoadBalancer lb = lb(",'rules':[{'name':'" + name200 + "','terminates':false,"
                + "'fixed_response':{'status_code':302,'location':'https://example.com/'}},"
                + "{'name':'b','overrides':{'ttl':5},'terminates':true}]");
        assertThat(lb.rules()).extracting(Rule::terminates).containsExactly(true, true);
        assertThat(lb.rules().get(0).fixedResponse().location()).isEqualTo("https://example.com/");
        assertThat(lb.rules().get(0).overrides()).isNull();
        assertError(() -> lb(",'rules':[{'name':'" + name200 + "x','overrides':{}}]"), "rules[0].name",
                "(expected: string of at most 200 characters)");
        assertError(() -> lb(",'rules':[{'name':'r','condition':'" + "c".repeat(4097) + "','overrides':{}}]"),
                "rules[0].condition", "(expected: string of at most 4096 characters)");
        assertError(() -> lb(",'rules':[{'name':'r','fixed_response':{'status_code':200,'location':'"
                + "l".repeat(2049) + "'}}]"), "rules[0].fixed_response.location", "at most 2048 characters");
        assertError(() -> lb(",'rules':[{'name':'r','fixed_response':{'status_code':200,'message_body':'"
                + "b".repeat(1025) + "'}}]"), "rules[0].fixed_response.message_body", "at most 1024 characters");
    }

    @Test
    void ruleConditionsAreCompiledOnWritesButNotOnRestore() {
        assertThat(lb(",'rules':[{'name':'r','condition':'any(lower(http.request.headers[\\\"x\\\"][*])[*] eq "
                + "\\\"y\\\")','overrides':{'ttl':5}}]").rules().get(0).condition())
                .isEqualTo("any(lower(http.request.headers[\"x\"][*])[*] eq \"y\")");
        assertErrors(() -> lb(",'rules':[{'name':'a','condition':'ip.src eq \\\"x\\\"','overrides':{'ttl':5}},"
                        + "{'name':'b','condition':'(true','overrides':{'ttl':5}}]"),
                "rules[0].condition: \"ip.src eq \\\"x\\\"\" at column 11: \"\"x\"\" is not an IP address (expected: an IP "
                        + "address such as 192.0.2.1 or 2001:db8::1 (ranges only inside in {…})): validation failed",
                "rules[1].condition: \"(true\" at column 6: the end of the condition (expected: a closing ) for the ( "
                        + "at column 1): validation failed");

        // A condition stored before the grammar got stricter still loads; the router lets it match nothing.
        final ObjectNode stored = JSON.write(lb(",'rules':[{'name':'r','condition':'true','overrides':{'ttl':5}}]"),
                "example.com").put("zone_id", ZONE);
        ((ObjectNode) stored.get("rules").get(0)).put("condition", "http.host eqq 1");
        assertThat(JSON.restoreLoadBalancer(stored).rules().get(0).condition()).isEqualTo("http.host eqq 1");
        assertError(() -> JSON.readLoadBalancer(stored, lbMeta()), "rules[0].condition",
                "at column 11: unknown operator \"eqq\" after http.host");
    }

    @Test
    void ruleOverrideAffinityIsJudgedAgainstTheEffectiveAffinity() {
        // The LB uses header affinity with headers; an override that only changes the ttl is judged in header range.
        final String base = ",'session_affinity':'header','session_affinity_attributes':{'headers':['x-id']}";
        assertThat(lb(base + ",'rules':[{'name':'r','overrides':{'session_affinity_ttl':60}}]")
                .rules().get(0).overrides().sessionAffinityTtl()).isEqualTo(60);
        assertError(() -> lb(base + ",'rules':[{'name':'r','overrides':{'session_affinity_ttl':4000}}]"),
                "rules[0].overrides.session_affinity_ttl", "4000 (expected: integer 30-3600)");
        assertError(() -> lb(base + ",'rules':[{'name':'r','overrides':{'session_affinity_attributes':"
                        + "{'headers':['a'],'zero_downtime_failover':'sticky'}}}]"),
                "rules[0].overrides.session_affinity_attributes.zero_downtime_failover", "\"sticky\"");
    }

    @Test
    void theNewerPoolOverridesRoundTripExactly() {
        final String rules = "[{'name':'canary','condition':'http.request.uri.path eq \\\"/c\\\"','overrides':"
                + "{'pools':['" + POOL_C + "','" + POOL_A + "'],'pool_weights':{'" + POOL_C + "':0.25,'" + POOL_A
                + "':1},'pool_default_weight':0.35,'steering_policy':'random'}},"
                + "{'name':'weights','overrides':{'pool_default_weight':0,'pool_weights':{}}}]";
        final LoadBalancer lb = lb(",'rules':" + rules);

        assertThat(lb.rules().get(0).overrides().pools()).containsExactly(POOL_C, POOL_A);
        assertThat(lb.rules().get(0).overrides().poolWeights()).isEqualTo(Map.of(POOL_C, 0.25, POOL_A, 1.0));
        assertThat(lb.rules().get(0).overrides().poolDefaultWeight()).isEqualTo(0.35);
        assertThat(lb.rules().get(1).overrides().pools()).isNull();
        assertThat(lb.rules().get(1).overrides().poolWeights()).isEmpty();
        final ObjectNode written = JSON.write(lb, "example.com");
        assertThat(written.get("rules")).as("what a client PUTs it GETs back").isEqualTo(withRuleDefaults(rules));
        assertThat(JSON.restoreLoadBalancer(written.put("zone_id", ZONE))).isEqualTo(lb);
    }

    /** The rules as the API echoes them: every rule field present, defaults included. */
    private static JsonNode withRuleDefaults(String rules) {
        final JsonNode out = json("{'r':" + rules + "}").get("r");
        out.forEach(rule -> {
            final ObjectNode r = (ObjectNode) rule;
            r.put("disabled", false).put("priority", 0).put("terminates", false);
            if (!r.has("condition")) {
                r.put("condition", "");
            }
        });
        return out;
    }

    @Test
    void poolWeightsCannotBeCombinedWithRandomSteeringInOneRule() {
        assertErrors(() -> lb(",'rules':[{'name':'r','overrides':{'random_steering':{'default_weight':0.5},"
                        + "'pool_weights':{'" + POOL_A + "':0.5},'pool_default_weight':0.2}}]"),
                "rules[0].overrides.pool_weights: {\"" + POOL_A + "\":0.5} (expected: absent when random_steering "
                        + "is overridden too: pool_weights cannot be combined with random_steering): validation failed",
                "rules[0].overrides.pool_default_weight: 0.2 (expected: absent when random_steering is overridden "
                        + "too: pool_default_weight cannot be combined with random_steering): validation failed");
        // In different rules they may meet: the router merges them per half (see Overrides).
        assertThat(lb(",'rules':[{'name':'a','overrides':{'random_steering':{'default_weight':0.5}}},"
                + "{'name':'b','overrides':{'pool_default_weight':0.2,'random_steering':null}}]").rules()).hasSize(2);
    }

    @Test
    void affinityHeadersAcceptTheSpecialCookieEntries() {
        final LoadBalancer lb = lb(",'session_affinity':'header','session_affinity_attributes':"
                + "{'headers':['cookie','cookie:session_id,lang','X-Api_Key-1','" + "h".repeat(100) + "']}");
        assertThat(lb.sessionAffinityAttributes().headers())
                .containsExactly("cookie", "cookie:session_id,lang", "X-Api_Key-1", "h".repeat(100));
        assertError(() -> lb(",'session_affinity_attributes':{'headers':['" + "h".repeat(101) + "']}"),
                "session_affinity_attributes.headers[0]", "(expected: a header name of 1-100 characters");
    }

    @Test
    void geoMapsKeepAllTheirEntries() {
        final LoadBalancer lb = lb(",'country_pools':{'GB':['" + POOL_A + "'],'DE':['" + POOL_B + "','" + POOL_A
                + "']},'region_pools':{'SEAS':['" + POOL_B + "']}");
        assertThat(lb.countryPools()).isEqualTo(Map.of("GB", List.of(POOL_A), "DE", List.of(POOL_B, POOL_A)));
        assertThat(lb.regionPools()).containsOnlyKeys("SEAS");
    }

    @Test
    void everyProblemIsReportedOnceWithCode1002() {
        assertThatThrownBy(() -> lb(",'ttl':-1,'steering_policy':'x','proxied':'no'"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).hasSize(3);
                    assertThat(e.getMessage()).isEqualTo(e.errors().get(0).message());
                });
    }
}
