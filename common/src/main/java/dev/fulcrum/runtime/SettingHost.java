package dev.fulcrum.runtime;

/**
 * The four ways Fulcrum is hosted, each with its own spelling of a setting (see {@link Setting}).
 *
 * <p>Where each host reads settings, and what a relative path is relative to:
 * <ul>
 *   <li>{@link #STANDALONE}: command-line options over {@code FULCRUM_*} environment variables; the working
 *       directory;</li>
 *   <li>{@link #JETTY_MODULE}: {@code fulcrum.*} properties of {@code start.d/fulcrum.ini} (or the command line of
 *       {@code start.jar}), passed by {@code etc/fulcrum.xml}; {@code $JETTY_BASE};</li>
 *   <li>{@link #TOMCAT_VALVE}: attributes of the {@code <Valve/>} element in {@code server.xml};
 *       {@code $CATALINA_BASE};</li>
 *   <li>{@link #WAR}: {@code fulcrum.*} context parameters over the standalone's {@code FULCRUM_*} environment
 *       variables; the server's base directory ({@code catalina.base}, else {@code jetty.base}).</li>
 * </ul>
 */
public enum SettingHost {

    STANDALONE("the standalone"),
    JETTY_MODULE("the Jetty module"),
    TOMCAT_VALVE("the valve"),
    WAR("the WAR");

    /** The prefix of the standalone's environment variables, which the WAR reads too. */
    public static final String ENVIRONMENT_PREFIX = "FULCRUM_";
    /** The prefix of the WAR's context parameters; the rest is the standalone's option name. */
    public static final String PARAMETER_PREFIX = "fulcrum.";

    private final String title;

    SettingHost(String title) {
        this.title = title;
    }

    /** How messages refer to this host, e.g. "the WAR". */
    public String title() {
        return title;
    }

    /** Whether this host reads the {@code FULCRUM_*} environment variables. */
    public boolean readsEnvironment() {
        return this == STANDALONE || this == WAR;
    }
}
