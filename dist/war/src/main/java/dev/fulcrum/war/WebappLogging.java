package dev.fulcrum.war;

import dev.fulcrum.runtime.OneLineFormatter;

import java.util.List;
import java.util.Objects;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The WAR's log. Its SLF4J goes to {@code java.util.logging} ({@code slf4j-jdk14} in {@code WEB-INF/lib}), which in
 * Tomcat is JULI: the container's own files and one-line format, nothing to do here. A container that leaves
 * {@code java.util.logging} as the JDK sets it up (Jetty, whose own log is SLF4J) would print each record on two
 * lines; there, for the web application's lifetime, Fulcrum's loggers ({@code dev.fulcrum}) and the WAR's own Jetty
 * client ({@code org.eclipse.jetty}, warnings only) get a console handler that writes one line per record
 * ({@link OneLineFormatter}), unless the operator configured handlers for them.
 */
final class WebappLogging implements AutoCloseable {

    /** Held, not just configured: {@code java.util.logging} keeps loggers only weakly. */
    private record Installed(Logger logger, Handler handler, Level level, boolean useParentHandlers) {
    }

    private final List<Installed> installed;

    private WebappLogging(List<Installed> installed) {
        this.installed = installed;
    }

    static WebappLogging install() {
        final LogManager manager = LogManager.getLogManager();
        if (manager.getClass() != LogManager.class) {
            return new WebappLogging(List.of()); // the container's own manager (Tomcat's JULI) decides
        }
        final Installed fulcrum = install(manager, "dev.fulcrum", Level.INFO);
        final Installed jetty = install(manager, "org.eclipse.jetty", Level.WARNING);
        return new WebappLogging(Stream.of(fulcrum, jetty).filter(Objects::nonNull).toList());
    }

    private static Installed install(LogManager manager, String name, Level level) {
        final Logger logger = Logger.getLogger(name);
        if (logger.getHandlers().length > 0 || manager.getProperty(name + ".handlers") != null) {
            return null;
        }
        final Installed before = new Installed(logger, new ConsoleHandler(), logger.getLevel(),
                logger.getUseParentHandlers());
        before.handler().setFormatter(new OneLineFormatter());
        before.handler().setLevel(Level.ALL);
        if (manager.getProperty(name + ".level") == null) {
            logger.setLevel(level);
        }
        logger.addHandler(before.handler());
        logger.setUseParentHandlers(false);
        return before;
    }

    /** Takes the handlers out again, as the web application stops. */
    @Override
    public void close() {
        for (Installed i : installed) {
            i.logger().removeHandler(i.handler());
            i.logger().setUseParentHandlers(i.useParentHandlers());
            i.logger().setLevel(i.level());
            i.handler().close();
        }
    }
}
