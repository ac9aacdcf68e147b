package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.SessionAffinityAttributes;
import org.junit.jupiter.api.Test;

import static dev.fulcrum.config.json.JsonFixtures.JSON;
import static dev.fulcrum.config.json.JsonFixtures.MONITOR;
import static dev.fulcrum.config.json.JsonFixtures.POOL_A;
import static dev.fulcrum.config.json.JsonFixtures.POOL_C;
import static dev.fulcrum.config.json.JsonFixtures.accountMeta;
import static dev.fulcrum.config.json.JsonFixtures.anyJson;
import static dev.fulcrum.config.json.JsonFixtures.assertErrors;
import static dev.fulcrum.config.json.JsonFixtures.json;
import static dev.fulcrum.config.json.JsonFixtures.lbMeta;
import static dev.fulcrum.config.json.JsonFixtures.minimalLb;
import static org.assertj.core.api.Assertions.assertThat;

/** PUT replaces, PATCH merges at the top level, null resets (spec §7.1 "Write semantics"). */
class MergeTest {

    private static final String RICH_LB = minimalLb() + ",'description':'main','ttl':120,'proxied':true,"
            + "'session_affinity':'cookie','session_affinity_ttl':3600,"
            + "'session_affinity_attributes':{'samesite':'Strict','secure':'Always','drain_duration':60},"
            + "'random_steering':{'default_weight':0.5,'pool_weights':{'" + POOL_A + "':0.2}}}";

    private static LoadBalancer patchLb(String stored, String patch) {
        final LoadBalancer before = JSON.readLoadBalancer(json(stored), lbMeta());
        final ObjectNode merged = JSON.merge(JSON.write(before, "example.com"), json(patch));
        return JSON.readLoadBalancer(merged, lbMeta());
    }

    @Test
    void putResetsOmittedFieldsToTheirDefaults() {
        final LoadBalancer rich = JSON.readLoadBalancer(json(RICH_LB), lbMeta());
        final LoadBalancer replaced = JSON.readLoadBalancer(json(minimalLb() + "}"), lbMeta());
        assertThat(rich.ttl()).isEqualTo(120);
        assertThat(replaced.ttl()).isEqualTo(30);
        assertThat(replaced.description()).isEmpty();
        assertThat(replaced.sessionAffinity()).isEqualTo("none");
        assertThat(replaced.sessionAffinityAttributes()).isEqualTo(SessionAffinityAttributes.DEFAULT);
    }

    @Test
    void patchChangesOnlyTheSuppliedKeys() {
        final LoadBalancer before = JSON.readLoadBalancer(json(RICH_LB), lbMeta());
        final LoadBalancer after = patchLb(RICH_LB, "{'description':'changed','default_pools':['" + POOL_C + "']}");
        assertThat(after.description()).isEqualTo("changed");
        assertThat(after.defaultPools()).containsExactly(POOL_C);
        assertThat(after).usingRecursiveComparison().ignoringFields("description", "defaultPools").isEqualTo(before);
    }

    @Test
    void changingAffinityByPatchMovesADefaultTtlToTheNewAffinitysDefault() {
        final String cookie = minimalLb() + ",'session_affinity':'cookie'}";
        final LoadBalancer stored = JSON.readLoadBalancer(json(cookie), lbMeta());
        assertThat(stored.sessionAffinityTtl()).isEqualTo(82800);
        final LoadBalancer header = JSON.readLoadBalancer(JSON.mergeLoadBalancer(stored, "example.com",
                json("{'session_affinity':'header','session_affinity_attributes':{'headers':['x-session']}}")),
                lbMeta());
        assertThat(header.sessionAffinity()).isEqualTo("header");
        assertThat(header.sessionAffinityTtl()).isEqualTo(1800);
    }

    @Test
    void changingAffinityByPatchKeepsAnExplicitTtlAndJudgesItByTheNewRange() {
        final LoadBalancer stored = JSON.readLoadBalancer(json(RICH_LB), lbMeta());
        assertThat(stored.sessionAffinityTtl()).isEqualTo(3600);
        final LoadBalancer ipCookie = JSON.readLoadBalancer(JSON.mergeLoadBalancer(stored, "example.com",
                json("{'session_affinity':'ip_cookie'}")), lbMeta());
        assertThat(ipCookie.sessionAffinityTtl()).isEqualTo(3600);
        final LoadBalancer longer = JSON.readLoadBalancer(json(minimalLb()
                + ",'session_affinity':'cookie','session_affinity_ttl':7200}"), lbMeta());
        assertErrors(() -> JSON.readLoadBalancer(JSON.mergeLoadBalancer(longer, "example.com",
                json("{'session_affinity':'header','session_affinity_attributes':{'headers':['x-session']}}")),
                lbMeta()), "session_affinity_ttl: 7200 (expected: integer 30-3600): validation failed");
    }

