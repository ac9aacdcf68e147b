package dev.fulcrum.testing;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RequestView;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.routing.UpstreamFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written router for wrapper mechanics that do not depend on steering: each host maps to a fixed list of
 * targets tried in order (the first, then one failover to the second), or to a fixed direct answer. It records every
 * reported outcome so tests can check the exactly-once feedback.
 */
public final class StubRouter implements Router {

    /** One origin to send to. */
    public record Target(String name, String scheme, String address, int port, String hostHeader) {

        public static Target of(LoopbackOrigin origin) {
            return new Target(origin.name(), "http", "127.0.0.1", origin.port(), null);
        }

        public static Target refused(String name, int port) {
            return new Target(name, "http", "127.0.0.1", port, null);
        }
    }

    /** One reported outcome. */
    public record Completion(String origin, Outcome outcome, int status) {
    }

    private final Map<String, List<Target>> forwards = new ConcurrentHashMap<>();
    private final Map<String, RouteDecision.Respond> answers = new ConcurrentHashMap<>();
    private final List<Completion> completions = new CopyOnWriteArrayList<>();

    public StubRouter forward(String host, Target... targets) {
        forwards.put(host.toLowerCase(Locale.ROOT), List.of(targets));
        return this;
    }

    public StubRouter respond(String host, RouteDecision.Respond answer) {
        answers.put(host.toLowerCase(Locale.ROOT), answer);
        return this;
    }

    public List<Completion> completions() {
        return List.copyOf(completions);
    }

    @Override
    public RouteDecision route(RequestView request) {
        final String host = request.host().toLowerCase(Locale.ROOT);
        final RouteDecision.Respond answer = answers.get(host);
        if (answer != null) {
            return answer;
        }
        final List<Target> targets = forwards.get(host);
        if (targets == null) {
            return null;
        }
        final String ray = String.format("%016x-TST", System.nanoTime());
        final List<Map.Entry<String, String>> headers = new ArrayList<>();
        final String forwardedFor = request.header("X-Forwarded-For");
        headers.add(Map.entry("X-Forwarded-For", forwardedFor == null
                ? request.clientAddress() : forwardedFor + ", " + request.clientAddress()));
        headers.add(Map.entry("X-Forwarded-Proto", request.scheme()));
        headers.add(Map.entry("CF-Connecting-IP", request.clientAddress()));
        headers.add(Map.entry("CF-Ray", ray));
        return new StubForward(targets, 0, request.host(), List.copyOf(headers), ray);
    }

    private final class StubForward implements RouteDecision.Forward {

        private final List<Target> targets;
        private final int index;
        private final String clientHost;
        private final List<Map.Entry<String, String>> requestHeaders;
        private final String ray;

        StubForward(List<Target> targets, int index, String clientHost,
                    List<Map.Entry<String, String>> requestHeaders, String ray) {
            this.targets = targets;
            this.index = index;
            this.clientHost = clientHost;
            this.requestHeaders = requestHeaders;
            this.ray = ray;
        }

        private Target target() {
            return targets.get(index);
        }

        @Override
        public List<Map.Entry<String, String>> responseHeaders() {
            return List.of(Map.entry("CF-Ray", ray));
        }

        @Override
        public String loadBalancerId() {
            return "stub";
        }

        @Override
        public String poolId() {
            return "stub";
        }

        @Override
        public String originName() {
            return target().name();
        }

        @Override
        public String scheme() {
            return target().scheme();
        }

        @Override
        public String address() {
            return target().address();
        }

        @Override
        public int port() {
            return target().port();
        }

        @Override
        public String hostHeader() {
            return target().hostHeader() == null ? clientHost : target().hostHeader();
        }

        @Override
        public List<Map.Entry<String, String>> requestHeaders() {
            return requestHeaders;
        }

        @Override
        public List<String> removeRequestHeaders() {
            return List.of("X-Real-IP");
        }

        @Override
        public void complete(Outcome outcome, int status, long upstreamNanos) {
            completions.add(new Completion(target().name(), outcome, status));
        }

        @Override
        public RouteDecision.Forward failover(UpstreamFailure failure) {
            if (!failure.failoverEligible() || index > 0 || targets.size() < 2) {
                return null;
            }
            return new StubForward(targets, 1, clientHost, requestHeaders, ray);
        }
    }
}
