package dev.fulcrum.jetty;

import dev.fulcrum.runtime.Setting;
import dev.fulcrum.runtime.SettingHost;
import dev.fulcrum.runtime.SettingsTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module's files against the settings table: {@code etc/fulcrum.xml} hands the runtime exactly the Jetty
 * module's properties, and the {@code [ini-template]} of {@code modules/fulcrum.mod} (what {@code --add-modules}
 * writes to {@code start.d/fulcrum.ini}) lists each of them, commented, with its default.
 */
class ModuleFilesTest {

    private static final Path CONFIG = Path.of("src/main/config");
    private static final Pattern XML_SET = Pattern.compile(
            "<Call name=\"set\"><Arg>([^<]+)</Arg><Arg><Property name=\"([^\"]+)\"/></Arg></Call>");
    private static final Pattern XML_PROPERTY = Pattern.compile("<Property name=\"(fulcrum\\.[^\"]+)\"");
    private static final Pattern INI_KEY = Pattern.compile("# (fulcrum\\.[A-Za-z0-9.]+)=(.*)");

    private static List<Setting<?>> rows() {
        return SettingsTable.offeredBy(SettingHost.JETTY_MODULE);
    }

    @Test
    void theXmlHandsTheRuntimeEveryPropertyOfTheModuleOnce() throws IOException {
        final String xml = Files.readString(CONFIG.resolve("etc/fulcrum.xml"));
        final List<String> handed = new ArrayList<>();
        final Matcher set = XML_SET.matcher(xml);
        while (set.find()) {
            assertThat(set.group(2)).as("each line passes its own property").isEqualTo(set.group(1));
            handed.add(set.group(1));
        }
        final List<String> expected = rows().stream().map(s -> s.nameIn(SettingHost.JETTY_MODULE)).toList();
        assertThat(handed).as("etc/fulcrum.xml needs, in table order, one line per property:\n" + expected.stream()
                .map(p -> "    <Call name=\"set\"><Arg>" + p + "</Arg><Arg><Property name=\"" + p
                        + "\"/></Arg></Call>").collect(Collectors.joining("\n"))).isEqualTo(expected);
        final Matcher any = XML_PROPERTY.matcher(xml);
        while (any.find()) {
            assertThat(expected).as("no fulcrum.* property is read around the table").contains(any.group(1));
        }
    }

    @Test
    void theIniTemplateListsEveryPropertyWithItsDefault() throws IOException {
        final Map<String, String> template = iniTemplate();
        final Map<String, String> expected = new LinkedHashMap<>();
        rows().forEach(s -> expected.put(s.nameIn(SettingHost.JETTY_MODULE), s.defaultText()));
        assertThat(template).as("[ini-template] of modules/fulcrum.mod: a '## what it does' line, then, commented, "
                + "each property with its default (empty when it has none):\n" + expected.entrySet().stream()
                .map(e -> "# " + e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")))
                .containsExactlyInAnyOrderEntriesOf(expected);
    }

    /** The commented {@code fulcrum.*} keys of the {@code [ini-template]} section, in order, with their values. */
    private static Map<String, String> iniTemplate() throws IOException {
        final Map<String, String> keys = new LinkedHashMap<>();
        boolean inTemplate = false;
        String previous = "";
        for (String line : Files.readAllLines(CONFIG.resolve("modules/fulcrum.mod"))) {
            if (line.startsWith("[")) {
                inTemplate = line.equals("[ini-template]");
            } else if (inTemplate) {
                final Matcher key = INI_KEY.matcher(line);
                if (key.matches()) {
                    assertThat(previous).as("a ## line (or the key before it) explains " + key.group(1))
                            .matches("## .*|# fulcrum\\..*");
                    assertThat(keys.put(key.group(1), key.group(2))).as("listed twice: " + key.group(1)).isNull();
                }
            }
            previous = line;
        }
        return keys;
    }
}
