package dev.fulcrum.routing;

import dev.fulcrum.request.RequestView;

/**
 * Decides where each request goes. Implemented by the routing core; wrappers only call {@link #route}.
 */
public interface Router {

    /** The decision for this request, or null when its host is not an enabled load balancer's. */
    RouteDecision route(RequestView request);
}
