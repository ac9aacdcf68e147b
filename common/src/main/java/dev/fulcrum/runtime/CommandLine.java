package dev.fulcrum.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The standalone's command line: the {@link SettingsTable} rows it offers, as {@code --name value},
 * {@code --name=value} or, for a switch, {@code --name} alone; over the {@code FULCRUM_*} environment variables.
 *
 * <p>An empty value is refused for a setting that has a default (an unset shell variable in a script is a mistake,
 * not a request for the default); it clears one that has none, as an empty ini value or attribute would.
 */
final class CommandLine {

    private static final int USAGE_WIDTH = 30;
    private static final int HELP_WIDTH = 110;

    private CommandLine() {
    }

    static FulcrumSettings parse(List<String> args, Map<String, String> env) {
        final FulcrumSettings.Builder builder = FulcrumSettings.builder().host(SettingHost.STANDALONE)
                .environment(env);
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            final int eq = arg.indexOf('=');
            final boolean inline = arg.startsWith("--") && eq > 0;
            final String flag = inline ? arg.substring(0, eq) : arg;
            final Setting<?> setting = SettingsTable.find(SettingHost.STANDALONE, flag).orElse(null);
            if (setting == null) {
                final Setting<?> elsewhere = flag.startsWith("--")
                        ? SettingsTable.named(flag.substring(2)).orElse(null) : null;
                throw elsewhere != null ? builder.notOffered(elsewhere)
                        : new FulcrumSettings.InvalidSettingException("unknown option '" + arg + "' (see --help)");
            }
            final String value;
            if (inline) {
                value = arg.substring(eq + 1);
            } else if (setting.valueName() == null) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new FulcrumSettings.InvalidSettingException(flag + ": needs a value " + setting.valueName());
            }
            if (value.isBlank() && setting.defaultValue() == null) {
                builder.unset(setting);
            } else {
                builder.parsed(setting, value, flag);
            }
        }
        return builder.build();
    }

    static String help() {
        final StringBuilder sb = new StringBuilder();
        for (Setting<?> s : SettingsTable.offeredBy(SettingHost.STANDALONE)) {
            final String usage = s.valueName() == null ? s.flag() : s.flag() + ' ' + s.valueName();
            final String fallback = s.defaultNote() != null ? "default: " + s.defaultNote()
                    : "default " + s.defaultText();
            sb.append(String.format("  %-" + USAGE_WIDTH + "s", usage));
            if (usage.length() >= USAGE_WIDTH) {
                sb.append('\n').append(" ".repeat(USAGE_WIDTH + 2));
            }
            final List<String> words = new ArrayList<>(List.of((s.help() + " (" + fallback + ");").split(" ")));
            words.add("env " + s.environmentVariable()); // kept on one line, to be found by a search
            wrap(sb, words);
        }
        return sb.toString();
    }

    /** Appends {@code words} from the help column on, in lines of at most {@link #HELP_WIDTH} characters. */
    private static void wrap(StringBuilder sb, List<String> words) {
        final int start = USAGE_WIDTH + 2;
        int column = start;
        for (String word : words) {
            if (column > start && column + 1 + word.length() > HELP_WIDTH) {
                sb.append('\n').append(" ".repeat(start));
                column = start;
            }
            sb.append(' ').append(word);
            column += 1 + word.length();
        }
        sb.append('\n');
    }
}
