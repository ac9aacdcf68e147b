package dev.fulcrum.affinity;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.AffinityRecorder;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.OutcomeListener;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.FakeClock;
import dev.fulcrum.testing.TestRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A real router on a fake clock and a fixed key, and helpers to read the affinity part of its decisions. */
final class Routing {

    static final String HOST = "app.example.test";
    /** One hour after the fixtures' T0, so objects disabled at T0 have a known drain start. */
    static final Instant START = Instant.parse("2026-01-01T01:00:00Z");

    final FakeClock clock = new FakeClock(START);
    final AffinityKey key;
    final SnapshotRouter router;
    /** What the affinity stage reported, by result ({@code hit}, {@code miss}, {@code repin}). */
    final Map<String, Integer> recorded = new ConcurrentHashMap<>();

    Routing() {
        this(AffinityKey.random());
    }

    Routing(AffinityKey key) {
        this.key = key;
        this.router = new SnapshotRouter(RoutingSettings.DEFAULT, new OriginConnections(), OutcomeListener.NONE,
                new AffinitySettings(key, clock, 1_000), new Recorder(recorded));
    }

    /** Counts every report for {@link #HOST}'s load balancer, the only one the tests serve. */
    private record Recorder(Map<String, Integer> counts) implements AffinityRecorder {

        @Override
        public void hit(String loadBalancerId) {
            counts.merge("hit", 1, Integer::sum);
        }

        @Override
        public void miss(String loadBalancerId) {
            counts.merge("miss", 1, Integer::sum);
        }

        @Override
        public void repinned(String loadBalancerId) {
            counts.merge("repin", 1, Integer::sum);
        }
    }

    Routing serve(ConfigSnapshot config) {
        router.update(config);
        return this;
    }

    Routing health(HealthSnapshot health) {
        router.update(health);
        return this;
    }

    RouteDecision.Forward forward(TestRequest request) {
        final RouteDecision decision = router.route(request);
        assertThat(decision).isInstanceOf(RouteDecision.Forward.class);
        return (RouteDecision.Forward) decision;
    }

    /** The Set-Cookie value of a decision, or null. */
    static String setCookie(RouteDecision decision) {
        return header(decision.responseHeaders(), "Set-Cookie");
    }

    static String header(List<Map.Entry<String, String>> headers, String name) {
        String found = null;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                assertThat(found).as("%s twice", name).isNull();
                found = h.getValue();
            }
        }
        return found;
    }

    /** The {@code name=value} part of a Set-Cookie value, as the client sends it back. */
    static String cookiePair(String setCookie) {
        assertThat(setCookie).startsWith("__cflb=");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** The request carrying the cookie of a decision that set one. */
    static TestRequest withCookieOf(TestRequest request, RouteDecision decision) {
        final String setCookie = setCookie(decision);
        assertThat(setCookie).as("Set-Cookie").isNotNull();
        return request.cookies(cookiePair(setCookie));
    }
}
