package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.fulcrum.api.ApiProtocolTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** Accounts and zones. */
class ZoneApiTest {

    @TempDir
    Path dir;

    private ApiServer api;
    private String account;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dir);
        account = api.accountId();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private ApiServer.Reply create(String name) {
        return api.post("/zones", "{\"name\":\"" + name + "\",\"account\":{\"id\":\"" + account + "\"}}");
    }

    @Test
    void firstStartCreatesOneAccount() {
        final ApiServer.Reply accounts = api.get("/accounts");
        assertThat(accounts.result()).hasSize(1);
        assertThat(accounts.json().get("result_info").get("total_count").asInt()).isEqualTo(1);
        assertThat(accounts.result().get(0).get("id").asText()).matches("[0-9a-f]{32}");
    }

    @Test
    void zoneLifecycle() {
        final ApiServer.Reply created = create("Example.COM");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        final JsonNode zone = created.result();
        final String id = zone.get("id").asText();
        assertThat(zone.get("name").asText()).isEqualTo("example.com");
        assertThat(zone.get("status").asText()).isEqualTo("active");
        assertThat(zone.get("account").get("id").asText()).isEqualTo(account);
        assertThat(zone.get("account").get("name").asText()).isEqualTo("Fulcrum");
        assertThat(zone.has("created_on")).isTrue();
        assertThat(zone.has("modified_on")).isTrue();

        assertThat(api.get("/zones/" + id).result()).isEqualTo(zone);
        create("example.net");
        final ApiServer.Reply byName = api.get("/zones?name=example.com");
        assertThat(byName.result()).hasSize(1);
        assertThat(byName.result().get(0).get("id").asText()).isEqualTo(id);
        assertThat(byName.json().get("result_info").get("total_count").asInt()).isEqualTo(1);
        assertThat(api.get("/zones").result()).hasSize(2);
        assertThat(api.get("/zones?account.id=" + account).result()).hasSize(2);

        assertThat(api.delete("/zones/" + id).result().get("id").asText()).isEqualTo(id);
        assertThat(api.get("/zones/" + id).status()).isEqualTo(404);
        assertThat(api.get("/zones").result()).hasSize(1);
    }

    @Test
    void badNamesAre1002AndDuplicatesAre1003() {
        for (String bad : new String[] {"", "localhost", "-bad.com", "exa mple.com", "example..com", "1.2.3.4",
                "example.com.", "a".repeat(64) + ".com"}) {
            final ApiServer.Reply reply = create(bad);
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.errorCode()).as(bad).isEqualTo(1002);
            assertThat(reply.errorMessage()).startsWith("name:").endsWith(": validation failed");
        }
        assertThat(api.post("/zones", "{\"name\":\"example.com\"}").errorCode()).isEqualTo(1002);
        assertThat(api.post("/zones", "{\"name\":\"example.com\",\"account\":{\"id\":\"" + "c".repeat(32) + "\"}}")
                .errorMessage()).startsWith("account.id:");
        assertThat(create("example.com").status()).isEqualTo(200);
        assertFailure(create("EXAMPLE.com"), 400, 1003,
                "name: 'example.com' (expected: a zone name not taken yet): value not unique");
        assertThat(api.get("/zones").result()).hasSize(1);
    }

    @Test
    void deletingAZoneDeletesItsLoadBalancers() {
        final String zone = create("example.com").result().get("id").asText();
        final String pool = api.post("/accounts/" + account + "/load_balancers/pools",
                "{\"name\":\"p\",\"origins\":[{\"name\":\"a\",\"address\":\"10.0.0.1\"}]}").result().get("id").asText();
        final ApiServer.Reply lb = api.post("/zones/" + zone + "/load_balancers",
                "{\"name\":\"www.example.com\",\"fallback_pool\":\"" + pool + "\",\"default_pools\":[\"" + pool
                        + "\"]}");
        assertThat(lb.status()).as(lb.toString()).isEqualTo(200);
        assertThat(api.fulcrum().store().current().loadBalancers()).hasSize(1);

        assertThat(api.delete("/zones/" + zone).status()).isEqualTo(200);
        assertThat(api.fulcrum().store().current().loadBalancers()).isEmpty();
        assertThat(api.get("/zones/" + zone + "/load_balancers").status()).isEqualTo(404);
        // The pool is no longer referenced.
        assertThat(api.delete("/accounts/" + account + "/load_balancers/pools/" + pool).status()).isEqualTo(200);
    }

    @Test
    void zonePagingIsValidated() {
        assertThat(api.get("/zones?per_page=51").errorCode()).isEqualTo(1002);
        assertThat(api.get("/zones?page=0").errorCode()).isEqualTo(1002);
        assertThat(api.get("/zones?page=abc").errorMessage()).startsWith("page: 'abc'");
        create("a.com");
        create("b.com");
        create("c.com");
        final ApiServer.Reply page = api.get("/zones?per_page=2&page=2");
        assertThat(page.result()).hasSize(1);
        final JsonNode info = page.json().get("result_info");
        assertThat(info.get("page").asInt()).isEqualTo(2);
        assertThat(info.get("per_page").asInt()).isEqualTo(2);
        assertThat(info.get("count").asInt()).isEqualTo(1);
        assertThat(info.get("total_count").asInt()).isEqualTo(3);
        assertThat(info.get("total_pages").asInt()).isEqualTo(2);
    }
}
