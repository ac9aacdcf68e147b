package dev.fulcrum.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's settings table is the {@link SettingsTable}, rendered: this test renders it and fails when README's copy
 * differs, writing the new one to {@code target/settings-table.md} to paste between the markers.
 */
class SettingsReadmeTest {

    private static final Path README = Path.of("../README.md");
    static final String BEGIN = "<!-- settings-table: generated from SettingsTable; SettingsReadmeTest checks it -->";
    static final String END = "<!-- /settings-table -->";

    @Test
    void readmesSettingsTableIsTheTable() throws IOException {
        final String readme = Files.readString(README);
        final int begin = readme.indexOf(BEGIN);
        final int end = readme.indexOf(END);
        assertThat(begin).as("README.md has the markers " + BEGIN + " … " + END).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        final String expected = render();
        final String actual = readme.substring(begin + BEGIN.length(), end).strip();
        if (!actual.equals(expected)) {
            final Path fresh = Path.of("target/settings-table.md");
            Files.writeString(fresh, expected + "\n");
            assertThat(actual).as("README's settings table differs from SettingsTable; the table rendered now is in "
                    + fresh.toAbsolutePath() + ": paste it between the markers").isEqualTo(expected);
        }
    }

    @Test
    void theRenderingListsEveryRowAndEveryHostsAnswer() {
        final String table = render();
        for (Setting<?> setting : SettingsTable.ALL) {
            assertThat(table).contains(cell(setting.help()));
        }
        assertThat(table).contains("`--port` / `FULCRUM_PORT`", "`--bind` / `FULCRUM_BIND`",
                "`fulcrum.upstream.connectTimeout`", "`upstreamConnectTimeout`", "`fulcrum.upstream-connect-timeout`",
                "not offered: Tomcat's own Connector serves the load balancers (&lt;Connector port&gt;)");
    }

    /** The markdown table: one line per row, one column per host, then the kind of value and its default. */
    static String render() {
        final StringBuilder sb = new StringBuilder();
        sb.append("| setting | standalone: option / variable | Jetty module: `start.d/fulcrum.ini` "
                + "| Tomcat valve: attribute | WAR: context parameter / variable | value (default) |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Setting<?> setting : SettingsTable.ALL) {
            sb.append("| ").append(cell(setting.help()));
            for (SettingHost host : SettingHost.values()) {
                sb.append(" | ").append(spelling(setting, host));
            }
            final String fallback = setting.defaultNote() != null ? cell(setting.defaultNote())
                    : "`" + setting.defaultText() + "`";
            sb.append(" | ").append(setting.type().name()).append(" (").append(fallback).append(") |\n");
        }
        return sb.toString().strip();
    }

    private static String spelling(Setting<?> setting, SettingHost host) {
        final String name = setting.nameIn(host);
        if (name == null) {
            final Setting.Spelling.Absent absent = (Setting.Spelling.Absent) setting.spelling(host);
            return (absent.environmentRefused() ? "refused, also as `" + setting.environmentVariable() + "`: "
                    : "not offered: ") + cell(absent.why());
        }
        return "`" + name + "`" + (setting.environmentReadBy(host) ? " / `" + setting.environmentVariable() + "`" : "");
    }

    /** Text that markdown shows as written: no HTML tags, no column breaks. */
    private static String cell(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|");
    }
}
