package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.PoolSet;
import dev.fulcrum.config.PoolSetMatch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.fulcrum.config.json.JsonFixtures.JSON;
import static dev.fulcrum.config.json.JsonFixtures.POOL_A;
import static dev.fulcrum.config.json.JsonFixtures.POOL_B;
import static dev.fulcrum.config.json.JsonFixtures.POOL_C;
import static dev.fulcrum.config.json.JsonFixtures.assertError;
import static dev.fulcrum.config.json.JsonFixtures.json;
import static dev.fulcrum.config.json.JsonFixtures.lbMeta;
import static dev.fulcrum.config.json.JsonFixtures.minimalLb;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code pool_sets} (spec §4.6): reading, validation with Cloudflare's identifiers, writing and PATCH. */
class PoolSetJsonTest {

    private static final String TO_A = "'overrides':{'pools':['" + POOL_A + "']}";

    private static LoadBalancer withSets(String sets) {
        return JSON.readLoadBalancer(json(minimalLb() + ",'pool_sets':" + sets + "}"), lbMeta());
    }

    private static void refused(String sets, String path, String identifier) {
        assertError(() -> withSets(sets), path, identifier + ": ");
    }

    // ---- reading and writing -----------------------------------------------------------------------------------

    @Test
    void everyShapeRoundTripsExactly() {
        final String sets = "[{'name':'wnam','disabled':false,'match':{'topology':{'pops':['SJC','LAX'],"
                + "'countries':['US','CA'],'regions':['WNAM']}},'overrides':{'pools':['" + POOL_A + "','" + POOL_C
                + "'],'pool_weights':{'" + POOL_A + "':0.7},'pool_default_weight':0.5,'fallback_pool':'" + POOL_C
                + "','steering_policy':'random'}},"
                + "{'name':'redirect','disabled':true,'match':{'topology':{'countries':['DE']}},"
                + "'fixed_response':{'status_code':302,'location':'https://example.com/eu'}},"
                + "{'disabled':false,'overrides':{'pools':['" + POOL_B + "']}},"
                + "{'name':'rest','disabled':false,'match':{'default':true},'overrides':{'pools':['" + POOL_B + "']}}]";
        final LoadBalancer lb = withSets(sets);

        final ObjectNode out = JSON.write(lb, "example.com");
        assertThat(out.get("pool_sets")).isEqualTo(json("{'x':" + sets + "}").get("x"));
        assertThat(JSON.readLoadBalancer(out, lbMeta())).isEqualTo(lb);
        final PoolSet first = lb.poolSets().get(0);
        assertThat(first.match()).isEqualTo(new PoolSetMatch(false, List.of("SJC", "LAX"), List.of("US", "CA"),
                List.of("WNAM")));
        assertThat(first.overrides().poolWeights()).isEqualTo(Map.of(POOL_A, 0.7));
        assertThat(lb.poolSets().get(2).match()).isNull();
        assertThat(lb.poolSets().get(3).match()).isEqualTo(PoolSetMatch.DEFAULT);
    }

    @Test
    void defaultsAreEchoedAndDefaultFalseBesideATopologyIsDropped() {
        final LoadBalancer lb = withSets("[{'match':{'default':false,'topology':{'regions':['WEU']}}," + TO_A + "}]");
        assertThat(JSON.write(lb, "example.com").get("pool_sets")).isEqualTo(json("{'x':[{'disabled':false,"
                + "'match':{'topology':{'regions':['WEU']}}," + TO_A + "}]}").get("x"));
    }

    @Test
    void withoutPoolSetsTheFieldIsAbsent() {
        assertThat(JSON.write(withSets("[]"), "example.com").has("pool_sets")).isFalse();
        assertThat(withSets("[]").poolSets()).isEmpty();
    }

    // ---- refusals, one per identifier ---------------------------------------------------------------------------

    @Test
    void aSetWithNeitherPoolsNorFixedResponseHasNoIntent() {
        refused("[{'name':'x'}]", "pool_sets[0]", "POOL_SET_NO_INTENT");
        refused("[{'overrides':{'steering_policy':'random'}}]", "pool_sets[0]", "POOL_SET_NO_INTENT");
    }

    @Test
    void poolsAndAFixedResponseTogetherConflict() {
        refused("[{" + TO_A + ",'fixed_response':{'status_code':503}}]", "pool_sets[0]",
                "POOL_SET_CONFLICTING_INTENT");
    }

    @Test
    void defaultBesideATopologyIsRefused() {
        refused("[{'match':{'default':true,'topology':{'pops':['LAX']}}," + TO_A + "}]",
                "pool_sets[0].match.default", "POOL_SET_DEFAULT_WITH_MATCH");
    }

    @Test
    void aMatchWithNeitherDefaultNorTopologyIsEmpty() {
        refused("[{'match':{}," + TO_A + "}]", "pool_sets[0].match", "POOL_SET_EMPTY_MATCH");
        refused("[{'match':{'default':false}," + TO_A + "}]", "pool_sets[0].match", "POOL_SET_EMPTY_MATCH");
    }

