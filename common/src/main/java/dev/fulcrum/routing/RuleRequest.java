package dev.fulcrum.routing;

import dev.fulcrum.request.RequestView;
import dev.fulcrum.rules.RuleInput;

import java.time.Clock;
import java.util.List;

/**
 * One request as rule conditions see it: the wrapper's {@link RequestView}, the load balancer's name, the node's
 * region and the router's clock. Made only for load balancers that have rules, once per request.
 */
final class RuleRequest extends RuleInput {

    private final RequestView request;
    private final String loadBalancerName;
    private final String region;
    private final Clock clock;

    RuleRequest(RequestView request, String loadBalancerName, String region, Clock clock) {
        this.request = request;
        this.loadBalancerName = loadBalancerName;
        this.region = region;
        this.clock = clock;
    }

    @Override
    protected String loadBalancerName() {
        return loadBalancerName;
    }

    @Override
    protected String region() {
        return region == null ? "" : region;
    }

    @Override
    protected String clientAddress() {
        return request.clientAddress();
    }

    @Override
    protected String host() {
        return request.host();
    }

    @Override
    protected String method() {
        return request.method();
    }

    @Override
    protected String path() {
        return request.path();
    }

    @Override
    protected String query() {
        return request.query();
    }

    @Override
    protected List<String> headerValues(String name) {
        return request.headers(name);
    }

    @Override
    protected String protocol() {
        return request.protocol();
    }

    @Override
    protected long epochSeconds() {
        return Math.floorDiv(clock.millis(), 1000L);
    }
}
