package dev.fulcrum.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the build put the deliverables and the unpacked servers, and small process helpers for the tests. */
final class Distribution {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private Distribution() {
    }

    static Path standaloneJar() {
        return file("fulcrum.it.standaloneJar");
    }

    static Path jettyBundle() {
        return file("fulcrum.it.jettyBundle");
    }

    static Path valveJar() {
        return file("fulcrum.it.valveJar");
    }

    static Path war() {
        return file("fulcrum.it.war");
    }

    /** The module jars this build made, which the self-contained jars must carry unchanged. */
    static Path commonJar() {
        return file("fulcrum.it.commonJar");
    }

    static Path jettyModuleJar() {
        return file("fulcrum.it.jettyModuleJar");
    }

    static Path tomcatValveJar() {
        return file("fulcrum.it.tomcatValveJar");
    }

    /** The Tomcat valve's main sources, compiled again against each Tomcat line's own jars. */
    static Path valveSources() {
        return file("fulcrum.it.valveSources").normalize();
    }

    /** The classpath the valve's sources compile with, Tomcat left out; tomcat-valve's build writes it. */
    static List<Path> valveClasspathWithoutTomcat() throws IOException {
        final String entries = Files.readString(file("fulcrum.it.valveClasspath"), StandardCharsets.UTF_8).strip();
        return Arrays.stream(entries.split(File.pathSeparator)).filter(entry -> !entry.isBlank()).map(Path::of)
                .toList();
    }

    static Path jettyHome() {
        return file("fulcrum.it.jettyHome");
    }

    /** Each supported Tomcat line's unpacked distribution, newest first. */
    static List<Path> tomcatHomes() {
        return List.of(file("fulcrum.it.tomcatHome"), file("fulcrum.it.tomcat10Home"));
    }

    /** A fresh, empty directory for one test under target/it. */
    static Path workDir(String name) throws IOException {
        final Path dir = Path.of(required("fulcrum.it.work")).resolve(name + "-" + System.nanoTime());
        return Files.createDirectories(dir);
    }

    /** The java launcher of the JVM running the tests: every server runs on the same Java. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a command to completion (bounded) and returns its output; a non-zero exit fails the test with it. */
    static String run(Path dir, Map<String, String> env, String... command) throws Exception {
        final Path log = Files.createTempFile(dir, "command", ".log");
        final ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        final Process process = builder.start();
        try {
            final boolean exited = process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            final String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(exited).as("%s did not finish in %s:%n%s", List.of(command), COMMAND_TIMEOUT, output).isTrue();
            assertThat(process.exitValue()).as("%s exited %d:%n%s", List.of(command), process.exitValue(), output)
                    .isZero();
            return output;
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static List<String> command(String... parts) {
        return new ArrayList<>(List.of(parts));
    }

    private static Path file(String property) {
        final Path path = Path.of(required(property));
        assertThat(path).as(property).exists();
        return path;
    }

    private static String required(String property) {
        final String value = System.getProperty(property);
        assertThat(value).as("system property %s (set by dist/it/pom.xml; run with mvn verify)", property)
                .isNotBlank().doesNotContain("${");
        return value;
    }
}
