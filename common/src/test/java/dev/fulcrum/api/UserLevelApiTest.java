package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.store.ConfigStore;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.store.FileConfigStore;
import dev.fulcrum.testing.LoopbackOrigin;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.fulcrum.api.ApiProtocolTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The legacy user-level routes ({@code /user/load_balancers/{monitors,pools,preview}}): the account-scoped routes of
 * the same shape, for the one account, with the same envelope, validation and error codes.
 */
class UserLevelApiTest {

    private static final String USER = "/user/load_balancers";
    private static final String MONITOR = "{\"type\":\"http\",\"path\":\"/health\",\"expected_codes\":\"2xx\","
            + "\"description\":\"health\"}";

    @TempDir
    Path dir;

    private ApiServer api;
    private String account;
    private String base;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dir.resolve("data"));
        account = api.accountId();
        base = "/accounts/" + account + "/load_balancers";
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static String id(ApiServer.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.result().get("id").asText();
    }

    private static String pool(String name, String monitor, String address, int port) {
        return "{\"name\":\"" + name + "\",\"monitor\":\"" + monitor + "\",\"origins\":[{\"name\":\"o\","
                + "\"address\":\"" + address + "\",\"port\":" + port + "}]}";
    }

    /** Both paths answer the same JSON (status and whole envelope). */
    private void assertSameAnswer(String user, String accountScoped) {
        final ApiServer.Reply viaUser = api.get(user);
        final ApiServer.Reply viaAccount = api.get(accountScoped);
        assertThat(viaUser.status()).as(user).isEqualTo(viaAccount.status());
        assertThat(viaUser.json()).as(user).isEqualTo(viaAccount.json());
    }

    @Test
    void monitorsAreTheAccountsMonitors() {
        final ApiServer.Reply created = api.post(USER + "/monitors", MONITOR);
        final String monitor = id(created);
        final String item = "/monitors/" + monitor;
        assertThat(api.get(base + item).result()).isEqualTo(created.result());
        assertSameAnswer(USER + "/monitors", base + "/monitors");
        assertSameAnswer(USER + item, base + item);

        final ApiServer.Reply replaced = api.put(USER + item, "{\"type\":\"http\",\"path\":\"/ready\"}");
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(api.get(base + item).result().get("path").asText()).isEqualTo("/ready");
        assertThat(api.get(base + item).result().get("description").asText()).isEmpty();
        final ApiServer.Reply patched = api.patch(USER + item, "{\"description\":\"patched\"}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(api.get(base + item).result().get("description").asText()).isEqualTo("patched");
        assertThat(api.get(base + item).result().get("path").asText()).isEqualTo("/ready");

        final String pool = id(api.post(base + "/pools", pool("web", monitor, "10.0.0.1", 80)));
        assertSameAnswer(USER + item + "/references", base + item + "/references");
        assertThat(api.get(USER + item + "/references").result().get(0).get("resource_id").asText())
                .isEqualTo(pool);
        assertFailure(api.delete(USER + item), 412, 1005,
                "This object is referenced by other objects, delete them first.");

        assertThat(api.delete(base + "/pools/" + pool).status()).isEqualTo(200);
        final ApiServer.Reply deleted = api.delete(USER + item);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.result().get("id").asText()).isEqualTo(monitor);
        assertThat(api.get(base + item).status()).isEqualTo(404);
    }

    @Test
    void poolsAreTheAccountsPools() {
        final String monitor = id(api.post(base + "/monitors", MONITOR));
        final ApiServer.Reply created = api.post(USER + "/pools", pool("web", monitor, "10.0.0.1", 80));
        final String pool = id(created);
        final String item = "/pools/" + pool;
        final String other = id(api.post(base + "/pools", "{\"name\":\"plain\",\"origins\":[{\"name\":\"o\","
                + "\"address\":\"10.0.0.2\"}]}"));
        assertThat(api.get(base + item).result()).isEqualTo(created.result());
        assertSameAnswer(USER + "/pools", base + "/pools");
        assertThat(api.get(USER + "/pools").result()).hasSize(2);
        assertSameAnswer(USER + "/pools?monitor=" + monitor, base + "/pools?monitor=" + monitor);
        assertThat(api.get(USER + "/pools?monitor=" + monitor).result()).hasSize(1);
        assertSameAnswer(USER + item, base + item);

        final ApiServer.Reply bulk = api.patch(USER + "/pools", "{\"notification_email\":\"ops@example.com\"}");
        assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
        assertThat(bulk.result()).hasSize(2);
        assertThat(api.get(base + "/pools/" + other).result().get("notification_email").asText())
                .isEqualTo("ops@example.com");

        final ApiServer.Reply replaced = api.put(USER + item, pool("renamed", monitor, "10.0.0.3", 8080));
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(api.get(base + item).result().get("name").asText()).isEqualTo("renamed");
        assertThat(api.get(base + item).result().get("notification_email").asText()).isEmpty();
        final ApiServer.Reply patched = api.patch(USER + item, "{\"enabled\":false}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(api.get(base + item).result().get("enabled").asBoolean()).isFalse();
        assertThat(api.get(base + item).result().get("name").asText()).isEqualTo("renamed");

        final String zone = id(api.post("/zones", "{\"name\":\"example.com\",\"account\":{\"id\":\"" + account
                + "\"}}"));
        final String lb = id(api.post("/zones/" + zone + "/load_balancers", "{\"name\":\"www.example.com\","
                + "\"fallback_pool\":\"" + pool + "\",\"default_pools\":[\"" + pool + "\"]}"));
        assertSameAnswer(USER + item + "/references", base + item + "/references");
        assertThat(api.get(USER + item + "/references").result()).hasSize(2);
        assertFailure(api.delete(USER + item), 412, 1005,
                "This object is referenced by other objects, delete them first.");

        assertThat(api.delete("/zones/" + zone + "/load_balancers/" + lb).status()).isEqualTo(200);
        final ApiServer.Reply deleted = api.delete(USER + item);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.result().get("id").asText()).isEqualTo(pool);
        assertThat(api.get(base + item).status()).isEqualTo(404);
    }

    @Test
    void poolHealthAndPreviewsAreMirrored() throws Exception {
        try (LoopbackOrigin origin = LoopbackOrigin.start("origin")) {
            final String monitor = id(api.post(USER + "/monitors", MONITOR));
            final String pool = id(api.post(USER + "/pools", pool("web", monitor, "127.0.0.1", origin.port())));

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    api.get(USER + "/pools/" + pool + "/health").result().get("pop_health").has("Fulcrum"));
            final JsonNode health = api.get(USER + "/pools/" + pool + "/health").result();
            assertThat(health.get("pool_id").asText()).isEqualTo(pool);
            assertThat(health.get("pop_health").get("Fulcrum").get("origins").get(0).has("127.0.0.1")).isTrue();

            final ApiServer.Reply poolPreview = api.post(USER + "/pools/" + pool + "/preview", MONITOR);
            assertThat(poolPreview.status()).as(poolPreview.toString()).isEqualTo(200);
            assertThat(poolPreview.result().get("pools").get(pool).asText()).isEqualTo("web");
            final String preview = poolPreview.result().get("preview_id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    api.get(USER + "/preview/" + preview).result().get(pool).get("origins").size() == 1);
            final JsonNode result = api.get(USER + "/preview/" + preview).result();
            assertThat(result.get(pool).get("healthy").asBoolean()).isTrue();
            // Finished, so stable: both paths read the same preview.
            assertSameAnswer(USER + "/preview/" + preview, base + "/preview/" + preview);

            final ApiServer.Reply monitorPreview = api.post(USER + "/monitors/" + monitor + "/preview", MONITOR);
            assertThat(monitorPreview.status()).as(monitorPreview.toString()).isEqualTo(200);
            assertThat(monitorPreview.result().get("pools").get(pool).asText()).isEqualTo("web");

            final String unknown = USER + "/preview/" + "a".repeat(32);
            assertFailure(api.get(unknown), 404, 7003,
                    "Could not route to " + unknown + ", perhaps your object identifier is invalid?");
        }
    }

    @Test
    void refusalsAreTheAccountScopedOnes() {
        final String monitor = id(api.post(base + "/monitors", MONITOR));
        // The same body refused the same way on both paths, and nothing stored.
        final long revision = api.fulcrum().store().current().revision();
        for (String body : List.of("{\"name\":\"p\",\"origins\":[]}", "{\"name\":\"p\",\"monitor\":\""
                + "0".repeat(32) + "\",\"origins\":[{\"name\":\"o\",\"address\":\"10.0.0.1\"}]}", "{", "[]")) {
            final ApiServer.Reply viaUser = api.post(USER + "/pools", body);
            final ApiServer.Reply viaAccount = api.post(base + "/pools", body);
            assertThat(viaUser.status()).as(body).isBetween(400, 499).isEqualTo(viaAccount.status());
            assertThat(viaUser.json()).as(body).isEqualTo(viaAccount.json());
        }
        final ApiServer.Reply badMonitor = api.patch(USER + "/monitors/" + monitor, "{\"interval\":1}");
        assertThat(badMonitor.status()).isEqualTo(400);
        assertThat(badMonitor.errorCode()).isEqualTo(1002);
        assertThat(badMonitor.json())
                .isEqualTo(api.patch(base + "/monitors/" + monitor, "{\"interval\":1}").json());
        assertFailure(api.raw("POST", USER + "/monitors", Map.of("Authorization", "Bearer " + ApiServer.TOKEN),
                MONITOR.getBytes(StandardCharsets.UTF_8)), 400, 9207, "Content-type must be application/json.");
        assertThat(api.fulcrum().store().current().revision()).isEqualTo(revision);

        for (String path : List.of(USER + "/pools/" + "0".repeat(32), USER + "/monitors/not-an-id/references",
                USER + "/pools/" + monitor + "/health", USER + "/regions", USER + "/search", USER + "/preview",
                USER)) {
            assertFailure(api.get(path), 404, 7003,
                    "Could not route to " + path + ", perhaps your object identifier is invalid?");
        }
        final ApiServer.Reply wrongMethod = api.call("DELETE", USER + "/pools", null);
        assertFailure(wrongMethod, 405, 10405, "Method not allowed");
        assertThat(wrongMethod.raw().headers().firstValue("Allow"))
                .isEqualTo(api.call("DELETE", base + "/pools", null).raw().headers().firstValue("Allow"))
                .hasValue("GET, POST, PATCH");
        assertFailure(api.raw("GET", USER + "/pools", Map.of(), null), 403, 10000, "Authentication error");
    }

    @Test
    void olderClientsCredentialsWorkOnUserRoutes() {
        // cloudflare-go before accounts: email and global key, user-level paths.
        final ApiServer.Reply reply = api.getWithHeaders(USER + "/monitors",
                "X-Auth-Email", "ops@example.com", "X-Auth-Key", ApiServer.TOKEN);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.result().isArray()).isTrue();
    }

    @Test
    void severalAccountsOrNoneAreRefusedNamingTheAccountScopedPath() {
        final String monitor = id(api.post(base + "/monitors", MONITOR));
        final String pool = id(api.post(base + "/pools", pool("web", monitor, "10.0.0.1", 80)));
        final Account second = new Account(Ids.newId(), "second", Instant.parse("2026-01-01T00:00:00Z"));
        changeAccounts(accounts -> {
            accounts.put(second.id(), second);
            return accounts;
        });
        final long revision = api.fulcrum().store().current().revision();

        final String m = "/monitors/" + monitor;
        final String p = "/pools/" + pool;
        // Every user-level route, each method: refused before the handler runs, so nothing is read or written.
        final List<String> calls = List.of("GET /monitors", "POST /monitors", "GET " + m, "PUT " + m, "PATCH " + m,
                "DELETE " + m, "GET " + m + "/references", "POST " + m + "/preview", "GET /pools", "POST /pools",
                "PATCH /pools", "GET " + p, "PUT " + p, "PATCH " + p, "DELETE " + p, "GET " + p + "/references",
                "GET " + p + "/health", "POST " + p + "/preview", "GET /preview/" + "a".repeat(32));
        for (String call : calls) {
            final String method = call.substring(0, call.indexOf(' '));
            final String path = call.substring(call.indexOf(' ') + 1);
            final String body = method.equals("GET") || method.equals("DELETE") ? null : MONITOR;
            assertFailure(api.call(method, USER + path, body), 400, 1002, USER + path + ": serves the only account,"
                    + " and there are 2 (expected: exactly one account; otherwise use /accounts/{account_id}"
                    + "/load_balancers" + path + "): validation failed");
        }
        assertThat(api.fulcrum().store().current().revision()).isEqualTo(revision);
        // The account-scoped routes serve each account as before.
        assertThat(api.get(base + p).status()).isEqualTo(200);
        assertThat(api.get("/accounts/" + second.id() + "/load_balancers/pools").result()).isEmpty();

        assertThat(api.delete(base + p).status()).isEqualTo(200);
        assertThat(api.delete(base + m).status()).isEqualTo(200);
        changeAccounts(accounts -> new HashMap<>());
        assertFailure(api.get(USER + "/pools"), 400, 1002, USER + "/pools: serves the only account, and there are "
                + "none (expected: exactly one account; otherwise use /accounts/{account_id}/load_balancers/pools):"
                + " validation failed");

        // Read per call: with one account again, the user-level routes serve it.
        changeAccounts(accounts -> new HashMap<>(Map.of(second.id(), second)));
        assertThat(id(api.post(USER + "/monitors", MONITOR))).isNotEmpty();
        assertThat(api.get("/accounts/" + second.id() + "/load_balancers/monitors").result()).hasSize(1);
    }

    /** Changes the stored accounts, as only the runtime does (the API cannot create or delete accounts). */
    private void changeAccounts(UnaryOperator<Map<String, Account>> change) {
        api.fulcrum().store().update(s -> new ConfigSnapshot(s.revision() + 1,
                change.apply(new HashMap<>(s.accounts())), s.zones(), s.monitors(), s.pools(), s.loadBalancers()));
    }

    @Test
    void withoutHealthTheUserLevelPreviewIsAbsentToo() throws Exception {
        // A router without a health monitor has no account-scoped preview routes, so no user-level ones either.
        final Server server = new Server();
        try (ConfigStore store = FileConfigStore.open(dir.resolve("bare"))) {
            final ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            final ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder(new ApiServlet(new ApiRouter(store,
                    new BearerAuth(Ids.newId(), BearerAuth.sha256(ApiServer.TOKEN)), Clock.systemUTC()))), "/*");
            server.setHandler(context);
            server.start();
            final HttpClient client = HttpClient.newHttpClient();
            final String preview = "/client/v4" + USER + "/preview/" + "a".repeat(32);
            final HttpResponse<String> absent = get(client, connector.getLocalPort(), preview);
            assertThat(absent.statusCode()).isEqualTo(404);
            assertThat(absent.body()).contains("\"code\":7003");
            // A fresh store has no account at all: the mirrored routes exist and say so.
            final HttpResponse<String> pools = get(client, connector.getLocalPort(), "/client/v4" + USER + "/pools");
            assertThat(pools.statusCode()).isEqualTo(400);
            assertThat(pools.body()).contains("there are none");
        } finally {
            server.stop();
        }
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ApiServer.TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
