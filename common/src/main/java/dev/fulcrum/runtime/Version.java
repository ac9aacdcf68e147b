package dev.fulcrum.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this Fulcrum build ({@code --version}, the status endpoint, the start log line), read once from the
 * {@code dev/fulcrum/version.properties} the build writes. The same in every host: it travels inside common's jar,
 * shaded or not.
 */
public final class Version {

    private static final String RESOURCE = "/dev/fulcrum/version.properties";
    private static final String CURRENT = load();

    private Version() {
    }

    /** E.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return CURRENT;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            final Properties properties = new Properties();
            properties.load(in);
            final String version = properties.getProperty("version");
            if (version == null || version.isBlank() || version.startsWith("${")) {
                throw new IllegalStateException(RESOURCE + " has no version filled in by the build");
            }
            return version.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
