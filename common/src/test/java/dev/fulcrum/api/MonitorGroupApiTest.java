package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.fulcrum.api.ApiProtocolTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** Monitor groups through the API: CRUD, references, refusals that change nothing, and a restart of the store. */
class MonitorGroupApiTest {

    private static final String REFERENCED = "This object is referenced by other objects, delete them first.";

    @TempDir
    Path dir;

    private ApiServer api;
    private String groups;
    private String monitors;
    private String pools;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dir);
        final String base = "/accounts/" + api.accountId() + "/load_balancers";
        groups = base + "/monitor_groups";
        monitors = base + "/monitors";
        pools = base + "/pools";
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private String create(String collection, String body) {
        final ApiServer.Reply reply = api.post(collection, body);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private String monitor(String description) {
        return create(monitors, "{\"expected_codes\":\"2xx\",\"description\":\"" + description + "\"}");
    }

    private static String member(String monitorId, boolean mustBeHealthy) {
        return "{\"monitor_id\":\"" + monitorId + "\",\"enabled\":true,\"monitoring_only\":false,"
                + "\"must_be_healthy\":" + mustBeHealthy + "}";
    }

    private String pool(String name, String groupId) {
        return create(pools, "{\"name\":\"" + name + "\",\"monitor_group\":\"" + groupId
                + "\",\"origins\":[{\"name\":\"a\",\"address\":\"10.0.0.1\"}]}");
    }

    @Test
    void createListGetReplacePatchDelete() {
        final String m1 = monitor("api");
        final String m2 = monitor("login");
        final ApiServer.Reply created = api.post(groups, "{\"id\":\"ignored\",\"description\":\"Primary\","
                + "\"members\":[" + member(m1, true) + ",{\"monitor_id\":\"" + m2 + "\"}]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final JsonNode group = created.result();
        final String id = group.get("id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(group.get("description").asText()).isEqualTo("Primary");
        assertThat(group.get("created_on").asText()).isEqualTo(group.get("modified_on").asText());
        final JsonNode first = group.get("members").get(0);
        assertThat(first.get("monitor_id").asText()).isEqualTo(m1);
        assertThat(first.get("enabled").asBoolean()).isTrue();
        assertThat(first.get("monitoring_only").asBoolean()).isFalse();
        assertThat(first.get("must_be_healthy").asBoolean()).isTrue();
        assertThat(first.get("created_at").asText()).isEqualTo(group.get("created_on").asText());
        // The flags a client leaves out take their defaults: enabled, deciding, not critical.
        final JsonNode second = group.get("members").get(1);
        assertThat(second.get("enabled").asBoolean()).isTrue();
        assertThat(second.get("monitoring_only").asBoolean()).isFalse();
        assertThat(second.get("must_be_healthy").asBoolean()).isFalse();

        final ApiServer.Reply list = api.get(groups);
        assertThat(list.result()).hasSize(1);
        assertThat(list.json().get("result_info").get("count").asInt()).isEqualTo(1);
        assertThat(api.get(groups + "/" + id).result()).isEqualTo(group);

        final JsonNode replaced = api.put(groups + "/" + id, "{\"description\":\"Only login\",\"members\":["
                + "{\"monitor_id\":\"" + m2 + "\",\"enabled\":false,\"monitoring_only\":true,"
                + "\"must_be_healthy\":false}]}").result();
        assertThat(replaced.get("created_on")).isEqualTo(group.get("created_on"));
        assertThat(replaced.get("modified_on").asText()).isNotEqualTo(group.get("modified_on").asText());
        assertThat(replaced.get("members")).hasSize(1);
        final JsonNode login = replaced.get("members").get(0);
        assertThat(login.get("created_at")).as("m2 stayed in the group").isEqualTo(second.get("created_at"));
        assertThat(login.get("updated_at").asText()).isEqualTo(replaced.get("modified_on").asText());
        assertThat(login.get("enabled").asBoolean()).isFalse();
        assertThat(login.get("monitoring_only").asBoolean()).isTrue();

        final JsonNode patched = api.patch(groups + "/" + id, "{\"description\":\"Renamed\"}").result();
        assertThat(patched.get("description").asText()).isEqualTo("Renamed");
        assertThat(patched.get("members")).isEqualTo(replaced.get("members"));
        final JsonNode emptied = api.patch(groups + "/" + id, "{\"members\":[]}").result();
        assertThat(emptied.get("members")).isEmpty();
        assertThat(emptied.get("description").asText()).isEqualTo("Renamed");

        final ApiServer.Reply deleted = api.delete(groups + "/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.result().get("id").asText()).isEqualTo(id);
        assertThat(api.get(groups + "/" + id).status()).isEqualTo(404);
        assertThat(api.delete(groups + "/" + id).status()).isEqualTo(404);
        assertThat(api.get(groups).result()).isEmpty();
    }

    @Test
    void searchListsGroupsWithTheirReferences() {
        final String m1 = monitor("edge api");
        final String id = create(groups, "{\"description\":\"Edge checks\",\"members\":[" + member(m1, true) + "]}");
        final String poolId = pool("edge-pool", id);
        final String search = "/accounts/" + api.accountId() + "/load_balancers/search";

        final ApiServer.Reply found = api.get(search + "?query=EDGE%20CHECKS&references=*");
        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        final JsonNode resources = found.result().get("resources");
        assertThat(resources).hasSize(1);
        final JsonNode group = resources.get(0);
        assertThat(group.get("resource_type").asText()).isEqualTo("monitor_group");
        assertThat(group.get("resource_id").asText()).isEqualTo(id);
        assertThat(group.get("resource_name").asText()).isEqualTo("Edge checks");
        assertThat(group.get("references").findValuesAsText("resource_id")).containsExactlyInAnyOrder(m1, poolId);
        assertThat(group.get("references").findValuesAsText("reference_type"))
                .containsExactlyInAnyOrder("referral", "referrer");

        // "edge" also names the monitor and the pool: every type, in type order, the group after the monitor.
        final ApiServer.Reply all = api.get(search + "?query=edge");
        assertThat(all.result().get("resources").findValuesAsText("resource_type"))
                .containsExactly("monitor", "monitor_group", "pool");
        final ApiServer.Reply referrers = api.get(search + "?query=" + id + "&references=referrer");
        assertThat(referrers.result().get("resources").get(0).get("references").findValuesAsText("resource_id"))
                .containsExactly(poolId);

        assertThat(api.delete(pools + "/" + poolId).status()).isEqualTo(200);
        assertThat(api.delete(groups + "/" + id).status()).isEqualTo(200);
        assertThat(api.get(search + "?query=edge").result().get("resources").findValuesAsText("resource_type"))
                .containsExactly("monitor");
    }

    @Test
    void refusedWritesChangeNothing() {
        final String m1 = monitor("api");
        final String id = create(groups, "{\"description\":\"g\",\"members\":[" + member(m1, false) + "]}");
        final JsonNode stored = api.get(groups + "/" + id).result();
        final String unknown = "0".repeat(32);

        assertFailure(api.post(groups, "{\"description\":\"g\",\"members\":[" + member(unknown, false) + "]}"),
                400, 1002, "members[0].monitor_id: '" + unknown + "' (expected: the id of a monitor in this account)"
                        + ": validation failed");
        assertFailure(api.put(groups + "/" + id, "{\"description\":\"g\",\"members\":[" + member(m1, false) + ","
                + member(unknown, true) + "]}"), 400, 1002,
                "members[1].monitor_id: '" + unknown + "' (expected: the id of a monitor in this account)"
                        + ": validation failed");
        assertFailure(api.patch(groups + "/" + id, "{\"members\":[" + member(m1, false) + "," + member(m1, true)
                + "]}"), 400, 1002, "members[1].monitor_id: \"" + m1 + "\" is already members[0] (expected: each "
                + "monitor once per group): validation failed");
        assertFailure(api.post(groups, "{\"members\":[]}"), 400, 1002,
                "description: missing (expected: a string of at most 1024 characters): validation failed");
        assertFailure(api.post(groups, "{\"description\":\"g\"}"), 400, 1002,
                "members: missing (expected: a list of members, each with a monitor_id): validation failed");
        assertFailure(api.post(groups, "{\"description\":\"g\",\"members\":[{\"monitor_id\":\"" + m1
                + "\",\"must_be_healthy\":\"yes\"}]}"), 400, 1002,
                "members[0].must_be_healthy: \"yes\" (expected: true or false): validation failed");
        assertFailure(api.post(pools, "{\"name\":\"p\",\"monitor_group\":\"" + unknown
                + "\",\"origins\":[{\"name\":\"a\",\"address\":\"10.0.0.1\"}]}"), 400, 1002,
                "monitor_group: '" + unknown + "' (expected: the id of a monitor group in this account)"
                        + ": validation failed");

        assertThat(api.get(groups).result()).hasSize(1);
        assertThat(api.get(groups + "/" + id).result()).isEqualTo(stored);
        assertThat(api.get(pools).result()).isEmpty();
        assertThat(api.get(groups + "/" + unknown).status()).isEqualTo(404);
    }

    @Test
    void poolsNameGroupsAndReferencesHold() {
        final String m1 = monitor("api");
        final String m2 = monitor("login");
        final String group = create(groups, "{\"description\":\"checks\",\"members\":[" + member(m1, false) + ","
                + member(m2, true) + "]}");
        final String pool = pool("web", group);
        assertThat(api.get(pools + "/" + pool).result().get("monitor_group").asText()).isEqualTo(group);

        final JsonNode groupRefs = api.get(groups + "/" + group + "/references").result();
        assertThat(groupRefs).hasSize(3);
        assertReference(groupRefs.get(0), "referrer", "pool", pool, "web");
        assertReference(groupRefs.get(1), "referral", "monitor", m1, "api");
        assertReference(groupRefs.get(2), "referral", "monitor", m2, "login");
        final JsonNode monitorRefs = api.get(monitors + "/" + m2 + "/references").result();
        assertThat(monitorRefs).hasSize(1);
        assertReference(monitorRefs.get(0), "referrer", "monitor_group", group, "checks");
        final JsonNode poolRefs = api.get(pools + "/" + pool + "/references").result();
        assertThat(poolRefs).hasSize(1);
        assertReference(poolRefs.get(0), "referral", "monitor_group", group, "checks");

        assertFailure(api.delete(groups + "/" + group), 412, 1005, REFERENCED);
        assertFailure(api.delete(monitors + "/" + m2), 412, 1005, REFERENCED);
        assertThat(api.get(groups + "/" + group).status()).isEqualTo(200);
        assertThat(api.get(monitors + "/" + m2).status()).isEqualTo(200);

        // PATCH clears the pool's group with "" (what typed clients can send); PUT without it leaves none.
        final JsonNode cleared = api.patch(pools + "/" + pool, "{\"monitor_group\":\"\"}").result();
        assertThat(cleared.has("monitor_group")).isFalse();
        assertThat(api.patch(pools + "/" + pool, "{\"monitor_group\":\"" + group + "\"}").result()
                .get("monitor_group").asText()).isEqualTo(group);
        final JsonNode put = api.put(pools + "/" + pool, "{\"name\":\"web\",\"monitor\":\"" + m1
                + "\",\"origins\":[{\"name\":\"a\",\"address\":\"10.0.0.1\"}]}").result();
        assertThat(put.has("monitor_group")).isFalse();
        assertThat(api.get(groups + "/" + group + "/references").result()).hasSize(2);

        assertThat(api.delete(groups + "/" + group).status()).isEqualTo(200);
        assertThat(api.delete(monitors + "/" + m2).status()).isEqualTo(200);
        assertFailure(api.delete(monitors + "/" + m1), 412, 1005, REFERENCED);
    }

    @Test
    void groupsAndPoolsSurviveARestart() throws Exception {
        final String m1 = monitor("api");
        final String group = create(groups, "{\"description\":\"checks\",\"members\":[" + member(m1, true) + "]}");
        final String pool = pool("web", group);
        final JsonNode groupBefore = api.get(groups + "/" + group).result();
        final JsonNode poolBefore = api.get(pools + "/" + pool).result();

        api.restart();

        assertThat(api.get(groups).result()).hasSize(1);
        assertThat(api.get(groups + "/" + group).result()).isEqualTo(groupBefore);
        assertThat(api.get(pools + "/" + pool).result()).isEqualTo(poolBefore);
        assertFailure(api.delete(groups + "/" + group), 412, 1005, REFERENCED);
        assertFailure(api.delete(monitors + "/" + m1), 412, 1005, REFERENCED);

        // A delete is journalled too: after another restart the group is still gone.
        assertThat(api.patch(pools + "/" + pool, "{\"monitor_group\":null}").status()).isEqualTo(200);
        assertThat(api.delete(groups + "/" + group).status()).isEqualTo(200);
        api.restart();
        assertThat(api.get(groups).result()).isEmpty();
        assertThat(api.get(pools + "/" + pool).result().has("monitor_group")).isFalse();
    }

    private static void assertReference(JsonNode ref, String referenceType, String resourceType, String id,
                                        String name) {
        assertThat(ref.get("reference_type").asText()).isEqualTo(referenceType);
        assertThat(ref.get("resource_type").asText()).isEqualTo(resourceType);
        assertThat(ref.get("resource_id").asText()).isEqualTo(id);
        assertThat(ref.get("resource_name").asText()).isEqualTo(name);
    }
}
