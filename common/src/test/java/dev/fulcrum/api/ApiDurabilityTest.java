package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.runtime.FulcrumStartException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the API writes survives restarts, concurrent writers lose nothing, and a corrupt store is never clobbered. */
class ApiDurabilityTest {

    @TempDir
    Path dir;

    private ApiServer api;

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void everythingWrittenIsBackAfterARestart() throws Exception {
        api = ApiServer.start(dir);
        final String account = api.accountId();
        final String zone = api.post("/zones", "{\"name\":\"example.com\",\"account\":{\"id\":\"" + account + "\"}}")
                .result().get("id").asText();
        final String base = "/accounts/" + account + "/load_balancers";
        final String monitor = api.post(base + "/monitors", "{\"expected_codes\":\"2xx\",\"interval\":30}")
                .result().get("id").asText();
        final String pool = api.post(base + "/pools", "{\"name\":\"p\",\"monitor\":\"" + monitor
                + "\",\"origins\":[{\"name\":\"a\",\"address\":\"10.0.0.1\",\"weight\":0.25}]}").result().get("id")
                .asText();
        final JsonNode lb = api.post("/zones/" + zone + "/load_balancers", "{\"name\":\"www.example.com\","
                + "\"fallback_pool\":\"" + pool + "\",\"default_pools\":[\"" + pool + "\"],\"proxied\":true,"
                + "\"session_affinity\":\"cookie\"}").result();
        final JsonNode before = snapshotViaApi(account, zone);

        api.restart();

        assertThat(api.accountId()).isEqualTo(account);
        assertThat(snapshotViaApi(account, zone)).isEqualTo(before);
        assertThat(api.get("/zones/" + zone + "/load_balancers/" + lb.get("id").asText()).result()).isEqualTo(lb);
        assertThat(api.get("/user/tokens/verify").status()).isEqualTo(200);
    }

    private JsonNode snapshotViaApi(String account, String zone) {
        final var node = ApiServer.JSON.createObjectNode();
        node.set("zones", api.get("/zones").result());
        node.set("monitors", api.get("/accounts/" + account + "/load_balancers/monitors").result());
        node.set("pools", api.get("/accounts/" + account + "/load_balancers/pools").result());
        node.set("lbs", api.get("/zones/" + zone + "/load_balancers").result());
        return node;
    }

    @Test
    void eightConcurrentWritersLoseNoUpdate() throws Exception {
        api = ApiServer.start(dir);
        final String pools = "/accounts/" + api.accountId() + "/load_balancers/pools";
        final int writers = 8;
        final int each = 10;
        final long revisionBefore = api.fulcrum().store().current().revision();
        final ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            final List<Callable<List<String>>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                final int writer = w;
                tasks.add(() -> {
                    final List<String> ids = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        final ApiServer.Reply reply = api.post(pools, "{\"name\":\"w" + writer + "-" + i
                                + "\",\"origins\":[{\"name\":\"o\",\"address\":\"10.0.0." + (i + 1) + "\"}]}");
                        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
                        ids.add(reply.result().get("id").asText());
                    }
                    return ids;
                });
            }
            final Set<String> created = new HashSet<>();
            for (Future<List<String>> f : executor.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                created.addAll(f.get());
            }
            assertThat(created).hasSize(writers * each);
        } finally {
            executor.shutdownNow();
        }
        final JsonNode list = api.get(pools).result();
        assertThat(list).hasSize(writers * each);
        assertThat(api.fulcrum().store().current().revision()).isEqualTo(revisionBefore + writers * each);

        api.restart();
        assertThat(api.get(pools).result()).hasSize(writers * each);
    }

    @Test
    void concurrentPatchesOfOneObjectAllLand() throws Exception {
        api = ApiServer.start(dir);
        final String monitors = "/accounts/" + api.accountId() + "/load_balancers/monitors";
        final String id = api.post(monitors, "{\"expected_codes\":\"200\"}").result().get("id").asText();
        final List<String> fields = List.of("description", "path", "probe_zone", "expected_body");
        final ExecutorService executor = Executors.newFixedThreadPool(fields.size());
        try {
            final List<Callable<Integer>> tasks = new ArrayList<>();
            for (String field : fields) {
                tasks.add(() -> api.patch(monitors + "/" + id,
                        "{\"" + field + "\":\"" + (field.equals("path") ? "/" : "") + field + "-set\"}").status());
            }
            for (Future<Integer> f : executor.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            executor.shutdownNow();
        }
        final JsonNode monitor = api.get(monitors + "/" + id).result();
        assertThat(monitor.get("description").asText()).isEqualTo("description-set");
        assertThat(monitor.get("path").asText()).isEqualTo("/path-set");
        assertThat(monitor.get("probe_zone").asText()).isEqualTo("probe_zone-set");
        assertThat(monitor.get("expected_body").asText()).isEqualTo("expected_body-set");
    }

    @Test
    void corruptStoreFileIsNamedAndLeftUntouched() throws Exception {
        api = ApiServer.start(dir);
        api.post("/zones", "{\"name\":\"example.com\",\"account\":{\"id\":\"" + api.accountId() + "\"}}");
        api.close();
        api = null;

        final Path storeFile = largestStoreFile();
        // Two damaged lines: not a torn last write that a store may legitimately drop, but real damage.
        final byte[] garbage = "{\"this is\": not the store\n{\"nor\": this}\n".getBytes(StandardCharsets.UTF_8);
        Files.write(storeFile, garbage);

        final Fulcrum fulcrum = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(ApiServer.TOKEN).build());
        assertThatThrownBy(fulcrum::start).isInstanceOf(FulcrumStartException.class)
                .hasMessageContaining(storeFile.getFileName().toString());
        assertThat(fulcrum.isRunning()).isFalse();
        assertThat(Files.readAllBytes(storeFile)).isEqualTo(garbage);
    }

    /** The store's own file: whatever the store keeps in the data directory, apart from the token hash. */
    private Path largestStoreFile() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("api-token"))
                    .filter(p -> !p.getFileName().toString().endsWith(".lock"))
                    .max((a, b) -> Long.compare(size(a), size(b))).orElseThrow();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
