package dev.fulcrum.servlet;

import dev.fulcrum.routing.Router;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one {@link Fulcrum} runtime for the lifetime of a web application (the Fulcrum WAR, any servlet container):
 * starts it when the context starts and publishes what the servlets need as context attributes, stops it when the
 * context stops.
 *
 * <p>Settings are the standalone's, minus its listening addresses (the WAR serves on the container's connectors):
 * a context parameter {@code fulcrum.<option>} (e.g. {@code fulcrum.data-dir}, {@code fulcrum.api-token},
 * {@code fulcrum.upstream-connect-timeout}) overrides the environment variable ({@code FULCRUM_DATA_DIR} …), which
 * overrides the default. A relative data directory (and origin CA file) is resolved against the server's base directory
 * ({@code catalina.base}, else {@code jetty.base}, else the working directory); the default is
 * {@code <base>/fulcrum-data}. A bad setting or a start failure fails the deployment, with the reason.
 * {@code trusted-proxies} is refused: behind another proxy, the container's own mechanism gives the client.
 *
 * <p>Attributes set: {@link ApiServlet#ROUTER_ATTRIBUTE} (the {@code ApiRouter}), {@link #ROUTER_ATTRIBUTE} (the
 * {@link Router}), {@link #UPSTREAM_ATTRIBUTE} (the shared {@link UpstreamClient}),
 * {@link MetricsServlet#ENDPOINT_ATTRIBUTE} (the {@code /metrics} scrape) and {@link #FULCRUM_ATTRIBUTE}.
 *
 * <p>The WAR's only forwarder is the proxy servlet, which never blocks in the upstream client's callbacks, so the
 * client runs them on its selectors, one per CPU ({@link UpstreamSettings#selectorCallbacks()}).
 */
public final class FulcrumContextListener implements ServletContextListener {

    /** Context-parameter prefix; the rest of the name is a standalone option without its dashes. */
    public static final String PARAMETER_PREFIX = "fulcrum.";
    /** Servlet-context attribute with the {@link Router}; the proxy servlet's {@code ROUTER_ATTRIBUTE}. */
    public static final String ROUTER_ATTRIBUTE = Router.class.getName();
    /** Servlet-context attribute with the {@link UpstreamClient}; the proxy servlet's {@code UPSTREAM_ATTRIBUTE}. */
    public static final String UPSTREAM_ATTRIBUTE = UpstreamClient.class.getName();
    /** Servlet-context attribute with the running {@link Fulcrum}. */
    public static final String FULCRUM_ATTRIBUTE = Fulcrum.class.getName();

    /**
     * Standalone options that make no sense in a WAR: the container's connectors serve both proxy and API, with
     * the container's own timeouts, limits and graceful stop.
     */
    private static final Set<String> LISTENING = Set.of("port", "bind", "api-port", "api-bind", "header-timeout",
            "max-connections-per-client", "drain");

    private final Map<String, String> environment;
    private Fulcrum fulcrum;

    public FulcrumContextListener() {
        this(System.getenv());
    }

    /** @param environment where {@code FULCRUM_*} variables are read (tests pass their own) */
    public FulcrumContextListener(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        final ServletContext context = event.getServletContext();
        final FulcrumSettings.Builder builder = settings(context, environment, serverBase()).toBuilder();
        UpstreamSettings.selectorCallbacks().forEach(builder::upstream);
        final FulcrumSettings settings = builder.build();
        final Fulcrum started = new Fulcrum(settings).start();
        final String token = started.generatedApiToken();
        if (token != null) {
            context.log("Fulcrum generated an API token; it is shown only now (its SHA-256 is in "
                    + started.apiTokenFile() + "): " + token);
        }
        context.setAttribute(FULCRUM_ATTRIBUTE, started);
        context.setAttribute(ApiServlet.ROUTER_ATTRIBUTE, started.api());
        context.setAttribute(ROUTER_ATTRIBUTE, started.router());
        context.setAttribute(UPSTREAM_ATTRIBUTE, started.upstream());
        context.setAttribute(MetricsServlet.ENDPOINT_ATTRIBUTE, started.metricsEndpoint());
        context.log("Fulcrum started: data " + settings.dataDir());
        fulcrum = started;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        final ServletContext context = event.getServletContext();
        for (String name : List.of(FULCRUM_ATTRIBUTE, ApiServlet.ROUTER_ATTRIBUTE, ROUTER_ATTRIBUTE,
                UPSTREAM_ATTRIBUTE, MetricsServlet.ENDPOINT_ATTRIBUTE)) {
            context.removeAttribute(name);
        }
        if (fulcrum != null) {
            fulcrum.stop();
            fulcrum = null;
        }
    }

    /**
     * The settings from {@code fulcrum.*} context parameters over {@code FULCRUM_*} variables, with the data
     * directory made absolute against {@code base}.
     *
     * @throws IllegalArgumentException naming the parameter (or variable), the value and what was expected
     */
    static FulcrumSettings settings(ServletContext context, Map<String, String> environment, Path base) {
        final List<String> args = new ArrayList<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (!name.startsWith(PARAMETER_PREFIX)) {
                continue;
            }
            final String option = name.substring(PARAMETER_PREFIX.length());
            if (LISTENING.contains(option)) {
                throw new IllegalArgumentException("context parameter " + name + ": not used by the WAR, which "
                        + "serves the load balancers and the API on the container's own connectors (their timeouts, "
                        + "limits and graceful stop are the container's settings)");
            }
            args.add("--" + option + "=" + context.getInitParameter(name));
        }
        final FulcrumSettings parsed;
        try {
            parsed = FulcrumSettings.parse(args, environment);
        } catch (FulcrumSettings.InvalidSettingException e) {
            throw new IllegalArgumentException(parameterMessage(e.getMessage()), e);
        }
        if (!parsed.trustedProxies().isEmpty()) {
            // The servlet API gives one address, already the client when the container is set up for its proxy:
            // a second derivation here would read a chain the container has already consumed.
            throw new IllegalArgumentException("context parameter " + PARAMETER_PREFIX + "trusted-proxies (or "
                    + "FULCRUM_TRUSTED_PROXIES): not used by the WAR; the container's own forwarded-header support "
                    + "gives the client's address (Tomcat: a RemoteIpValve in the Engine; Jetty: the http-forwarded "
                    + "module)");
        }
        final FulcrumSettings.Builder resolved = parsed.toBuilder().dataDir(base.resolve(parsed.dataDir()).normalize());
        if (parsed.originCa() != null) {
            resolved.originCa(base.resolve(parsed.originCa()).normalize(),
                    "context parameter " + PARAMETER_PREFIX + "origin-ca (or FULCRUM_ORIGIN_CA)");
        }
        return resolved.build();
    }

    /** The parser names options ({@code --data-dir: ...}); the operator wrote context parameters. */
    private static String parameterMessage(String message) {
        final String unknown = "unknown option '--";
        if (message.startsWith(unknown)) {
            final String rest = message.substring(unknown.length());
            final int eq = rest.indexOf('=');
            return "context parameter " + PARAMETER_PREFIX + (eq < 0 ? rest : rest.substring(0, eq))
                    + ": unknown setting (expected: a standalone option name, e.g. fulcrum.data-dir)";
        }
        return message.startsWith("--") ? "context parameter " + PARAMETER_PREFIX + message.substring(2) : message;
    }

    /** Where a relative data directory lives: the server's base directory, as Tomcat and Jetty name it. */
    static Path serverBase() {
        for (String property : List.of("catalina.base", "jetty.base")) {
            final String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                return Path.of(value).toAbsolutePath();
            }
        }
        return Path.of("").toAbsolutePath();
    }
}
