package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.health.HealthMonitor;
import dev.fulcrum.health.PopHealthSource;
import dev.fulcrum.store.ConfigStore;
import dev.fulcrum.store.StoreUnavailableException;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloudflare-compatible REST API (spec §7), independent of any servlet container: one {@link ApiRequest} in,
 * one {@link ApiResponse} out, always a JSON envelope.
 *
 * <p>Order of checks: path prefix, credentials (every route, spec §7.3: {@link ApiCredentials}), body size, route
 * and method, then the resource. Every refusal is a 4xx with Cloudflare's error code; a 5xx only reports a fault of
 * our own (e.g. the store failing to persist), never client input, and a refused write never changes stored state
 * because validation runs inside the store mutation.
 *
 * <p>Thread safety: safe for concurrent calls; state lives in the {@link ConfigStore}.
 */
public final class ApiRouter {

    /** The API's path prefix, as in Cloudflare's base URL. */
    public static final String PREFIX = "/client/v4";
    /** Largest accepted request body; configuration objects are far smaller. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

    private final ApiCredentials credentials;
    private final Routes routes = new Routes();

    /** The API without pool health and previews (their routes answer 7003/7000). */
    public ApiRouter(ConfigStore store, BearerAuth auth, Clock clock) {
        this(store, auth, clock, null);
    }

    /** @param health the running health monitor behind pool health and previews; null leaves those routes out */
    public ApiRouter(ConfigStore store, BearerAuth auth, Clock clock, HealthMonitor health) {
        this(store, auth, clock, health, null);
    }

    /**
     * @param health the running health monitor behind pool health and previews; null leaves those routes out
     * @param node   what the node reports about itself ({@code fulcrum/status}, {@code fulcrum/traffic}); null leaves
     *               those routes out
     */
    public ApiRouter(ConfigStore store, BearerAuth auth, Clock clock, HealthMonitor health, NodeReport node) {
        this(store, auth, clock, health, node, null);
    }

    /**
     * @param pops where {@code pop_health} comes from: every live node of a cluster; null for this node alone
     */
    public ApiRouter(ConfigStore store, BearerAuth auth, Clock clock, HealthMonitor health, NodeReport node,
                     PopHealthSource pops) {
        this.credentials = new ApiCredentials(Objects.requireNonNull(auth, "auth"));
        final ConfigJson json = new ConfigJson();
        final ConfigIndex.Live indexes = new ConfigIndex.Live();
        Objects.requireNonNull(store, "store").addChangeListener(indexes::update);
        // Every resource writes through the change log, so each committed write is logged once, by whoever made it.
        final ApiContext ctx = new ApiContext(new ConfigChangeLog(store, json), json,
                Objects.requireNonNull(clock, "clock"), indexes);
        new TokenResource(auth).register(routes);
        new AccountResource(ctx).register(routes);
        new ZoneResource(ctx).register(routes);
        new LoadBalancerResource(ctx).register(routes);
        new PoolResource(ctx).register(routes);
        new MonitorResource(ctx).register(routes);
        new MonitorGroupResource(ctx).register(routes);
        new SearchResource(ctx).register(routes);
        new RegionResource(ctx).register(routes);
        if (health != null) {
            new HealthResource(ctx, health, pops).register(routes);
        }
        if (node != null) {
            new NodeResource(node).register(routes);
        }
        // Last: it mirrors the account-scoped pool, monitor and preview routes registered above.
        new UserLevelRoutes(ctx.store()).register(routes);
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            return respond(200, Map.of(), route(request));
        } catch (ApiError e) {
            return respond(e.status(), e.headers(), Envelope.failure(e));
        } catch (StoreUnavailableException e) {
            LOG.warn("API call " + request.method() + ' ' + request.path() + " refused: "
                    + e.getMessage());
            final ApiError error = ApiError.storeUnavailable(e.getMessage());
            return respond(error.status(), error.headers(), Envelope.failure(error));
        } catch (ConfigException e) {
            final ApiError error = ApiError.of(e);
            return respond(error.status(), error.headers(), Envelope.failure(error));
        } catch (RuntimeException e) {
            LOG.error("API call " + request.method() + ' ' + request.path() + " failed", e);
            final ApiError error = ApiError.internal();
            return respond(error.status(), error.headers(), Envelope.failure(error));
        }
    }

    private ObjectNode route(ApiRequest request) {
        final String path = request.path();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + '/')) {
            throw ApiError.noRoute(path);
        }
        final String relative = path.length() == PREFIX.length() ? "/" : path.substring(PREFIX.length());
        final String credential = credentials.check(request);
        if (request.body().length > MAX_BODY_BYTES) {
            throw ApiError.bodyTooLarge(MAX_BODY_BYTES);
        }
        final Map<String, String> params = new HashMap<>();
        final Routes.Handler handler = routes.find(request.method(), relative, params);
        return ConfigChangeLog.as(credential, () -> handler.handle(new Call(request, relative, params)));
    }

    /**
     * The answer to a request the listener in front refused before this router could see it ({@link
     * ApiError#refusedByListener}): every host's error hook for its API listener writes this, so no answer of the
     * API listener is outside the envelope.
     *
     * @param detail  the listener's reason, or null
     * @param rawPath the request's path as received (null when the request line could not be read)
     */
    public static ApiResponse refused(int status, String detail, String rawPath) {
        final String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        final String relative = path.equals(PREFIX) ? "/"
                : path.startsWith(PREFIX + '/') ? path.substring(PREFIX.length()) : path;
        final ApiError error = ApiError.refusedByListener(status, detail, relative);
        return respond(error.status(), error.headers(), Envelope.failure(error));
    }

    private static ApiResponse respond(int status, Map<String, String> headers, ObjectNode envelope) {
        return new ApiResponse(status, headers, ApiJson.write(envelope));
    }
}
