package dev.fulcrum.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a system binary a test needs (chromium, chromedriver, etcd, h2load…). A missing binary skips the test
 * through a JUnit assumption naming it, unless the environment says {@code FULCRUM_REQUIRE_EXTERNAL=1} (CI's
 * {@code .ci/run}, which installs them), where it fails the test instead.
 *
 * <p>Where: the system property {@code fulcrum.binary.<name>} when set (a path), else the first executable
 * {@code <name>} on {@code PATH}.
 */
public final class ExternalBinary {

    /** The environment variable that turns a missing binary from a skip into a failure. */
    public static final String REQUIRE = "FULCRUM_REQUIRE_EXTERNAL";

    private ExternalBinary() {
    }

    /** The binary's path; skips (or fails, under {@value #REQUIRE}=1) the calling test when it is missing. */
    public static Path require(String name) {
        final Path found = find(name);
        if (found != null) {
            return found;
        }
        final String message = name + " is not on PATH (nor set by -Dfulcrum.binary." + name + "); "
                + ".ci/run installs it from Debian's packages";
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new AssertionError(message + ", and " + REQUIRE + "=1 requires it");
        }
        Assumptions.assumeTrue(false, message);
        throw new AssertionError("unreachable");
    }

    /** The binary's path, or null when it is missing. */
    public static Path find(String name) {
        final String property = System.getProperty("fulcrum.binary." + name);
        if (property != null && !property.isBlank()) {
            final Path path = Path.of(property);
            return Files.isExecutable(path) ? path : null;
        }
        final String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return null;
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            final Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
