package dev.fulcrum.tomcat;

import dev.fulcrum.runtime.Setting;
import dev.fulcrum.runtime.SettingHost;
import dev.fulcrum.runtime.SettingsTable;
import org.apache.catalina.Container;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Server;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardServer;
import org.apache.catalina.startup.Catalina;
import org.apache.tomcat.util.IntrospectionUtils;
import org.apache.tomcat.util.digester.Digester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How {@code server.xml} attributes reach the valve: Tomcat's own digester hands those without a setter to
 * {@link FulcrumValve#setProperty}, reports the unknown ones itself, and the valve reads the rest through the
 * settings table on start. The Javadoc attribute table is checked against the table too.
 */
class ValveAttributesTest {

    private static final String TOKEN = "valve-attributes-token-0123456789";
    private static final Path SOURCE = Path.of("src/main/java/dev/fulcrum/tomcat/FulcrumValve.java");
    private static final Pattern JAVADOC_ROW = Pattern.compile(
            "<tr><td>([A-Za-z]+)</td><td>([^<]*)</td><td>", Pattern.DOTALL);

    @TempDir
    Path base;

    private FulcrumValve started;

    @AfterEach
    void stop() throws LifecycleException {
        if (started != null) {
            started.stop();
        }
    }

    /** The valve of {@code <Valve .../>} in an Engine, parsed by Catalina's own server.xml digester. */
    private FulcrumValve parse(String valveAttributes) throws Exception {
        final ServerXml catalina = new ServerXml();
        final Digester digester = catalina.startDigester();
        digester.push(catalina);
        digester.parse(new InputSource(new StringReader("<Server port=\"-1\"><Service name=\"Catalina\">"
                + "<Engine name=\"Catalina\" defaultHost=\"localhost\">"
                + "<Valve className=\"" + FulcrumValve.class.getName() + "\" " + valveAttributes + "/>"
                + "<Host name=\"localhost\" appBase=\"webapps\"/></Engine></Service></Server>")));
        final Server server = catalina.getServer();
        ((StandardServer) server).setCatalinaBase(base.toFile());
        final Container engine = server.findServices()[0].getContainer();
        for (Valve valve : engine.getPipeline().getValves()) {
            if (valve instanceof FulcrumValve fulcrum) {
                return fulcrum;
            }
        }
        throw new AssertionError("no FulcrumValve in the engine's pipeline");
    }

    /** Catalina, for its protected digester: the very rules {@code catalina.sh} parses server.xml with. */
    private static final class ServerXml extends Catalina {

        Digester startDigester() {
            return createStartDigester();
        }
    }

    @Test
    void theDigesterHandsEachAttributeToTheValve() throws Exception {
        final FulcrumValve valve = parse("apiBind=\"127.0.0.1\" apiPort=\"0\" apiToken=\"" + TOKEN + "\" "
                + "upstreamConnectTimeout=\"2s\" upstreamReplayBufferBytes=\"64KiB\" metricsPublic=\"yes\" "
                + "dataDir=\"state\" affinitySessions=\"250\"");
        valve.start();
        started = valve;

        final var settings = valve.fulcrum().settings();
        assertThat(settings.upstream().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.upstream().replayBufferBytes()).isEqualTo(65536);
        assertThat(settings.metricsPublic()).isTrue();
        assertThat(settings.affinitySessions()).isEqualTo(250);
        assertThat(settings.dataDir()).isEqualTo(base.toAbsolutePath().resolve("state"));
        assertThat(Files.isDirectory(base.resolve("state"))).isTrue();
    }

    @Test
    void anUnknownAttributeIsReportedByTomcatAndABadValueFailsTheStartNamingIt() throws Exception {
        final List<String> warnings = new ArrayList<>();
        final Logger digesterLog = Logger.getLogger(Digester.class.getName());
        final Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        digesterLog.addHandler(capture);
        final FulcrumValve valve;
        try {
            valve = parse("apiPort=\"0\" apiToken=\"" + TOKEN + "\" colour=\"blue\" port=\"8080\" "
                    + "upstreamConnectTimeout=\"5\"");
        } finally {
            digesterLog.removeHandler(capture);
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("failed to set property [colour] to [blue]"));
        assertThat(warnings).as("the proxy's port is the Connector's").anySatisfy(w -> assertThat(w)
                .contains("failed to set property [port] to [8080]"));

        assertThatThrownBy(valve::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: upstreamConnectTimeout: 5 has no unit (expected: a positive duration such "
                        + "as 19s, 500ms or 15m; units: ms, s, m, h)");
    }

    @Test
    void setPropertyTakesTheValvesAttributesOnly() {
        final FulcrumValve valve = new FulcrumValve();
        for (Setting<?> setting : SettingsTable.offeredBy(SettingHost.TOMCAT_VALVE)) {
            assertThat(IntrospectionUtils.setProperty(valve, setting.nameIn(SettingHost.TOMCAT_VALVE), ""))
                    .as(setting.name()).isTrue();
        }
        assertThat(IntrospectionUtils.setProperty(valve, "trustedProxies", "10.0.0.0/8"))
                .as("RemoteIpValve's job in Tomcat").isFalse();
        assertThat(valve.setProperty("colour", "blue")).isFalse();
    }

    @Test
    void theJavadocTableListsEveryAttributeWithItsDefault() throws Exception {
        final Map<String, String> documented = new LinkedHashMap<>();
        final Matcher row = JAVADOC_ROW.matcher(Files.readString(SOURCE));
        while (row.find()) {
            documented.put(row.group(1), row.group(2).replaceAll("\\s*\\n\\s*\\*\\s*", " ").strip());
        }
        final Map<String, String> expected = new LinkedHashMap<>();
        SettingsTable.offeredBy(SettingHost.TOMCAT_VALVE)
                .forEach(s -> expected.put(s.nameIn(SettingHost.TOMCAT_VALVE), s.documentedDefault()));
        assertThat(documented).as("FulcrumValve's Javadoc table: one <tr><td>attribute</td><td>default</td>"
                + "<td>meaning</td></tr> per attribute of the settings table").containsExactlyEntriesOf(expected);
    }
}
