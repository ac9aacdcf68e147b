package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.Ids;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests shaped exactly as Cloudflare's official SDKs send them (the {@code cloudflare} npm package, which
 * {@code compat/run} drives for real), and the response details those SDKs rely on.
 */
class SdkCompatibilityTest {

    @TempDir
    Path dir;

    private ApiServer api;
    private String account;
    private String pools;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dir);
        account = api.accountId();
        pools = "/accounts/" + account + "/load_balancers/pools";
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private String createPool(String name, String monitorId) {
        final String monitor = monitorId == null ? "" : ",\"monitor\":\"" + monitorId + "\"";
        final ApiServer.Reply reply = api.post(pools, "{\"name\":\"" + name + "\",\"origins\":[{\"name\":\"a\","
                + "\"address\":\"10.0.0.1\"}]" + monitor + "}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private String createMonitor() {
        final ApiServer.Reply reply = api.post("/accounts/" + account + "/load_balancers/monitors",
                "{\"type\":\"http\",\"expected_codes\":\"2xx\",\"description\":\"edge\"}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    /**
     * The headers the SDKs add to every call, a DELETE with {@code Content-Type: application/json} and no body (the
     * pre-v7 client core) and a DELETE with a {@code {}} body (clients that always send their params) are all
     * accepted as plain calls.
     */
    @Test
    void sdkShapedRequestsAreAccepted() {
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + ApiServer.TOKEN);
        headers.put("Accept", "application/json");
        headers.put("User-Agent", "Cloudflare/JS 7.3.0");
        headers.put("api-version", "2026-11-26");
        headers.put("X-Stainless-Retry-Count", "0");
        headers.put("X-Stainless-Timeout", "60");
        headers.put("X-Stainless-Lang", "js");
        headers.put("X-Stainless-Package-Version", "7.3.0");
        headers.put("X-Stainless-OS", "Linux");
        headers.put("X-Stainless-Arch", "x64");
        headers.put("X-Stainless-Runtime", "node");
        headers.put("X-Stainless-Runtime-Version", "v20.20.2");
        final ApiServer.Reply verify = api.raw("GET", "/user/tokens/verify", headers, null);
        assertThat(verify.status()).as(verify.toString()).isEqualTo(200);

        headers.put("Content-Type", "application/json");
        final ApiServer.Reply list = api.raw("GET", pools, headers, null);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        final String first = createPool("first", null);
        final ApiServer.Reply noBody = api.raw("DELETE", pools + "/" + first, headers, null);
        assertThat(noBody.status()).as(noBody.toString()).isEqualTo(200);
        assertThat(noBody.result().get("id").asText()).isEqualTo(first);
        final String second = createPool("second", null);
        final ApiServer.Reply emptyObject =
                api.raw("DELETE", pools + "/" + second, headers, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(emptyObject.status()).as(emptyObject.toString()).isEqualTo(200);
        assertThat(api.get(pools).result()).isEmpty();
    }

    /**
     * {@code pools.bulkEdit({account_id})}, the SDKs' own example, sends {@code {}}: nothing to change, so the pools
     * come back by name, untouched; {@code notification_email: ""} (the one value the SDK types allow) resets it.
     */
    @Test
    void bulkEditWithNoFieldChangesNothingAndReturnsThePoolsByName() {
        final String zeta = createPool("zeta", null);
        final String alpha = createPool("alpha", null);
        assertThat(api.patch(pools, "{\"notification_email\":\"ops@example.com\"}").status()).isEqualTo(200);
        final JsonNode before = api.get(pools).result();

        final ApiServer.Reply nothing = api.patch(pools, "{}");
        assertThat(nothing.status()).as(nothing.toString()).isEqualTo(200);
        assertThat(nothing.json().get("result_info").get("count").asInt()).isEqualTo(2);
        assertThat(ids(nothing.result())).containsExactly(alpha, zeta);
        for (JsonNode pool : nothing.result()) {
            assertThat(pool.get("notification_email").asText()).isEqualTo("ops@example.com");
        }
        assertThat(api.get(pools).result()).isEqualTo(before);

        final ApiServer.Reply reset = api.patch(pools, "{\"notification_email\":\"\"}");
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        assertThat(ids(reset.result())).containsExactly(alpha, zeta);
        for (JsonNode pool : api.get(pools).result()) {
            assertThat(pool.get("notification_email").asText()).isEmpty();
        }
        assertThat(api.patch(pools, "{\"enabled\":false}").errorCode()).isEqualTo(1002);
    }

    /**
     * The SDKs type a pool's {@code monitor} as a plain string, so {@code pools.edit(id, {monitor: ''})} is how a
     * typed client removes it: the pool then has no monitor and the monitor is free to delete.
     */
    @Test
    void anEmptyMonitorStringRemovesThePoolsMonitor() {
        final String monitor = createMonitor();
        final String pool = createPool("web", monitor);
        final String monitorPath = "/accounts/" + account + "/load_balancers/monitors/" + monitor;
        assertThat(api.delete(monitorPath).status()).isEqualTo(412);

        final ApiServer.Reply patched = api.patch(pools + "/" + pool, "{\"monitor\":\"\"}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.result().get("monitor").isNull()).isTrue();
        assertThat(api.get(pools + "/" + pool).result().get("monitor").isNull()).isTrue();
        assertThat(api.delete(monitorPath).status()).isEqualTo(200);

        final ApiServer.Reply created = api.post(pools, "{\"name\":\"api\",\"monitor\":\"\",\"monitor_group\":\"\","
                + "\"origins\":[{\"name\":\"a\",\"address\":\"10.0.0.1\"}]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.result().get("monitor").isNull()).isTrue();

        final ApiServer.Reply refused = api.patch(pools + "/" + pool, "{\"monitor\":\"nope\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo(1002);
        assertThat(refused.errorMessage()).startsWith("monitor: \"nope\"");
    }

    /**
     * {@code zones.list} exposes Cloudflare's filters: operator prefixes on {@code name} and {@code account.name},
     * {@code type}, {@code match}, {@code order} and {@code direction}. They filter and sort rather than being
     * ignored, and an unknown value is a 1002 naming the parameter.
     */
    @Test
    void zoneListAppliesTheFiltersAndOrderTheSdksExpose() {
        final String c = zone("c-shop.example");
        final String a = zone("a-blog.example");
        final String b = zone("b-shop.example");

        assertThat(zoneIds("?name=contains:SHOP")).containsExactly(c, b);
        assertThat(zoneIds("?name=starts_with:a-")).containsExactly(a);
        assertThat(zoneIds("?name=ends_with:shop.example&order=name")).containsExactly(b, c);
        assertThat(zoneIds("?name=not_equal:a-blog.example")).containsExactly(c, b);
        assertThat(zoneIds("?name=contains_case_sensitive:SHOP")).isEmpty();
        assertThat(zoneIds("?name=A-BLOG.example")).containsExactly(a);
        assertThat(zoneIds("?account.name=contains:fulcrum&order=name&direction=desc")).containsExactly(c, b, a);
        assertThat(zoneIds("?account.name=nobody")).isEmpty();
        assertThat(zoneIds("?match=any&name=a-blog.example&account.name=nobody")).containsExactly(a);
        assertThat(zoneIds("?match=all&name=a-blog.example&account.name=nobody")).isEmpty();
        assertThat(zoneIds("?type=full,partial&status=active&account.id=" + account)).containsExactly(c, a, b);
        assertThat(zoneIds("?type=partial&type=secondary")).isEmpty();
        assertThat(zoneIds("?status=pending")).isEmpty();
        assertThat(zoneIds("?direction=desc")).containsExactly(b, a, c);

        for (String bad : List.of("?order=size", "?direction=up", "?match=some", "?type=full,huge", "?status=gone",
                "?name=contains:")) {
            final ApiServer.Reply refused = api.get("/zones" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.errorCode()).as(bad).isEqualTo(1002);
            assertThat(refused.errorMessage()).as(bad).startsWith(bad.substring(1, bad.indexOf('=')) + ": '");
        }
    }

    /** {@code accounts.list({direction})}: newest first with {@code desc}; anything but asc/desc is a 1002. */
    @Test
    void accountListHonoursDirection() {
        final Account second = new Account(Ids.newId(), "Second", Instant.now().plusSeconds(1));
        api.fulcrum().store().commit(s -> dev.fulcrum.config.ConfigEdit.putting(second));

        assertThat(ids(api.get("/accounts").result())).containsExactly(account, second.id());
        assertThat(ids(api.get("/accounts?direction=asc").result())).containsExactly(account, second.id());
        assertThat(ids(api.get("/accounts?direction=desc").result())).containsExactly(second.id(), account);
        assertThat(ids(api.get("/accounts?direction=desc&per_page=1&page=2").result())).containsExactly(account);
        final ApiServer.Reply refused = api.get("/accounts?direction=down");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo(1002);
        assertThat(refused.errorMessage()).startsWith("direction: 'down'");
    }

    /** The SDKs' {@code Zone} type declares these members always present; typed clients read them unguarded. */
    @Test
    void aZoneCarriesEveryMemberTheSdkZoneTypeRequires() {
        final String id = zone("example.com");
        for (JsonNode zone : List.of(api.get("/zones/" + id).result(), api.get("/zones").result().get(0))) {
            assertThat(zone.get("id").asText()).isEqualTo(id);
            assertThat(zone.get("development_mode").isInt()).isTrue();
            assertThat(zone.get("name_servers").isArray()).isTrue();
            for (String nullable : List.of("original_dnshost", "original_name_servers", "original_registrar",
                    "activated_on")) {
                assertThat(zone.has(nullable)).as(nullable).isTrue();
            }
            assertThat(zone.get("owner").get("id").asText()).isEqualTo(account);
            assertThat(zone.get("owner").get("type").asText()).isEqualTo("organization");
            assertThat(zone.get("owner").get("name").asText()).isEqualTo("Fulcrum");
            assertThat(zone.get("meta").get("phishing_detected").asBoolean(true)).isFalse();
            assertThat(zone.get("plan").get("id").asText()).matches("[0-9a-f]{32}");
            assertThat(zone.get("plan").get("name").asText()).isEqualTo("Fulcrum");
            assertThat(zone.get("created_on").isTextual()).isTrue();
            assertThat(zone.get("modified_on").isTextual()).isTrue();
        }
    }

    private String zone(String name) {
        final ApiServer.Reply reply = api.post("/zones",
                "{\"name\":\"" + name + "\",\"account\":{\"id\":\"" + account + "\"}}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private List<String> zoneIds(String query) {
        final ApiServer.Reply reply = api.get("/zones" + query);
        assertThat(reply.status()).as(query + " " + reply).isEqualTo(200);
        return ids(reply.result());
    }

    private static List<String> ids(JsonNode array) {
        final List<String> ids = new ArrayList<>();
        array.forEach(node -> ids.add(node.get("id").asText()));
        return ids;
    }

    /** {@code searches.list({account_id, query, references})} sends plain {@code query} and {@code references}. */
    @Test
    void searchReadsThePlainQueryAndReferencesParametersTheSdksSend() {
        final String monitor = createMonitor();
        final String web = createPool("web-primary", monitor);
        createPool("api-primary", null);
        final String search = "/accounts/" + account + "/load_balancers/search";

        final ApiServer.Reply found = api.get(search + "?query=WEB&references=*");
        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        final JsonNode resources = found.result().get("resources");
        assertThat(resources).hasSize(1);
        assertThat(resources.get(0).get("resource_id").asText()).isEqualTo(web);
        assertThat(resources.get(0).get("references")).hasSize(1);
        assertThat(resources.get(0).get("references").get(0).get("resource_id").asText()).isEqualTo(monitor);

        assertThat(api.get(search + "?query=web&references=").result().get("resources").get(0).get("references"))
                .isEmpty();
        // The plain parameter wins over the older bracketed form when both are sent.
        assertThat(api.get(search + "?query=api&search_params%5Bquery%5D=web").result().get("resources").get(0)
                .get("resource_name").asText()).isEqualTo("api-primary");
        final ApiServer.Reply refused = api.get(search + "?references=sideways");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo(1002);
        assertThat(refused.errorMessage()).startsWith("references: 'sideways'");
    }

    /**
     * The SDKs page search as {@code V4PagePagination}: they read {@code result.items} and fetch page after page
     * until one has no items. Walking pages that way must see every resource once and then stop.
     */
    @Test
    void searchPagesThroughItemsTheWayTheSdksAutoPaginate() {
        for (String name : List.of("a", "b", "c")) {
            createPool("pool-" + name, null);
        }
        final String search = "/accounts/" + account + "/load_balancers/search?query=pool-&per_page=2&page=";
        final List<String> walked = new ArrayList<>();
        int page = 1;
        while (true) {
            final ApiServer.Reply reply = api.get(search + page);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            final JsonNode items = reply.result().get("items");
            if (items.isEmpty()) {
                assertThat(reply.result().get("resources")).isEmpty();
                break;
            }
            assertThat(items).hasSize(1);
            assertThat(items.get(0).get("resources")).isEqualTo(reply.result().get("resources"));
            items.get(0).get("resources").forEach(r -> walked.add(r.get("resource_name").asText()));
            page++;
            assertThat(page).as("pages requested").isLessThan(10);
        }
        assertThat(walked).containsExactly("pool-a", "pool-b", "pool-c");
        assertThat(page).isEqualTo(3);
    }
}
