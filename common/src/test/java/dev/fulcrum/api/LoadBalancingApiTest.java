package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.fulcrum.api.ApiProtocolTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** Monitors, pools and load balancers through the API: CRUD, PUT vs PATCH, defaults, references and integrity. */
class LoadBalancingApiTest {

    @TempDir
    Path dir;

    private ApiServer api;
    private String account;
    private String zone;
    private String monitors;
    private String pools;
    private String lbs;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dir);
        account = api.accountId();
        zone = createZone("example.com");
        monitors = "/accounts/" + account + "/load_balancers/monitors";
        pools = "/accounts/" + account + "/load_balancers/pools";
        lbs = "/zones/" + zone + "/load_balancers";
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private String createZone(String name) {
        final ApiServer.Reply reply = api.post("/zones",
                "{\"name\":\"" + name + "\",\"account\":{\"id\":\"" + account + "\"}}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private String createMonitor(String description) {
        final ApiServer.Reply reply = api.post(monitors, "{\"type\":\"http\",\"path\":\"/health\","
                + "\"expected_codes\":\"2xx\",\"description\":\"" + description + "\"}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private String createPool(String name, String monitorId) {
        final String monitor = monitorId == null ? "" : ",\"monitor\":\"" + monitorId + "\"";
        final ApiServer.Reply reply = api.post(pools, "{\"name\":\"" + name + "\",\"origins\":[{\"name\":\"a\","
                + "\"address\":\"10.0.0.1\"},{\"name\":\"b\",\"address\":\"10.0.0.2\",\"weight\":0.5}]"
                + monitor + "}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private ApiServer.Reply createLb(String name, String fallback, String... defaults) {
        return api.post(lbs, "{\"name\":\"" + name + "\",\"fallback_pool\":\"" + fallback
                + "\",\"default_pools\":" + quoted(defaults) + "}");
    }

    private static String quoted(String... ids) {
        final List<String> q = new ArrayList<>();
        for (String id : ids) {
            q.add('"' + id + '"');
        }
        return "[" + String.join(",", q) + "]";
    }

    @Test
    void monitorCrudWithDefaultsEchoed() {
        final ApiServer.Reply created = api.post(monitors, "{\"expected_codes\":\"200\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final JsonNode m = created.result();
        final String id = m.get("id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(m.get("type").asText()).isEqualTo("http");
        assertThat(m.get("method").asText()).isEqualTo("GET");
        assertThat(m.get("path").asText()).isEqualTo("/");
        assertThat(m.get("timeout").asInt()).isEqualTo(5);
        assertThat(m.get("retries").asInt()).isEqualTo(2);
        assertThat(m.get("interval").asInt()).isEqualTo(60);
        assertThat(m.get("created_on").asText()).isEqualTo(m.get("modified_on").asText());

        assertThat(api.get(monitors + "/" + id).result()).isEqualTo(m);
        assertThat(api.get(monitors).result()).hasSize(1);

        final ApiServer.Reply patched = api.patch(monitors + "/" + id, "{\"path\":\"/ping\",\"retries\":1}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.result().get("path").asText()).isEqualTo("/ping");
        assertThat(patched.result().get("retries").asInt()).isEqualTo(1);
        assertThat(patched.result().get("expected_codes").asText()).isEqualTo("200");
        assertThat(patched.result().get("created_on")).isEqualTo(m.get("created_on"));
        assertThat(Instant.parse(patched.result().get("modified_on").asText()))
                .isAfterOrEqualTo(Instant.parse(m.get("modified_on").asText()));

        // PUT replaces: what is not sent goes back to its default.
        final ApiServer.Reply put = api.put(monitors + "/" + id, "{\"expected_codes\":\"301\"}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.result().get("path").asText()).isEqualTo("/");
        assertThat(put.result().get("retries").asInt()).isEqualTo(2);
        assertThat(put.result().get("expected_codes").asText()).isEqualTo("301");
        assertThat(put.result().get("created_on")).isEqualTo(m.get("created_on"));

        assertThat(api.delete(monitors + "/" + id).result().get("id").asText()).isEqualTo(id);
        assertThat(api.get(monitors + "/" + id).status()).isEqualTo(404);
        assertThat(api.get(monitors).result()).isEmpty();
    }

    @Test
    void monitorValidationIs1002AndStoresNothing() {
        final ApiServer.Reply reply = api.post(monitors, "{\"type\":\"carrier-pigeon\"}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo(1002);
        assertThat(reply.errorMessage()).contains("type").endsWith(": validation failed");
        assertThat(api.get(monitors).result()).isEmpty();
    }

    @Test
    void poolCrudPutVersusPatch() {
        final String monitor = createMonitor("m1");
        final ApiServer.Reply created = api.post(pools, "{\"name\":\"primary\",\"description\":\"first\","
                + "\"minimum_origins\":2,\"monitor\":\"" + monitor + "\",\"origins\":[{\"name\":\"a\","
                + "\"address\":\"10.0.0.1\"},{\"name\":\"b\",\"address\":\"10.0.0.2\"}]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final JsonNode p = created.result();
        final String id = p.get("id").asText();
        assertThat(p.get("enabled").asBoolean()).isTrue();
        assertThat(p.get("origins").get(0).get("weight").asDouble()).isEqualTo(1.0);
        assertThat(p.get("origins").get(0).get("enabled").asBoolean()).isTrue();
        assertThat(p.get("monitor").asText()).isEqualTo(monitor);

        final ApiServer.Reply patched = api.patch(pools + "/" + id, "{\"description\":\"changed\"}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.result().get("description").asText()).isEqualTo("changed");
        assertThat(patched.result().get("minimum_origins").asInt()).isEqualTo(2);
        assertThat(patched.result().get("monitor").asText()).isEqualTo(monitor);
        assertThat(patched.result().get("origins")).hasSize(2);

        final ApiServer.Reply put = api.put(pools + "/" + id,
                "{\"name\":\"primary\",\"origins\":[{\"name\":\"c\",\"address\":\"10.0.0.3\"}]}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.result().get("description").asText()).isEmpty();
        assertThat(put.result().get("minimum_origins").asInt()).isEqualTo(1);
        assertThat(put.result().get("monitor").isNull() || !put.result().has("monitor")).isTrue();
        assertThat(put.result().get("origins")).hasSize(1);
        assertThat(put.result().get("created_on")).isEqualTo(p.get("created_on"));

        assertThat(api.get(pools + "/" + id).result()).isEqualTo(put.result());
        assertThat(api.delete(pools + "/" + id).result().get("id").asText()).isEqualTo(id);
        assertThat(api.get(pools + "/" + id).status()).isEqualTo(404);
    }

    @Test
    void poolNeedsAnExistingMonitorOfItsAccount() {
        final ApiServer.Reply reply = api.post(pools, "{\"name\":\"p\",\"monitor\":\"" + "a".repeat(32)
                + "\",\"origins\":[{\"name\":\"a\",\"address\":\"10.0.0.1\"}]}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo(1002);
        assertThat(reply.errorMessage()).startsWith("monitor:").endsWith(": validation failed");
        assertThat(api.get(pools).result()).isEmpty();
    }

    @Test
    void poolListFiltersByMonitor() {
        final String m1 = createMonitor("one");
        final String m2 = createMonitor("two");
        final String p1 = createPool("p1", m1);
        createPool("p2", m2);
        createPool("p3", null);
        final JsonNode list = api.get(pools + "?monitor=" + m1).result();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("id").asText()).isEqualTo(p1);
        assertThat(api.get(pools).result()).hasSize(3);
    }

    @Test
    void bulkPatchSetsNotificationEmailOnlyAndReturnsPoolsByName() {
        createPool("zeta", null);
        createPool("alpha", null);
        final ApiServer.Reply reply = api.patch(pools, "{\"notification_email\":\"ops@example.com\"}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.result()).hasSize(2);
        assertThat(reply.result().get(0).get("name").asText()).isEqualTo("alpha");
        assertThat(reply.result().get(1).get("name").asText()).isEqualTo("zeta");
        for (JsonNode pool : api.get(pools).result()) {
            assertThat(pool.get("notification_email").asText()).isEqualTo("ops@example.com");
        }
        final ApiServer.Reply refused =
                api.patch(pools, "{\"notification_email\":\"x@example.com\",\"enabled\":false}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo(1002);
        assertThat(refused.errorMessage()).startsWith("enabled:");
        for (JsonNode pool : api.get(pools).result()) {
            assertThat(pool.get("notification_email").asText()).isEqualTo("ops@example.com");
            assertThat(pool.get("enabled").asBoolean()).isTrue();
        }
    }

    @Test
    void loadBalancerCrudPutVersusPatch() {
        final String p1 = createPool("p1", null);
        final String p2 = createPool("p2", null);
        final ApiServer.Reply created = createLb("www.example.com", p2, p1, p2);
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final JsonNode lb = created.result();
        final String id = lb.get("id").asText();
        assertThat(lb.get("name").asText()).isEqualTo("www.example.com");
        assertThat(lb.get("zone_name").asText()).isEqualTo("example.com");
        assertThat(lb.get("enabled").asBoolean()).isTrue();
        assertThat(lb.get("proxied").asBoolean()).isFalse();
        assertThat(lb.get("ttl").asInt()).isEqualTo(30);
        assertThat(lb.get("default_pools")).hasSize(2);
        assertThat(lb.get("fallback_pool").asText()).isEqualTo(p2);

        final ApiServer.Reply list = api.get(lbs);
        assertThat(list.result()).hasSize(1);
        assertThat(list.json().get("result_info").get("count").asInt()).isEqualTo(1);

        final ApiServer.Reply patched = api.patch(lbs + "/" + id,
                "{\"proxied\":true,\"description\":\"patched\",\"steering_policy\":\"random\"}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.result().get("proxied").asBoolean()).isTrue();
        assertThat(patched.result().get("description").asText()).isEqualTo("patched");
        assertThat(patched.result().get("default_pools")).isEqualTo(lb.get("default_pools"));
        assertThat(patched.result().get("created_on")).isEqualTo(lb.get("created_on"));

        final ApiServer.Reply put = api.put(lbs + "/" + id, "{\"name\":\"www.example.com\",\"fallback_pool\":\""
                + p1 + "\",\"default_pools\":[\"" + p1 + "\"]}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.result().get("proxied").asBoolean()).isFalse();
        assertThat(put.result().get("description").asText()).isEmpty();
        assertThat(put.result().get("default_pools")).hasSize(1);

        final ApiServer.Reply putMissing = api.put(lbs + "/" + id, "{\"name\":\"www.example.com\"}");
        assertThat(putMissing.status()).isEqualTo(400);
        assertThat(putMissing.errorCode()).isEqualTo(1002);
        assertThat(api.get(lbs + "/" + id).result()).isEqualTo(put.result());

        assertThat(api.delete(lbs + "/" + id).result().get("id").asText()).isEqualTo(id);
        assertThat(api.get(lbs + "/" + id).status()).isEqualTo(404);
        assertThat(api.delete(lbs + "/" + id).status()).isEqualTo(404);
    }

    @Test
    void loadBalancerPoolsMustExistInTheAccount() {
        final String p1 = createPool("p1", null);
        final String ghost = "b".repeat(32);
        final ApiServer.Reply reply = createLb("www.example.com", ghost, p1, ghost);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("errors")).hasSize(2);
        assertThat(reply.errorCode()).isEqualTo(1002);
        assertThat(reply.errorMessage()).startsWith("default_pools[1]:").contains(ghost);
        assertThat(reply.json().get("errors").get(1).get("message").asText()).startsWith("fallback_pool:");

        final ApiServer.Reply inMap = api.post(lbs, "{\"name\":\"www.example.com\",\"fallback_pool\":\"" + p1
                + "\",\"default_pools\":[\"" + p1 + "\"],\"region_pools\":{\"WNAM\":[\"" + ghost + "\"]}}");
        assertThat(inMap.status()).isEqualTo(400);
        assertThat(inMap.errorMessage()).startsWith("region_pools.WNAM[0]:");
        assertThat(api.get(lbs).result()).isEmpty();
    }

    @Test
    void ruleConditionsAreCompiledAndABadOneIsRefusedWithNothingStored() {
        final String p1 = createPool("p1", null);
        final String rule = "{\"name\":\"r\",\"condition\":%s,\"overrides\":{\"default_pools\":[\"" + p1
                + "\"]}}";
        final String body = "{\"name\":\"www.example.com\",\"fallback_pool\":\"" + p1 + "\",\"default_pools\":[\""
                + p1 + "\"],\"rules\":[%s]}";

        final ApiServer.Reply typeError = api.post(lbs, String.format(body, String.format(rule,
                "\"ip.src contains \\\"x\\\"\"")));
        assertFailure(typeError, 400, 1002, "rules[0].condition: \"ip.src contains \\\"x\\\"\" at column 8: "
                + "contains on ip.src (an IP address) (expected: an operator: eq (==), ne (!=), in): validation failed");
        final ApiServer.Reply unknown = api.post(lbs, String.format(body, String.format(rule, "\"\"") + ","
                + String.format(rule, "\"http.nope eq 1\"")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorMessage()).startsWith("rules[1].condition: \"http.nope eq 1\" at column 1: "
                + "unknown field http.nope (expected: one of cf.load_balancer.name,").endsWith(": validation failed");
        final ApiServer.Reply wildcard = api.post(lbs, String.format(body, String.format(rule,
                "\"http.host wildcard \\\"a**\\\"\"")));
        assertThat(wildcard.errorMessage()).startsWith("rules[0].condition: ").contains("\"**\" in the wildcard");
        assertThat(api.get(lbs).result()).as("a refused create stores nothing").isEmpty();

        final ApiServer.Reply created = api.post(lbs, String.format(body, String.format(rule,
                "\"http.request.uri.path matches \\\"^/api/\\\" and ip.src in {10.0.0.0/8}\"")));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final String id = created.result().get("id").asText();
        final String stored = created.result().get("rules").get(0).get("condition").asText();

        final ApiServer.Reply patch = api.patch(lbs + "/" + id, "{\"rules\":[" + String.format(rule,
                "\"http.request.method EQ \\\"GET\\\"\"") + "]}");
        assertThat(patch.status()).isEqualTo(400);
        assertThat(patch.errorCode()).isEqualTo(1002);
        assertThat(patch.errorMessage()).startsWith("rules[0].condition: ").contains("operator EQ in upper case");
        final ApiServer.Reply put = api.put(lbs + "/" + id, String.format(body, String.format(rule,
                "\"dns.qry.name eq \\\"x\\\"\"")));
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).startsWith("rules[0].condition: ").contains("DNS-only field");
        assertThat(api.get(lbs + "/" + id).result().get("rules").get(0).get("condition").asText())
                .as("refused updates change nothing").isEqualTo(stored);
    }

    @Test
    void loadBalancerNameMustBeInsideTheZoneAndUnique() {
        final String p1 = createPool("p1", null);
        final ApiServer.Reply outside = createLb("www.example.org", p1, p1);
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.errorCode()).isEqualTo(1002);
        assertThat(outside.errorMessage()).startsWith("name:").contains("example.com");
        assertThat(createLb("example.com", p1, p1).status()).isEqualTo(200);
        assertThat(createLb("www.example.com", p1, p1).status()).isEqualTo(200);

        final ApiServer.Reply duplicate = createLb("WWW.example.com", p1, p1);
        assertFailure(duplicate, 400, 1003, "name: 'WWW.example.com' (expected: a name no other load balancer has, "
                + "in any zone): value not unique");
        final String other = createLb("api.example.com", p1, p1).result().get("id").asText();
        assertFailure(api.patch(lbs + "/" + other, "{\"name\":\"www.example.com\"}"), 400, 1003,
                "name: 'www.example.com' (expected: a name no other load balancer has, in any zone): value not unique");
        assertThat(api.get(lbs).result()).hasSize(3);
    }

    @Test
    void referencedPoolOrMonitorCannotBeDeleted() {
        final String monitor = createMonitor("checks");
        final String p1 = createPool("p1", monitor);
        final String p2 = createPool("p2", null);
        final String p3 = createPool("p3", null);
        final ApiServer.Reply lb = api.post(lbs, "{\"name\":\"www.example.com\",\"fallback_pool\":\"" + p2
                + "\",\"default_pools\":[\"" + p2 + "\"],\"country_pools\":{\"US\":[\"" + p1 + "\"]},"
                + "\"rules\":[{\"name\":\"r\",\"condition\":\"\",\"overrides\":{\"default_pools\":[\"" + p3
                + "\"]}}]}");
        assertThat(lb.status()).as(lb.toString()).isEqualTo(200);

        final String refused = "This object is referenced by other objects, delete them first.";
        assertFailure(api.delete(pools + "/" + p1), 412, 1005, refused);
        assertFailure(api.delete(pools + "/" + p2), 412, 1005, refused);
        assertFailure(api.delete(pools + "/" + p3), 412, 1005, refused);
        assertFailure(api.delete(monitors + "/" + monitor), 412, 1005, refused);
        assertThat(api.get(pools).result()).hasSize(3);

        final JsonNode refs = api.get(pools + "/" + p1 + "/references").result();
        assertThat(refs).hasSize(2);
        assertThat(refs.get(0).get("reference_type").asText()).isEqualTo("referrer");
        assertThat(refs.get(0).get("resource_type").asText()).isEqualTo("load_balancer");
        assertThat(refs.get(0).get("resource_name").asText()).isEqualTo("www.example.com");
        assertThat(refs.get(1).get("reference_type").asText()).isEqualTo("referral");
        assertThat(refs.get(1).get("resource_type").asText()).isEqualTo("monitor");
        assertThat(refs.get(1).get("resource_id").asText()).isEqualTo(monitor);
        final JsonNode monitorRefs = api.get(monitors + "/" + monitor + "/references").result();
        assertThat(monitorRefs).hasSize(1);
        assertThat(monitorRefs.get(0).get("resource_type").asText()).isEqualTo("pool");
        assertThat(monitorRefs.get(0).get("resource_id").asText()).isEqualTo(p1);

        assertThat(api.delete(lbs + "/" + lb.result().get("id").asText()).status()).isEqualTo(200);
        assertThat(api.delete(pools + "/" + p1).status()).isEqualTo(200);
        assertThat(api.delete(monitors + "/" + monitor).status()).isEqualTo(200);
        assertThat(api.delete(pools + "/" + p2).status()).isEqualTo(200);
    }

    @Test
    void theNewerRuleOverridesRoundTripAreValidatedAndReferenceTheirPools() {
        final String p1 = createPool("p1", null);
        final String p2 = createPool("p2", null);
        final String ghost = "b".repeat(32);
        final String rules = "[{\"name\":\"canary\",\"condition\":\"http.request.uri.path eq \\\"/c\\\"\","
                + "\"disabled\":false,\"priority\":0,\"terminates\":false,\"overrides\":{\"pools\":[\"" + p2
                + "\",\"" + p1 + "\"],\"pool_weights\":{\"" + p2 + "\":0.25,\"" + ghost + "\":1},"
                + "\"pool_default_weight\":0.5,\"steering_policy\":\"random\"}}]";
        final String body = "{\"name\":\"www.example.com\",\"fallback_pool\":\"" + p1
                + "\",\"default_pools\":[\"" + p1 + "\"],\"rules\":%s}";

        final ApiServer.Reply created = api.post(lbs, String.format(body, rules));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final String id = created.result().get("id").asText();
        final JsonNode sent = ApiServer.json("{\"rules\":" + rules + "}").get("rules");
        assertThat(created.result().get("rules")).isEqualTo(sent);
        assertThat(api.get(lbs + "/" + id).result().get("rules")).as("a weight key is not checked: it routes nothing")
                .isEqualTo(sent);
        final ApiServer.Reply put = api.put(lbs + "/" + id, String.format(body, rules));
        assertThat(put.result().get("rules")).isEqualTo(sent);

        assertFailure(api.delete(pools + "/" + p2), 412, 1005,
                "This object is referenced by other objects, delete them first.");
        assertThat(api.get(pools + "/" + p2 + "/references").result().get(0).get("resource_id").asText())
                .isEqualTo(id);

        final ApiServer.Reply unknown = api.put(lbs + "/" + id, String.format(body, "[{\"name\":\"r\","
                + "\"overrides\":{\"pools\":[\"" + p1 + "\",\"" + ghost + "\"]}}]"));
        assertFailure(unknown, 400, 1002, "rules[0].overrides.pools[1]: '" + ghost
                + "' (expected: the id of a pool in this account): validation failed");
        final ApiServer.Reply both = api.patch(lbs + "/" + id, "{\"rules\":[{\"name\":\"r\",\"overrides\":{"
                + "\"pool_weights\":{},\"random_steering\":{\"default_weight\":0.5}}}]}");
        assertFailure(both, 400, 1002, "rules[0].overrides.pool_weights: {} (expected: absent when random_steering "
                + "is overridden too: pool_weights cannot be combined with random_steering): validation failed");
        final ApiServer.Reply range = api.patch(lbs + "/" + id, "{\"rules\":[{\"name\":\"r\",\"overrides\":{"
                + "\"pool_default_weight\":1.5,\"pools\":[]}}]}");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.json().get("errors")).extracting(e -> e.get("message").asText()).containsExactly(
                "rules[0].overrides.pools: [] (expected: a list of 1 or more pool ids): validation failed",
                "rules[0].overrides.pool_default_weight: 1.5 (expected: number 0-1): validation failed");
        assertThat(api.get(lbs + "/" + id).result().get("rules")).as("refused writes change nothing")
                .isEqualTo(sent);

        assertThat(api.delete(lbs + "/" + id).status()).isEqualTo(200);
        assertThat(api.delete(pools + "/" + p2).status()).isEqualTo(200);
    }

    @Test
    void poolSetsRoundTripPatchAsCloudflareSaysAndReferenceTheirPools() {
        final String p1 = createPool("p1", null);
        final String p2 = createPool("p2", null);
        final String p3 = createPool("p3", null);
        final String sets = "[{\"name\":\"wnam\",\"disabled\":false,\"match\":{\"topology\":{\"regions\":"
                + "[\"WNAM\"],\"countries\":[\"US\"]}},\"overrides\":{\"pools\":[\"" + p2 + "\"],"
                + "\"fallback_pool\":\"" + p3 + "\",\"steering_policy\":\"random\",\"pool_default_weight\":0.5}},"
                + "{\"name\":\"moved\",\"disabled\":true,\"match\":{\"default\":true},\"fixed_response\":"
                + "{\"status_code\":301,\"location\":\"https://example.org/\"}}]";
        final ApiServer.Reply created = api.post(lbs, "{\"name\":\"www.example.com\",\"fallback_pool\":\"" + p1
                + "\",\"default_pools\":[\"" + p1 + "\"],\"pool_sets\":" + sets + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final String id = created.result().get("id").asText();
        final JsonNode sent = ApiServer.json("{\"s\":" + sets + "}").get("s");
        assertThat(created.result().get("pool_sets")).isEqualTo(sent);
        assertThat(api.get(lbs + "/" + id).result().get("pool_sets")).isEqualTo(sent);

        // PATCH: omitted and null leave the pool sets alone (null resets every other field).
        assertThat(api.patch(lbs + "/" + id, "{\"description\":\"x\"}").result().get("pool_sets"))
                .isEqualTo(sent);
        assertThat(api.patch(lbs + "/" + id, "{\"pool_sets\":null}").result().get("pool_sets")).isEqualTo(sent);

        for (String referenced : List.of(p2, p3)) {
            assertFailure(api.delete(pools + "/" + referenced), 412, 1005,
                    "This object is referenced by other objects, delete them first.");
            final JsonNode refs = api.get(pools + "/" + referenced + "/references").result();
            assertThat(refs).hasSize(1);
            assertThat(refs.get(0).get("resource_id").asText()).isEqualTo(id);
        }

        final ApiServer.Reply ghost = api.patch(lbs + "/" + id, "{\"pool_sets\":[{\"overrides\":{\"pools\":[\""
                + "c".repeat(32) + "\"]}}]}");
        assertFailure(ghost, 400, 1002, "pool_sets[0].overrides.pools[0]: '" + "c".repeat(32)
                + "' (expected: the id of a pool in this account): validation failed");
        final ApiServer.Reply noIntent = api.put(lbs + "/" + id, "{\"name\":\"www.example.com\",\"fallback_pool\":\""
                + p1 + "\",\"default_pools\":[\"" + p1 + "\"],\"pool_sets\":[{\"name\":\"empty\"}]}");
        assertFailure(noIntent, 400, 1002, "pool_sets[0]: POOL_SET_NO_INTENT: neither overrides.pools nor "
                + "fixed_response (expected: one of them): validation failed");
        assertThat(api.get(lbs + "/" + id).result().get("pool_sets")).as("refused writes change nothing")
                .isEqualTo(sent);

        final ApiServer.Reply cleared = api.patch(lbs + "/" + id, "{\"pool_sets\":[]}");
        assertThat(cleared.result().has("pool_sets")).isFalse();
        assertThat(api.delete(pools + "/" + p2).status()).isEqualTo(200);
        assertThat(api.delete(pools + "/" + p3).status()).isEqualTo(200);
    }

    @Test
    void objectsOfAnotherAccountOrZoneAreNotFound() {
        final String p1 = createPool("p1", null);
        final String id = createLb("www.example.com", p1, p1).result().get("id").asText();
        final String zone2 = createZone("example.net");
        assertThat(api.get("/zones/" + zone2 + "/load_balancers/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/zones/" + zone2 + "/load_balancers/" + id).status()).isEqualTo(404);
        assertThat(api.get(lbs + "/" + id).status()).isEqualTo(200);
    }

    @Test
    void searchFindsResourcesWithReferences() {
        final String monitor = createMonitor("edge checks");
        final String p1 = createPool("web-primary", monitor);
        final String p2 = createPool("web-backup", null);
        createLb("www.example.com", p2, p1, p2);
        final String search = "/accounts/" + account + "/load_balancers/search";

        final ApiServer.Reply all = api.get(search + "?search_params%5Breferences%5D=*");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        final JsonNode resources = all.result().get("resources");
        assertThat(resources).hasSize(4);
        assertThat(all.json().get("result_info").get("total_count").asInt()).isEqualTo(4);
        final JsonNode lbNode = resources.get(0);
        assertThat(lbNode.get("resource_type").asText()).isEqualTo("load_balancer");
        assertThat(lbNode.get("references")).hasSize(2);

        final ApiServer.Reply web =
                api.get(search + "?search_params%5Bquery%5D=WEB&search_params%5Breferences%5D=referrer");
        assertThat(web.result().get("resources")).hasSize(2);
        for (JsonNode pool : web.result().get("resources")) {
            assertThat(pool.get("resource_type").asText()).isEqualTo("pool");
            for (JsonNode ref : pool.get("references")) {
                assertThat(ref.get("reference_type").asText()).isEqualTo("referrer");
            }
        }
        final ApiServer.Reply paged = api.get(search + "?per_page=1&page=2");
        assertThat(paged.result().get("resources")).hasSize(1);
        assertThat(paged.json().get("result_info").get("total_pages").asInt()).isEqualTo(4);
        assertThat(paged.result().get("resources").get(0).get("references")).isEmpty();

        assertThat(api.get(search + "?per_page=0").errorCode()).isEqualTo(1002);
        assertThat(api.get(search + "?search_params%5Breferences%5D=sideways").errorCode()).isEqualTo(1002);
    }

    @Test
    void searchPagesFollowOneOrder() {
        // Names created out of order, with case differences: the order is type, lower-case name, id.
        final List<String> names = List.of("delta", "Alpha", "charlie", "bravo", "Echo", "alpha-2", "foxtrot");
        for (String name : names) {
            createPool(name, null);
        }
        createMonitor("Zulu");
        createMonitor("yankee");
        final String search = "/accounts/" + account + "/load_balancers/search";
        final ApiServer.Reply whole = api.get(search + "?per_page=1000");
        final List<String> order = whole.result().get("resources").findValuesAsText("resource_name");
        assertThat(order).containsExactly("yankee", "Zulu", "Alpha", "alpha-2", "bravo", "charlie", "delta", "Echo",
                "foxtrot");

        final List<String> paged = new ArrayList<>();
        for (int page = 1; page <= 5; page++) {
            final ApiServer.Reply reply = api.get(search + "?per_page=2&page=" + page);
            assertThat(reply.json().get("result_info").get("total_count").asInt()).isEqualTo(9);
            assertThat(reply.json().get("result_info").get("count").asInt()).isEqualTo(page < 5 ? 2 : 1);
            paged.addAll(reply.result().get("resources").findValuesAsText("resource_name"));
        }
        assertThat(paged).isEqualTo(order);
        final ApiServer.Reply past = api.get(search + "?per_page=2&page=6");
        assertThat(past.result().get("resources")).isEmpty();
        assertThat(past.json().get("result_info").get("total_count").asInt()).isEqualTo(9);

        final ApiServer.Reply query = api.get(search + "?query=ALPHA&per_page=1&page=2");
        assertThat(query.result().get("resources").findValuesAsText("resource_name")).containsExactly("alpha-2");
        assertThat(query.json().get("result_info").get("total_count").asInt()).isEqualTo(2);
    }

    @Test
    void regionsListsAllThirteenAndFiltersByCountry() {
        final String regions = "/accounts/" + account + "/load_balancers/regions";
        final ApiServer.Reply all = api.get(regions);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.result().get("regions")).hasSize(13);
        final List<String> codes = new ArrayList<>();
        all.result().get("regions").forEach(r -> codes.add(r.get("region_code").asText()));
        assertThat(codes).containsExactly("WNAM", "ENAM", "WEU", "EEU", "NSAM", "SSAM", "OC", "ME", "NAF", "SAF",
                "SAS", "SEAS", "NEAS");

        final JsonNode de = api.get(regions + "?country_code_a2=DE").result().get("regions");
        assertThat(de).hasSize(1);
        assertThat(de.get(0).get("region_code").asText()).isEqualTo("WEU");
        assertThat(de.get(0).get("countries").get(0).get("country_name").asText()).isEqualTo("Germany");

        final JsonNode one = api.get(regions + "/SEAS").result().get("regions");
        assertThat(one).hasSize(1);
        assertThat(one.get(0).get("countries").size()).isPositive();
        assertThat(api.get(regions + "/MARS").status()).isEqualTo(404);
        assertThat(api.get(regions + "?country_code_a2=ZZ").errorCode()).isEqualTo(1002);
    }
}
