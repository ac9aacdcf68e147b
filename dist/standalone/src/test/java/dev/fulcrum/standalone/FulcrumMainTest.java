package dev.fulcrum.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The standalone launcher: in-process for the happy and error paths, as a child JVM for the real process life. */
class FulcrumMainTest {

    private static final Pattern READY =
            Pattern.compile("Fulcrum ready: proxy http://([^:]+):(\\d+) api http://([^:]+):(\\d+)/client/v4"
                    + " dashboard http://\\3:\\4/dashboard/");
    private static final String TOKEN = "dist-test-token-0123456789";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FulcrumMain.Standalone running;
    private Process process;

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.close();
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsPrintsTheReadyLineAndServesTheApi() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        // No drain on close: the test's client keeps its proxy connection open, which a drain would wait for.
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dir.toString(), "--drain", "0"), Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        final String printed = out.toString(StandardCharsets.UTF_8);
        final Matcher ready = READY.matcher(printed);
        assertThat(ready.find()).as(printed).isTrue();
        assertThat(Integer.parseInt(ready.group(2))).isEqualTo(running.proxyPort());
        assertThat(Integer.parseInt(ready.group(4))).isEqualTo(running.apiPort());
        final Matcher token = Pattern.compile("\\n  ([A-Za-z0-9_-]{40})\\n").matcher(printed);
        assertThat(token.find()).as(printed).isTrue();

        final String api = "http://127.0.0.1:" + running.apiPort() + "/client/v4";
        final HttpResponse<String> accounts = get(api + "/accounts", token.group(1));
        assertThat(accounts.statusCode()).isEqualTo(200);
        final JsonNode body = new ObjectMapper().readTree(accounts.body());
        assertThat(body.get("result").get(0).get("name").asText()).isEqualTo("Fulcrum");
        assertThat(get(api + "/accounts", null).statusCode()).isEqualTo(403);
        assertThat(get("http://127.0.0.1:" + running.apiPort() + "/elsewhere", null).statusCode()).isEqualTo(404);
        assertThat(get("http://127.0.0.1:" + running.proxyPort() + "/", null).statusCode()).isEqualTo(404);
        // The API is not reachable through the proxy port.
        assertThat(get("http://127.0.0.1:" + running.proxyPort() + "/client/v4/accounts", token.group(1))
                .statusCode()).isEqualTo(404);
    }

    @Test
    void helpPrintsUsageAndStartsNothing() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(FulcrumMain.launch(List.of("--help"), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isNull();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--api-port").contains("--data-dir");
    }

    @Test
    void migrateToEtcdNeedsEndpointsAndAnEtcdThatAnswers(@TempDir Path dataDir) throws Exception {
        assertThatThrownBy(() -> FulcrumMain.launch(List.of(FulcrumMain.MIGRATE, "--data-dir", dataDir.toString()),
                Map.of(), System.out))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_USAGE))
                .hasMessageStartingWith("migrate-to-etcd needs --etcd-endpoints (FULCRUM_ETCD_ENDPOINTS)");
        final int refused;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            refused = socket.getLocalPort();
        }
        assertThatThrownBy(() -> FulcrumMain.launch(List.of(FulcrumMain.MIGRATE, "--data-dir", dataDir.toString()),
                Map.of("FULCRUM_ETCD_ENDPOINTS", "http://127.0.0.1:" + refused), System.out))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_START))
                .hasMessageStartingWith("migrate-to-etcd: etcd cannot be read");
        assertThat(FulcrumMain.usage()).contains("migrate-to-etcd --data-dir DIR --etcd-endpoints URL");
    }

    @Test
    void badArgumentIsAUsageError() {
        assertThatThrownBy(() -> FulcrumMain.launch(List.of("--port", "eighty"), Map.of(), System.out))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_USAGE))
                .hasMessage("--port: 'eighty' is not a port number (expected: 0-65535)");
        assertThatThrownBy(() -> FulcrumMain.launch(List.of("--trusted-proxies", "10.0.0.0/33"), Map.of(),
                System.out))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_USAGE))
                .hasMessage("--trusted-proxies: '10.0.0.0/33' is not an IP address or CIDR range (expected: a "
                        + "comma-separated list of IP addresses and CIDR ranges, e.g. 10.0.0.0/8, 192.0.2.7, "
                        + "2001:db8::/32)");
    }

    @Test
    void aDurationWithoutAUnitIsAUsageErrorNamingTheOptionOrVariable() {
        assertThatThrownBy(() -> FulcrumMain.launch(List.of("--upstream-connect-timeout", "5"), Map.of(), System.out))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_USAGE))
                .hasMessage("--upstream-connect-timeout: 5 has no unit (expected: a positive duration such as 19s, "
                        + "500ms or 15m; units: ms, s, m, h)");
        assertThatThrownBy(() -> FulcrumMain.launch(List.of(), Map.of("FULCRUM_UPSTREAM_IDLE_TIMEOUT", "900"),
                System.out)).hasMessageStartingWith("FULCRUM_UPSTREAM_IDLE_TIMEOUT: 900 has no unit");
    }

    @Test
    void theUsageListsTheListeningOptionsWithTheirDefaultsAndVariables() {
        assertThat(FulcrumMain.usage()).contains("--port PORT", "(default 8080)", "env FULCRUM_PORT", "--bind HOST",
                "(default 0.0.0.0)", "--upstream-connect-timeout DURATION", "(default 19s)", "--access-log ");
    }

    @Test
    void dataDirThatIsAFileIsAStartError() throws Exception {
        final Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--data-dir",
                file.toString()), Map.of(), System.out))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_START))
                .hasMessageContaining(file.toString());
    }

    @Test
    void corruptStoreIsAStartErrorNamingTheFile() throws Exception {
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--data-dir", dir.toString(),
                "--api-token", TOKEN), Map.of(), nullStream());
        running.close();
        running = null;
        final Path storeFile;
        try (Stream<Path> files = Files.list(dir)) {
            storeFile = files.filter(p -> !p.getFileName().toString().startsWith("api-token"))
                    .filter(p -> !p.getFileName().toString().endsWith(".lock"))
                    .filter(p -> p.toFile().length() > 0).findFirst().orElseThrow();
        }
        final String garbage = "not json\nnor this\n";
        Files.writeString(storeFile, garbage);
        assertThatThrownBy(() -> FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--data-dir",
                dir.toString()), Map.of(), nullStream()))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_START))
                .hasMessageContaining(storeFile.toString());
        assertThat(Files.readString(storeFile)).isEqualTo(garbage);
    }

    @Test
    void portInUseIsAStartErrorAndReleasesTheStore() throws Exception {
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dir.resolve("a").toString(), "--api-token", TOKEN), Map.of(), nullStream());
        final String taken = Integer.toString(running.apiPort());
        assertThatThrownBy(() -> FulcrumMain.launch(List.of("--port", "0", "--api-port", taken,
                "--data-dir", dir.resolve("b").toString(), "--api-token", TOKEN), Map.of(), nullStream()))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_START))
                .hasMessageContaining(taken);
        // The failed start closed its store: the same data directory starts fine.
        running.close();
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--data-dir",
                dir.resolve("b").toString(), "--api-token", TOKEN), Map.of(), nullStream());
        assertThat(get("http://127.0.0.1:" + running.apiPort() + "/client/v4/accounts", TOKEN).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aStartThatCannotHaveItsPortsCreatesAndPrintsNothing() throws Exception {
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dir.resolve("a").toString(), "--api-token", TOKEN), Map.of(), nullStream());
        final String taken = Integer.toString(running.proxyPort());
        final Path fresh = dir.resolve("fresh");
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // No token given: a start that went on would generate one, store its hash and print it.
        assertThatThrownBy(() -> FulcrumMain.launch(List.of("--port", taken, "--bind", "127.0.0.1", "--api-port",
                "0", "--data-dir", fresh.toString()), Map.of(), new PrintStream(printed, true, StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_START))
                .hasMessageContaining(taken);
        assertThat(fresh).doesNotExist();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aDataDirectoryItMayNotWriteIsPermissionDeniedNamingIt() throws Exception {
        final Path locked = Files.createDirectories(dir.resolve("locked"));
        locked.toFile().setWritable(false, false);
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(locked),
                    "this user (root?) writes any directory: nothing to deny");
            assertThatThrownBy(() -> FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--data-dir",
                    locked.toString(), "--api-token", TOKEN), Map.of(), nullStream()))
                    .isInstanceOfSatisfying(FulcrumMain.LaunchException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(FulcrumMain.EXIT_START))
                    .hasMessage("data directory " + locked.toAbsolutePath() + ": permission denied (the user running "
                            + "Fulcrum cannot write it: give it the directory, or choose another)");
        } finally {
            locked.toFile().setWritable(true, false);
        }
    }

    @Test
    void versionPrintsTheVersionAndStartsNothing() {
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(FulcrumMain.launch(List.of("--version", "--data-dir", dir.resolve("v").toString()), Map.of(),
                new PrintStream(printed, true, StandardCharsets.UTF_8))).isNull();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("Fulcrum " + dev.fulcrum.runtime.Version.current()
                + System.lineSeparator());
        assertThat(dir.resolve("v")).doesNotExist();
    }

    @Test
    void childProcessServesAndStopsCleanlyOnSigterm() throws Exception {
        process = startChild("--port", "0", "--api-port", "0", "--bind", "127.0.0.1", "--data-dir",
                dir.toString(), "--api-token", TOKEN);
        final BufferedReader stdout = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final List<String> lines = new ArrayList<>();
        Matcher ready = null;
        for (int i = 0; i < 50 && ready == null; i++) {
            final String line = stdout.readLine();
            if (line == null) {
                break;
            }
            lines.add(line);
            final Matcher m = READY.matcher(line);
            if (m.matches()) {
                ready = m;
            }
        }
        assertThat(ready).as(String.join("\n", lines) + errors()).isNotNull();
        final String api = "http://127.0.0.1:" + ready.group(4) + "/client/v4";
        assertThat(get(api + "/user/tokens/verify", TOKEN).statusCode()).isEqualTo(200);

        process.destroy();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // 143 = terminated by SIGTERM after the shutdown hook ran; the store and Jetty stopped without complaint.
        assertThat(process.exitValue()).isEqualTo(143);
        assertThat(errors()).doesNotContain("Exception").doesNotContain("error");
    }

    @Test
    void childProcessWithABadArgumentExitsNonZeroWithOneLine() throws Exception {
        process = startChild("--api-port", "x");
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(FulcrumMain.EXIT_USAGE);
        assertThat(errors().strip()).isEqualTo("fulcrum: --api-port: 'x' is not a port number (expected: 0-65535)");
    }

    private Process startChild(String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FulcrumMain.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    /** The child's stderr so far (it goes to a file: destroy() closes the process's pipes). */
    private String errors() throws IOException {
        final Path file = dir.resolve("stderr.txt");
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PrintStream nullStream() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
