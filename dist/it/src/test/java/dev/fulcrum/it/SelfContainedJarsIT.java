package dev.fulcrum.it;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded deliverables carry exactly the Fulcrum classes this build compiled. A shaded jar once kept the classes
 * of its first build (the jar plugin left the previous shaded jar in place as the module's own jar, and the shade
 * plugin preferred it to the reactor's): the valve in Tomcat answered {@code /metrics} with the API's 404 although
 * every module test passed. Comparing bytes finds such a jar at once, whatever feature went missing.
 */
class SelfContainedJarsIT {

    /** Where the shaded jars put third-party classes; not Fulcrum's own. */
    private static final String SHADED = "dev/fulcrum/shaded/";

    @Test
    void theValveJarHoldsThisBuildsCommonAndValveClassesAndNoOthers() throws IOException {
        final Map<String, byte[]> expected = fulcrumClasses(Distribution.commonJar());
        expected.putAll(fulcrumClasses(Distribution.tomcatValveJar()));

        final Map<String, byte[]> shipped = fulcrumClasses(Distribution.valveJar());

        assertThat(shipped.keySet()).as("Fulcrum classes in " + Distribution.valveJar())
                .isEqualTo(expected.keySet());
        assertThat(differing(expected, shipped, new Relocation(Distribution.valveJar())))
                .as("classes that differ from this build's").isEmpty();
    }

    @Test
    void theValveJarRelocatesEveryThirdPartyClass() throws IOException {
        final Set<String> outside = new TreeSet<>();
        try (JarFile file = new JarFile(Distribution.valveJar().toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("dev/fulcrum/")) {
                    outside.add(entry.getName().substring(0, entry.getName().lastIndexOf('/') + 1));
                }
            }
        }
        assertThat(outside).as("packages a webapp's own libraries could meet in $CATALINA_BASE/lib").isEmpty();
    }

    @Test
    void theStandaloneJarHoldsThisBuildsCommonAndJettyClasses() throws IOException {
        final Map<String, byte[]> expected = fulcrumClasses(Distribution.commonJar());
        expected.putAll(fulcrumClasses(Distribution.jettyModuleJar()));

        final Map<String, byte[]> shipped = fulcrumClasses(Distribution.standaloneJar());
        // The launcher's own classes are the only others allowed.
        final Set<String> others = new TreeSet<>(shipped.keySet());
        others.removeAll(expected.keySet());
        others.removeIf(name -> name.startsWith("dev/fulcrum/standalone/"));

        assertThat(shipped.keySet()).as("Fulcrum classes in " + Distribution.standaloneJar())
                .containsAll(expected.keySet());
        assertThat(others).as("classes no module of this build has").isEmpty();
        assertThat(differing(expected, shipped, new Relocation(Distribution.standaloneJar())))
                .as("classes that differ from this build's").isEmpty();
    }

    /**
     * Names in {@code expected} whose class in {@code shipped} is not the same once relocated as the shade plugin
     * does: both sides are written anew by ASM, the module's class through {@code relocation}.
     */
    private static Set<String> differing(Map<String, byte[]> expected, Map<String, byte[]> shipped,
                                         Relocation relocation) {
        final Set<String> differing = new TreeSet<>();
        expected.forEach((name, bytes) -> {
            final byte[] other = shipped.get(name);
            if (other != null && !Arrays.equals(rewritten(bytes, relocation), rewritten(other, null))) {
                differing.add(name);
            }
        });
        return differing;
    }

    private static byte[] rewritten(byte[] classFile, Remapper remapper) {
        final ClassWriter writer = new ClassWriter(0);
        new ClassReader(classFile).accept(remapper == null ? writer : new ClassRemapper(writer, remapper), 0);
        return writer.toByteArray();
    }

    /** Every class under {@code dev/fulcrum/} except the relocated third-party ones, by entry name. */
    private static Map<String, byte[]> fulcrumClasses(Path jar) throws IOException {
        final Map<String, byte[]> classes = new HashMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                final String name = entry.getName();
                if (name.startsWith("dev/fulcrum/") && !name.startsWith(SHADED) && name.endsWith(".class")) {
                    classes.put(name, file.getInputStream(entry).readAllBytes());
                }
            }
        }
        assertThat(classes).as("Fulcrum classes in " + jar).isNotEmpty();
        return classes;
    }

    /**
     * The shaded jar's relocation, read from the jar itself: a class or package moved under {@value #SHADED} when
     * the jar holds it there. String constants naming them (dotted or slashed) move too, as the shade plugin moves
     * them.
     */
    private static final class Relocation extends Remapper {

        private final Set<String> shaded = new HashSet<>();

        Relocation(Path jar) throws IOException {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (JarEntry entry : Collections.list(file.entries())) {
                    if (entry.getName().startsWith(SHADED)) {
                        final String name = entry.getName().substring(SHADED.length());
                        shaded.add(name.endsWith(".class") ? name.substring(0, name.length() - 6)
                                : name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
                    }
                }
            }
        }

        @Override
        public String map(String internalName) {
            return shaded.contains(internalName) ? SHADED + internalName : internalName;
        }

        @Override
        public Object mapValue(Object value) {
            if (value instanceof String text && !text.isEmpty()) {
                if (shaded.contains(text.replace('.', '/'))) {
                    return text.indexOf('/') >= 0 ? SHADED + text : SHADED.replace('/', '.') + text;
                }
                return text;
            }
            return super.mapValue(value);
        }
    }
}
