package dev.fulcrum.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes a temporary directory a test's server used (an embedded Tomcat's base directory), files first. */
public final class TempTrees {

    private TempTrees() {
    }

    /** Deletes {@code root} and everything below it; nothing when it is null. */
    public static void delete(Path root) throws IOException {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
