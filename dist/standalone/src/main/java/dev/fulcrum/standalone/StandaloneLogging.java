package dev.fulcrum.standalone;

import dev.fulcrum.standalone.FulcrumMain.LaunchException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;

/**
 * The standalone's one log: {@code java.util.logging}, which Fulcrum's and Jetty's SLF4J loggers reach through
 * {@code slf4j-jdk14}. Without a file of the operator's, {@code fulcrum-logging.properties} from the jar: one line per
 * record on stderr ({@code runtime.OneLineFormatter}), INFO and up, Jetty's own at WARN. A file given with
 * {@code --log-config}/{@code FULCRUM_LOG_CONFIG} replaces it, as does the JVM's own
 * {@code -Djava.util.logging.config.file} when no file is given.
 */
final class StandaloneLogging {

    static final String BUILT_IN = "/fulcrum-logging.properties";

    private StandaloneLogging() {
    }

    /** @throws LaunchException naming the file when it cannot be read */
    static void configure(Path file) {
        if (file == null && (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null)) {
            return; // the JVM read the operator's file already
        }
        try (InputStream in = file == null ? StandaloneLogging.class.getResourceAsStream(BUILT_IN)
                : Files.newInputStream(file)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the build");
            }
            LogManager.getLogManager().readConfiguration(in);
        } catch (IOException e) {
            throw new LaunchException("--log-config (FULCRUM_LOG_CONFIG): cannot read " + file.toAbsolutePath()
                    + ": " + e, FulcrumMain.EXIT_USAGE);
        }
    }
}
