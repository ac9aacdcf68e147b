package dev.fulcrum.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The valve's sources compile against each supported Tomcat line's own {@code lib/}, not only against the
 * tomcat-embed-core the build uses (the newest line). The other ITs run the valve on Tomcat 10.1 but only along the
 * paths they exercise; a method or type only Tomcat 11 has would reach a 10.1 user as a {@code NoSuchMethodError} on
 * the first request down another path. Compiling all the sources finds every such use, exercised or not.
 */
class ValveCompilesAgainstEachTomcatIT {

    /** Entries that mean a jar carries Tomcat or the Servlet API, which must come from the distribution alone. */
    private static final List<String> TOMCAT_ENTRIES =
            List.of("org/apache/catalina/Valve.class", "jakarta/servlet/Servlet.class");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.fulcrum.it.Tomcats#distributions")
    void theValveSourcesCompileAgainstTheDistributionsJars(Path tomcatHome, @TempDir Path classes) throws IOException {
        final List<Path> valveClasspath = Distribution.valveClasspathWithoutTomcat();
        assertThat(valveClasspath).as("the valve's classpath without Tomcat")
                .noneMatch(ValveCompilesAgainstEachTomcatIT::carriesTomcat);
        // The Tomcat classes the valve meets at run time: lib/ (the common loader) and bin/tomcat-juli.jar (logging,
        // on the system class path). First, so that nothing on the valve's own classpath could stand in for them.
        final List<Path> classpath = new ArrayList<>(jars(tomcatHome.resolve("lib")));
        classpath.add(tomcatHome.resolve("bin").resolve("tomcat-juli.jar"));
        classpath.addAll(valveClasspath);
        final List<Path> sources = javaFiles(Distribution.valveSources());
        assertThat(sources).as("valve sources in " + Distribution.valveSources()).isNotEmpty();

        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("the JDK's compiler (the tests must run on a JDK)").isNotNull();
        final DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        final boolean compiled;
        try (StandardJavaFileManager files =
                     javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            // As the module build compiles them (release 17), minus lint: only errors matter here.
            final String path = classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
            final List<String> options = List.of("--release", "17", "-proc:none", "-Xlint:none", "-nowarn",
                    "-classpath", path, "-d", classes.toString());
            compiled = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
        }

        assertThat(errors(diagnostics)).as("errors compiling the valve against %s", tomcatHome).isEmpty();
        assertThat(compiled).as("javac's result against %s", tomcatHome).isTrue();
        assertThat(classes.resolve("dev/fulcrum/tomcat/FulcrumValve.class")).exists();
    }

    private static List<String> errors(DiagnosticCollector<JavaFileObject> diagnostics) {
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(Locale.ROOT).lines().findFirst().orElse("") + " at "
                        + (d.getSource() == null ? "?" : d.getSource().getName()) + ":" + d.getLineNumber())
                .toList();
    }

    private static boolean carriesTomcat(Path entry) {
        if (Files.isDirectory(entry)) {
            return TOMCAT_ENTRIES.stream().anyMatch(name -> Files.exists(entry.resolve(name)));
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            return TOMCAT_ENTRIES.stream().anyMatch(name -> jar.getEntry(name) != null);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable classpath entry " + entry, e);
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> jars = files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
            assertThat(jars).as("jars in " + dir).isNotEmpty();
            return jars;
        }
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        }
    }
}
