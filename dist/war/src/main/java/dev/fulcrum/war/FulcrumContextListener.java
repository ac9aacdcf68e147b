package dev.fulcrum.war;

import dev.fulcrum.routing.Router;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.runtime.Setting;
import dev.fulcrum.runtime.SettingHost;
import dev.fulcrum.runtime.SettingsTable;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.servlet.MetricsServlet;
import dev.fulcrum.upstream.UpstreamClient;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link Fulcrum} runtime for the lifetime of a web application (the Fulcrum WAR, any servlet container):
 * starts it when the context starts and publishes what the servlets need as context attributes, stops it when the
 * context stops.
 *
 * <p>Settings are the WAR's rows of the {@link SettingsTable}: the standalone's, minus its listening addresses (the
 * WAR serves on the container's connectors). A context parameter {@code fulcrum.<option>} (e.g.
 * {@code fulcrum.data-dir}, {@code fulcrum.api-token}, {@code fulcrum.upstream-connect-timeout}) overrides the
 * environment variable ({@code FULCRUM_DATA_DIR} …), which overrides the default. A relative data directory (and
 * origin CA file) is resolved against the server's base directory ({@code catalina.base}, else {@code jetty.base},
 * else the working directory); the default is {@code <base>/fulcrum-data}. A bad, unknown or unused setting or a
 * start failure fails the deployment, with the reason; {@code trusted-proxies} is refused even from the
 * environment: behind another proxy, the container's own mechanism gives the client.
 *
 * <p>Attributes set: {@link ApiServlet#ROUTER_ATTRIBUTE} (the {@code ApiRouter}), {@link #ROUTER_ATTRIBUTE} (the
 * {@link Router}), {@link #UPSTREAM_ATTRIBUTE} (the shared {@link UpstreamClient}),
 * {@link MetricsServlet#ENDPOINT_ATTRIBUTE} (the {@code /metrics} scrape) and {@link #FULCRUM_ATTRIBUTE}.
 *
 * <p>The WAR's only forwarder is the proxy servlet, which never blocks in the upstream client's callbacks, so the
 * client runs them on its selectors, one per CPU ({@link FulcrumSettings.Builder#selectorCallbacks()}).
 */
public final class FulcrumContextListener implements ServletContextListener {

    /** Servlet-context attribute with the {@link Router}; the proxy servlet's {@code ROUTER_ATTRIBUTE}. */
    public static final String ROUTER_ATTRIBUTE = Router.class.getName();
    /** Servlet-context attribute with the {@link UpstreamClient}; the proxy servlet's {@code UPSTREAM_ATTRIBUTE}. */
    public static final String UPSTREAM_ATTRIBUTE = UpstreamClient.class.getName();
    /** Servlet-context attribute with the running {@link Fulcrum}. */
    public static final String FULCRUM_ATTRIBUTE = Fulcrum.class.getName();

    private final Map<String, String> environment;
    private Fulcrum fulcrum;
    private WebappLogging logging;

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
        logging = WebappLogging.install();
        final Fulcrum started;
        try {
            final FulcrumSettings settings = settings(context, environment, serverBase());
            started = new Fulcrum(settings).start();
            final String token = started.generatedApiToken();
            if (token != null) {
                context.log("Fulcrum generated an API token; it is shown only now (its SHA-256 is in "
                        + started.apiTokenFile() + "): " + token);
            }
        } catch (RuntimeException e) {
            logging.close();
            logging = null;
            throw e;
        }
        context.setAttribute(FULCRUM_ATTRIBUTE, started);
        context.setAttribute(ApiServlet.ROUTER_ATTRIBUTE, started.api());
        context.setAttribute(ROUTER_ATTRIBUTE, started.router());
        context.setAttribute(UPSTREAM_ATTRIBUTE, started.upstream());
        context.setAttribute(MetricsServlet.ENDPOINT_ATTRIBUTE, started.metricsEndpoint());
        started.announce("proxy, api (" + context.getContextPath() + "/client/v4) and dashboard ("
                + context.getContextPath() + "/dashboard/) on the server's connectors");
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
        if (logging != null) {
            logging.close();
            logging = null;
        }
    }

    /**
     * The settings from {@code fulcrum.*} context parameters over {@code FULCRUM_*} variables, the WAR's rows of the
     * {@link SettingsTable}, with relative paths under {@code base}.
     *
     * @throws FulcrumSettings.InvalidSettingException naming the parameter (or variable), the value and what was
     *                                                 expected
     */
    static FulcrumSettings settings(ServletContext context, Map<String, String> environment, Path base) {
        final FulcrumSettings.Builder builder = FulcrumSettings.builder().host(SettingHost.WAR).baseDirectory(base)
                .selectorCallbacks().environment(environment);
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (!name.startsWith(SettingHost.PARAMETER_PREFIX)) {
                continue; // someone else's
            }
            final String source = "context parameter " + name;
            final Setting<?> setting = SettingsTable.find(SettingHost.WAR, name).orElse(null);
            if (setting != null) {
                builder.text(setting, context.getInitParameter(name), source);
                continue;
            }
            final Setting<?> elsewhere = SettingsTable.named(name.substring(SettingHost.PARAMETER_PREFIX.length()))
                    .orElse(null);
            throw elsewhere != null ? builder.notOffered(elsewhere) : new FulcrumSettings.InvalidSettingException(
                    source + ": unknown setting (expected: a standalone option name, e.g. fulcrum.data-dir)");
        }
        return builder.build();
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
