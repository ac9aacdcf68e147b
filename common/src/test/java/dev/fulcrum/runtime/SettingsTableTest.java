package dev.fulcrum.runtime;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table itself: one spelling per setting and host, each host's own conventions, and a reason for every gap. */
class SettingsTableTest {

    private static final Pattern JETTY_PROPERTY = Pattern.compile("fulcrum(\\.[a-z][A-Za-z0-9]*)+");
    private static final Pattern VALVE_ATTRIBUTE = Pattern.compile("[a-z][A-Za-z0-9]*");

    @Test
    void everySpellingNamesOneSettingInItsHost() {
        for (SettingHost host : SettingHost.values()) {
            final Set<String> seen = new HashSet<>();
            for (Setting<?> setting : SettingsTable.ALL) {
                final String name = setting.nameIn(host);
                if (name != null) {
                    assertThat(seen.add(name)).as(host + " spells two settings " + name).isTrue();
                    assertThat(SettingsTable.find(host, name)).containsSame(setting);
                }
            }
        }
        final Set<String> names = new HashSet<>();
        SettingsTable.ALL.forEach(s -> assertThat(names.add(s.name())).as(s.name()).isTrue());
    }

    @Test
    void eachHostsSpellingFollowsItsConventions() {
        for (Setting<?> setting : SettingsTable.ALL) {
            if (setting.offeredBy(SettingHost.JETTY_MODULE)) {
                assertThat(setting.nameIn(SettingHost.JETTY_MODULE)).matches(JETTY_PROPERTY);
            }
            if (setting.offeredBy(SettingHost.TOMCAT_VALVE)) {
                // A bean property Tomcat's digester can set; "className" is the digester's own.
                assertThat(setting.nameIn(SettingHost.TOMCAT_VALVE)).matches(VALVE_ATTRIBUTE).isNotEqualTo("className");
            }
            if (setting.offeredBy(SettingHost.STANDALONE)) {
                assertThat(setting.nameIn(SettingHost.STANDALONE)).isEqualTo("--" + setting.name());
                assertThat(setting.environmentVariable()).matches("FULCRUM_[A-Z0-9_]+");
            }
            if (setting.offeredBy(SettingHost.WAR)) {
                assertThat(setting.nameIn(SettingHost.WAR)).isEqualTo("fulcrum." + setting.name());
            }
        }
    }

    @Test
    void aHostWithoutASettingSaysWhatItHasInstead() {
        for (Setting<?> setting : SettingsTable.ALL) {
            for (SettingHost host : SettingHost.values()) {
                if (setting.spelling(host) instanceof Setting.Spelling.Absent absent) {
                    assertThat(absent.why()).as(setting + " in " + host).isNotBlank();
                }
            }
        }
        assertThat(SettingsTable.PORT.offeredBy(SettingHost.TOMCAT_VALVE)).isFalse();
        assertThat(SettingsTable.TRUSTED_PROXIES.environmentReadBy(SettingHost.WAR)).as("refused, even from there")
                .isTrue();
        assertThat(SettingsTable.API_PORT.environmentReadBy(SettingHost.WAR)).as("ignored there").isFalse();
    }

    @Test
    void everyDefaultIsAValueItsTypeReadsOrAWordOnWhatApplies() {
        for (Setting<?> setting : SettingsTable.ALL) {
            assertThat(setting.documentedDefault()).as(setting.name()).isNotBlank();
            if (setting.defaultValue() != null) {
                assertThat(setting.parse(setting.defaultText())).as(setting.name()).isEqualTo(setting.defaultValue());
            }
        }
    }

    @Test
    void aRowMustStateEveryHostAndADefault() {
        assertThatThrownBy(() -> Setting.builder("node-name", SettingType.TEXT).defaultNote("the host name")
                .help("this node's name").jetty("fulcrum.node.name").build())
                .hasMessage("node-name: say how the valve spells it, or why it does not offer it");
        assertThatThrownBy(() -> Setting.builder("node-name", SettingType.TEXT).help("this node's name")
                .jetty("fulcrum.node.name").valve("nodeName").build())
                .hasMessage("node-name: without a default value, say what applies (defaultNote)");
        assertThatThrownBy(() -> Setting.builder("nodeName", SettingType.TEXT))
                .hasMessageStartingWith("'nodeName' is not a setting name");
        final Setting<String> row = Setting.builder("node-name", SettingType.TEXT).defaultNote("the host name")
                .help("this node's name").jetty("fulcrum.node.name").valve("nodeName").build();
        assertThat(List.of(row.flag(), row.environmentVariable(), row.contextParameter(),
                row.fullName(SettingHost.WAR))).containsExactly("--node-name", "FULCRUM_NODE_NAME",
                "fulcrum.node-name", "context parameter fulcrum.node-name (or FULCRUM_NODE_NAME)");
    }
}
