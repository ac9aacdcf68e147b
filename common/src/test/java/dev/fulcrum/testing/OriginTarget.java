package dev.fulcrum.testing;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.UpstreamFailure;

import java.util.List;
import java.util.Map;

/**
 * Just enough of a decision to address an origin with a Host value. As it is, it reports nothing and never fails
 * over; tests that watch outcomes override {@link #complete} and {@link #failover}.
 */
public class OriginTarget implements RouteDecision.Forward {

    private final String scheme;
    private final String address;
    private final int port;
    private final String hostHeader;

    public OriginTarget(String scheme, String address, int port, String hostHeader) {
        this.scheme = scheme;
        this.address = address;
        this.port = port;
        this.hostHeader = hostHeader;
    }

    /** With the address as the Host value. */
    public OriginTarget(String scheme, String address, int port) {
        this(scheme, address, port, address);
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String hostHeader() {
        return hostHeader;
    }

    @Override
    public List<Map.Entry<String, String>> responseHeaders() {
        return List.of();
    }

    @Override
    public String loadBalancerId() {
        return "lb";
    }

    @Override
    public String poolId() {
        return "pool";
    }

    @Override
    public String originName() {
        return address;
    }

    @Override
    public List<Map.Entry<String, String>> requestHeaders() {
        return List.of();
    }

    @Override
    public List<String> removeRequestHeaders() {
        return List.of();
    }

    @Override
    public void complete(Outcome outcome, int status, long upstreamNanos) {
    }

    @Override
    public RouteDecision.Forward failover(UpstreamFailure failure) {
        return null;
    }
}