    @Test
    void aTopologyWithoutListsOrWithAnEmptyListIsEmpty() {
        refused("[{'match':{'topology':{}}," + TO_A + "}]", "pool_sets[0].match.topology",
                "POOL_SET_EMPTY_TOPOLOGY");
        refused("[{'match':{'topology':{'pops':[],'countries':['US']}}," + TO_A + "}]",
                "pool_sets[0].match.topology.pops", "POOL_SET_EMPTY_TOPOLOGY");
    }

    @Test
    void moreThanAThousandPoolSetsAreTooMany() {
        final String sets = IntStream.range(0, 1001).mapToObj(i -> "{" + TO_A + "}")
                .collect(Collectors.joining(",", "[", "]"));
        refused(sets, "pool_sets", "POOL_SETS_TOO_LARGE");
        assertThat(withSets(IntStream.range(0, 1000).mapToObj(i -> "{" + TO_A + "}")
                .collect(Collectors.joining(",", "[", "]"))).poolSets()).hasSize(1000);
    }

    @Test
    void aTopologyListOfMoreThanAThousandEntriesIsTooLarge() {
        final String countries = IntStream.range(0, 1001).mapToObj(i -> "'US'")
                .collect(Collectors.joining(",", "[", "]"));
        refused("[{'match':{'topology':{'countries':" + countries + "}}," + TO_A + "}]",
                "pool_sets[0].match.topology.countries", "POOL_SET_TOPOLOGY_TOO_LARGE");
    }

    @Test
    void aRepeatedEntryIsADuplicate() {
        refused("[{'match':{'topology':{'regions':['WEU','EEU','WEU']}}," + TO_A + "}]",
                "pool_sets[0].match.topology.regions[2]", "POOL_SET_DUPLICATE_ENTRY");
    }

    @Test
    void aNameOverTwoHundredCharactersIsTooLong() {
        refused("[{'name':'" + "n".repeat(201) + "'," + TO_A + "}]", "pool_sets[0].name",
                "POOL_SET_NAME_TOO_LONG");
        assertThat(withSets("[{'name':'" + "n".repeat(200) + "'," + TO_A + "}]").poolSets()).hasSize(1);
    }

    @Test
    void geoAndTheEmptyPolicyAreNotPoolSetPolicies() {
        refused("[{'overrides':{'pools':['" + POOL_A + "'],'steering_policy':'geo'}}]",
                "pool_sets[0].overrides.steering_policy", "POOL_SET_UNSUPPORTED_STEERING");
        refused("[{'overrides':{'pools':['" + POOL_A + "'],'steering_policy':''}}]",
                "pool_sets[0].overrides.steering_policy", "POOL_SET_UNSUPPORTED_STEERING");
    }

    @Test
    void ruleOnlyOverridesAreRefused() {
        refused("[{'overrides':{'pools':['" + POOL_A + "'],'session_affinity':'cookie'}}]",
                "pool_sets[0].overrides.session_affinity", "POOL_SET_UNSUPPORTED_OVERRIDE");
    }

    @Test
    void codesAndPoolIdsAreValidatedLikeTheLoadBalancersOwn() {
        assertError(() -> withSets("[{'match':{'topology':{'regions':['MARS']}}," + TO_A + "}]"),
                "pool_sets[0].match.topology.regions[0]", "a region code");
        assertError(() -> withSets("[{'match':{'topology':{'pops':['lax']}}," + TO_A + "}]"),
                "pool_sets[0].match.topology.pops[0]", "PoP code");
        assertError(() -> withSets("[{'overrides':{'pools':['nope']}}]"), "pool_sets[0].overrides.pools[0]",
                "pool id");
        assertError(() -> withSets("[{'overrides':{'pools':['" + POOL_A + "'],'pool_default_weight':2}}]"),
                "pool_sets[0].overrides.pool_default_weight", "number 0-1");
        assertError(() -> withSets("{}"), "pool_sets", "array");
    }

    // ---- PATCH --------------------------------------------------------------------------------------------------

    private static LoadBalancer patch(LoadBalancer stored, String body) {
        return JSON.readLoadBalancer(JSON.mergeLoadBalancer(stored, "example.com", json(body)), lbMeta());
    }

    @Test
    void patchOmittedOrNullKeepsThePoolSetsAndAnEmptyListClearsThem() {
        final LoadBalancer stored = withSets("[{'name':'a'," + TO_A + "}]");

        assertThat(patch(stored, "{'description':'x'}").poolSets()).isEqualTo(stored.poolSets());
        assertThat(patch(stored, "{'pool_sets':null}").poolSets()).isEqualTo(stored.poolSets());
        assertThat(patch(stored, "{'pool_sets':[]}").poolSets()).isEmpty();
        assertThat(patch(stored, "{'pool_sets':[{'name':'b','overrides':{'pools':['" + POOL_C + "']}}]}")
                .poolSets()).extracting(PoolSet::name).containsExactly("b");
        assertThat(patch(withSets("[]"), "{'pool_sets':null}").poolSets()).isEmpty();
    }
}
