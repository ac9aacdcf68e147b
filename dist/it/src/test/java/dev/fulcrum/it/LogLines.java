package dev.fulcrum.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator reads in a host's log, one line per record, in the host's own format: the start line (version,
 * node, store, where it serves), each configuration change (credential, object, fields; never the token) and the
 * graceful stop. Each host's ITs pass their line prefix: timestamp, level and logger as that host writes them.
 */
final class LogLines {

    /** The standalone's (and the WAR's in Jetty) one-line java.util.logging format. */
    static final String ONE_LINE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO \\[[^\\]]+\\] ";
    /** Jetty's own logging: {@code 2026-12-07 16:33:50.123:INFO :dfr.Fulcrum:main: }. */
    static final String JETTY = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}:INFO\\s*:";
    /** Tomcat's JULI OneLineFormatter: {@code 07-Dec-2026 16:33:50.123 INFO [main] dev.fulcrum.runtime.Fulcrum.x }. */
    static final String JULI = "\\d\\d-[A-Za-z]{3}-\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO \\[[^\\]]+\\] ";
    /** java.util.logging's own two-line default, which no host may fall back to. */
    private static final Pattern TWO_LINE_HEADER = Pattern.compile("(?m)^[A-Z][a-z]{2} \\d\\d?, \\d{4} \\d");

    private LogLines() {
    }

    /** The log has the start line after {@code prefix} and the logger ({@code logger}, a regex) on one line. */
    static void started(String log, String prefix, String logger, String store) {
        assertThat(log).containsPattern(Pattern.compile("(?m)^" + prefix + logger + "\\S*:? Fulcrum \\S+ started: "
                + "node Fulcrum, store " + Pattern.quote(store) + " \\(revision \\d+\\), .*dashboard.*$"));
        assertThat(log).doesNotContainPattern(TWO_LINE_HEADER);
    }

    /**
     * The log has at least one change line by the admin token, and the stop line; it shows the token only in the one
     * line that hands over a token the start generated.
     */
    static void changedAndStopped(String log, String prefix, String changeLogger, String token) {
        assertThat(log).containsPattern(Pattern.compile("(?m)^" + prefix + changeLogger
                + "\\S*:? config change by token [0-9a-f]{32}: pool [0-9a-f]{32} \"[^\"]+\" created \\(revision \\d+\\)$"));
        assertThat(log).contains("Fulcrum stopped: store ");
        assertThat(log.lines().filter(line -> line.contains(token)))
                .allSatisfy(line -> assertThat(line).contains("Fulcrum generated an API token")).hasSizeLessThan(2);
        assertThat(log).doesNotContainPattern(TWO_LINE_HEADER);
    }

    /** The dashboard's page answers at {@code base}/dashboard/ with its Content-Security-Policy. */
    static void dashboardServed(String base) throws Exception {
        final HttpResponse<String> page = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create(base + "/dashboard/")).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).startsWith("default-src 'self'"));
        assertThat(page.body()).contains("Fulcrum dashboard");
    }
}
