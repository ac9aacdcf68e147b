package dev.fulcrum.metrics;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.OutcomeListener;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.ForwardHeaders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The optional access log: one line per forwarded attempt, at INFO on the SLF4J logger named {@value #LOGGER}, so it
 * goes where the host's log goes, as every Fulcrum log line does (the standalone's console, Jetty's logging,
 * Tomcat's JULI). Off unless
 * the runtime is started with the access log setting. It runs on the thread that reports the outcome, the upstream
 * client's selector in hosts with non-blocking callbacks: a handler that blocks (a full pipe on stderr) slows
 * every response there.
 *
 * <p>Line: {@code lb=shop.example.com pool=eu pool_id=… origin=web-1 status=200 outcome=responded
 * upstream_ms=1.234 failover=false ray=8a1f…-FUL}. {@code status} is the origin's, or the 52x answer Fulcrum gave
 * for a failed attempt ({@code 0} when the client left first). A request that failed over logs two lines: the
 * failed attempt, then the failover attempt with {@code failover=true}; the ray id ties them together. Names are
 * the configured ones; the path and the client address are not logged (they stay in the container's own request
 * log, which the ray id joins).
 *
 * <p>Thread safety: safe for concurrent use; formatting is skipped when the logger drops INFO.
 */
public final class AccessLog implements OutcomeListener {

    /** The logger name; configure its level and handler in the host's logging. */
    public static final String LOGGER = "dev.fulcrum.access";

    /** Where the lines go: a logger, or what a test captures them with. */
    public interface Sink {

        /** False when lines would be dropped: they are then not even formatted. */
        boolean enabled();

        void write(String line);

        /** The SLF4J logger {@code logger} at INFO. */
        static Sink of(Logger logger) {
            return new Sink() {
                @Override
                public boolean enabled() {
                    return logger.isInfoEnabled();
                }

                @Override
                public void write(String line) {
                    logger.info(line);
                }
            };
        }
    }

    private final Sink sink;
    private volatile ConfigNames names = ConfigNames.EMPTY;

    public AccessLog() {
        this(Sink.of(LoggerFactory.getLogger(LOGGER)));
    }

    /** With a given sink (tests capture the lines with it). */
    public AccessLog(Sink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Adopts a new configuration (for the names in the line); costs nothing, the names are read when logged. */
    public void update(ConfigSnapshot config) {
        names = new ConfigNames(config);
    }

    /** As {@link #update(ConfigSnapshot)} with the change's next snapshot. */
    public void update(ConfigChange change) {
        update(change.next());
    }

    @Override
    public void completed(RouteDecision.Forward attempt, Outcome outcome, int status, long upstreamNanos) {
        if (!sink.enabled()) {
            return;
        }
        sink.write(line(attempt, outcome, status, upstreamNanos));
    }

    String line(RouteDecision.Forward attempt, Outcome outcome, int status, long upstreamNanos) {
        final ConfigNames n = names;
        final String lb = n.lbName(attempt.loadBalancerId());
        final String pool = n.poolName(attempt.poolId());
        return "lb=" + value(lb != null ? lb : attempt.loadBalancerId())
                + " pool=" + value(pool != null ? pool : attempt.poolId())
                + " pool_id=" + attempt.poolId()
                + " origin=" + value(attempt.originName())
                + " status=" + status
                + " outcome=" + outcome.name().toLowerCase(Locale.ROOT)
                + " upstream_ms=" + String.format(Locale.ROOT, "%.3f", upstreamNanos / 1e6)
                + " failover=" + attempt.isFailover()
                + " ray=" + ray(attempt);
    }

    /** Names are free text: one with a space, quote, equals sign or control character is quoted. */
    static String value(String text) {
        boolean plain = !text.isEmpty();
        for (int i = 0; i < text.length() && plain; i++) {
            final char c = text.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c != 0x7f;
        }
        if (plain) {
            return text;
        }
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < ' ' || c == 0x7f) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static String ray(RouteDecision.Forward attempt) {
        for (Map.Entry<String, String> header : attempt.requestHeaders()) {
            if (ForwardHeaders.CF_RAY.equalsIgnoreCase(header.getKey())) {
                return header.getValue();
            }
        }
        return "-";
    }
}
