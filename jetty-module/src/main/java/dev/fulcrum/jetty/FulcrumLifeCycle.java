package dev.fulcrum.jetty;

import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.runtime.Setting;
import dev.fulcrum.runtime.SettingHost;
import dev.fulcrum.runtime.SettingsTable;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The {@link Fulcrum} runtime (store, API token, health monitors, router, upstream client) as a Jetty bean, configured
 * from the module's {@code fulcrum.*} properties by {@code etc/fulcrum.xml} and started by the {@link FulcrumHandler}
 * that serves it.
 *
 * <p>The XML hands every property of the Jetty module's rows of the {@link SettingsTable} to {@link #set}, which
 * reads it at once: a bad property fails the XML configuration naming it. What spans several properties (the node
 * location) is checked on start. A start that generates the API token logs it once, at INFO: only its hash is
 * stored.
 *
 * <p>The API's address ({@link #apiHost()}, {@link #apiPort()}) is read here and used by the XML for the API's own
 * Jetty connector (see {@link FulcrumHandler}); the runtime itself listens on nothing.
 */
public final class FulcrumLifeCycle extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(FulcrumLifeCycle.class);

    private final FulcrumSettings.Builder settings;
    private volatile Fulcrum fulcrum;

    /**
     * @param base {@code jetty.base}: relative paths (the data directory, the origin CA file) are under it; null
     *             leaves them relative to the working directory
     */
    public FulcrumLifeCycle(String base) {
        // The runtime's upstream client serves only the core proxy handler here: tuned for it, as in the standalone.
        this.settings = FulcrumProxyHandler.tuneUpstream(FulcrumSettings.builder().host(SettingHost.JETTY_MODULE)
                .baseDirectory(base == null || base.isBlank() ? null : Path.of(base)));
    }

    /**
     * One {@code fulcrum.*} property, as the module's ini (or the command line) gave it: null when unset, blank for
     * the default.
     *
     * @throws FulcrumSettings.InvalidSettingException naming the property, the value and the expectation
     * @throws IllegalArgumentException when {@code property} is none of the module's (the XML and the settings table
     *                                  disagree)
     */
    public void set(String property, String value) {
        final Setting<?> setting = SettingsTable.find(SettingHost.JETTY_MODULE, property).orElseThrow(
                () -> new IllegalArgumentException(property + ": not a property of the Fulcrum module"));
        settings.text(setting, value, property);
    }

    /** The address of the API's connector ({@code fulcrum.api.host}). */
    public String apiHost() {
        return settings.get(SettingsTable.API_BIND);
    }

    /** The port of the API's connector ({@code fulcrum.api.port}). */
    public int apiPort() {
        return settings.get(SettingsTable.API_PORT);
    }

    /** The running runtime. */
    public Fulcrum fulcrum() {
        final Fulcrum f = fulcrum;
        if (f == null) {
            throw new IllegalStateException("the Fulcrum runtime is not started");
        }
        return f;
    }

    @Override
    protected void doStart() {
        final FulcrumSettings built = settings.build();
        final Fulcrum started = new Fulcrum(built).start();
        final String token = started.generatedApiToken();
        if (token != null) {
            LOG.info("Fulcrum generated an API token; it is shown only now (its SHA-256 is in {}): {}",
                    started.apiTokenFile(), token);
        }
        fulcrum = started;
    }

    @Override
    protected void doStop() {
        final Fulcrum f = fulcrum;
        fulcrum = null;
        if (f != null) {
            f.stop();
        }
    }
}