    @Test
    void patchReplacesNestedObjectsWhole() {
        final LoadBalancer after = patchLb(RICH_LB, "{'session_affinity_attributes':{'samesite':'Lax'}}");
        assertThat(after.sessionAffinityAttributes())
                .isEqualTo(new SessionAffinityAttributes("Lax", "Auto", 0, "none", java.util.List.of(), false));
        final LoadBalancer steering = patchLb(RICH_LB, "{'random_steering':{'default_weight':0.9}}");
        assertThat(steering.randomSteering().poolWeights()).isEmpty();
    }

    @Test
    void patchNullResetsToTheDefault() {
        final LoadBalancer after = patchLb(RICH_LB, "{'ttl':null,'description':null,'random_steering':null,"
                + "'session_affinity':null,'session_affinity_ttl':null}");
        assertThat(after.ttl()).isEqualTo(30);
        assertThat(after.description()).isEmpty();
        assertThat(after.randomSteering().defaultWeight()).isEqualTo(1.0);
        assertThat(after.sessionAffinity()).isEqualTo("none");
        assertThat(after.sessionAffinityTtl()).isNull();
        assertThat(after.proxied()).as("untouched").isTrue();
    }

    @Test
    void patchNullOnARequiredFieldIsRefused() {
        assertErrors(() -> patchLb(RICH_LB, "{'fallback_pool':null}"),
                "fallback_pool: missing (expected: a pool id (32 lowercase hex)): validation failed");
    }

    @Test
    void patchIgnoresReadOnlyFields() {
        final LoadBalancer before = JSON.readLoadBalancer(json(RICH_LB), lbMeta());
        final ObjectNode stored = JSON.write(before, "example.com");
        final ObjectNode merged = JSON.merge(stored, json("{'id':'ffffffffffffffffffffffffffffffff',"
                + "'created_on':'1999-01-01T00:00:00Z','modified_on':'1999-01-01T00:00:00Z','zone_name':'x.org'}"));
        assertThat(merged).isEqualTo(stored);
        assertThat(merged).isNotSameAs(stored);
    }

    @Test
    void patchDoesNotModifyTheStoredJson() {
        final ObjectNode stored = JSON.write(JSON.readLoadBalancer(json(RICH_LB), lbMeta()), "example.com");
        final ObjectNode copy = stored.deepCopy();
        JSON.merge(stored, json("{'ttl':5,'description':null}"));
        assertThat(stored).isEqualTo(copy);
    }

    @Test
    void patchThatIsNotAnObjectIsRefused() {
        final ObjectNode stored = JSON.write(JSON.readLoadBalancer(json(RICH_LB), lbMeta()), "example.com");
        assertErrors(() -> JSON.merge(stored, anyJson("[]")), "body: [] (expected: a JSON object): validation failed");
        assertErrors(() -> JSON.merge(stored, anyJson("\"x\"")),
                "body: \"x\" (expected: a JSON object): validation failed");
    }

    @Test
    void patchedValuesAreValidated() {
        assertErrors(() -> patchLb(RICH_LB, "{'session_affinity_ttl':10}"),
                "session_affinity_ttl: 10 (expected: integer 1800-604800): validation failed");
    }

    @Test
    void poolPatchKeepsDisabledAtAndCanDisableOrigins() {
        final Pool stored = JSON.readPool(json("{'name':'p','enabled':false,'origins':[{'name':'a',"
                + "'address':'10.0.0.1'}],'monitor':'" + MONITOR + "'}"), accountMeta(POOL_A), null);
        final ConfigJson.Meta later = new ConfigJson.Meta(POOL_A, JsonFixtures.ACCOUNT, JsonFixtures.T0,
                java.time.Instant.parse("2030-01-01T00:00:00Z"));
        final Pool patched = JSON.readPool(JSON.merge(JSON.write(stored), json("{'description':'x'}")), later,
                stored);
        assertThat(patched.disabledAt()).isEqualTo(stored.disabledAt());
        assertThat(patched.modifiedOn()).isEqualTo(later.modifiedOn());
        assertThat(patched.monitor()).isEqualTo(MONITOR);

        final Pool unmonitored = JSON.readPool(JSON.merge(JSON.write(stored), json("{'monitor':null}")), later,
                stored);
        assertThat(unmonitored.monitor()).isNull();
    }

    @Test
    void monitorPatch() {
        final Monitor stored = JSON.readMonitor(json("{'type':'https','timeout':3,'path':'/h'}"),
                accountMeta(MONITOR));
        final Monitor patched = JSON.readMonitor(JSON.merge(JSON.write(stored), json("{'retries':0,'path':null}")),
                accountMeta(MONITOR));
        assertThat(patched.retries()).isZero();
        assertThat(patched.path()).isEqualTo("/");
        assertThat(patched.timeout()).isEqualTo(3);
        assertThat(patched.type()).isEqualTo("https");
    }
}
