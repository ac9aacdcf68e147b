package dev.fulcrum.runtime;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One row of the {@linkplain SettingsTable settings table}: an option with its type, default and help text, and how
 * each host spells it, or why a host does not offer it.
 *
 * <p>The standalone's spellings and the WAR's derive from the row's {@link #name()}: {@code --name}, the environment
 * variable {@code FULCRUM_NAME} (dashes as underscores) and the context parameter {@code fulcrum.name}. The Jetty
 * module's property and the valve's attribute follow their hosts' conventions, so each row states them (or why the
 * host does without) explicitly. Immutable.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final String name;
    private final SettingType<T> type;
    private final T defaultValue;
    private final String defaultNote;
    private final String help;
    private final String valueName;
    private final Map<SettingHost, Spelling> spellings;

    private Setting(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.defaultNote = b.defaultNote;
        this.help = Objects.requireNonNull(b.help, () -> name + ": help");
        this.valueName = b.valueName != null ? b.valueName : type.valueName();
        final Map<SettingHost, Spelling> all = new EnumMap<>(SettingHost.class);
        all.put(SettingHost.STANDALONE, Spelling.named("--" + name));
        all.put(SettingHost.WAR, Spelling.named(SettingHost.PARAMETER_PREFIX + name));
        all.putAll(b.spellings);
        for (SettingHost host : SettingHost.values()) {
            if (!all.containsKey(host)) {
                throw new IllegalStateException(name + ": say how " + host.title() + " spells it, or why it does not "
                        + "offer it");
            }
        }
        this.spellings = Map.copyOf(all);
        if (defaultValue == null && defaultNote == null) {
            throw new IllegalStateException(name + ": without a default value, say what applies (defaultNote)");
        }
        type.check(defaultValue);
    }

    /**
     * Starts a row.
     *
     * @param name the standalone option without its dashes: lower case words joined by {@code -}
     */
    public static <T> Builder<T> builder(String name, SettingType<T> type) {
        return new Builder<>(name, type);
    }

    /** The row's name: the standalone option without its dashes, e.g. {@code upstream-connect-timeout}. */
    public String name() {
        return name;
    }

    public SettingType<T> type() {
        return type;
    }

    /** The value when none is given; null when the setting is off or decided elsewhere ({@link #defaultNote()}). */
    public T defaultValue() {
        return defaultValue;
    }

    /** What applies by default, in words, when that is more than the value (or there is no value). */
    public String defaultNote() {
        return defaultNote;
    }

    /** The default as documentation shows it: the note if any, else the value as text. */
    public String documentedDefault() {
        return defaultNote != null ? defaultNote : type.format(defaultValue);
    }

    /** The default value as text (what a commented ini line shows), or empty when there is no value. */
    public String defaultText() {
        return defaultValue == null ? "" : type.format(defaultValue);
    }

    /** One sentence of what it does (without the default, which {@link #documentedDefault()} adds). */
    public String help() {
        return help;
    }

    /** The placeholder of its value in {@code --help} ({@code PORT}, {@code DURATION} …); null for a switch. */
    public String valueName() {
        return valueName;
    }

    /** How {@code host} spells it: a name, or why the host does not offer it. */
    public Spelling spelling(SettingHost host) {
        return spellings.get(host);
    }

    /** {@code host}'s name for it, or null when that host does not offer it. */
    public String nameIn(SettingHost host) {
        return spellings.get(host) instanceof Spelling.Named named ? named.name() : null;
    }

    /** Whether {@code host} reads it. */
    public boolean offeredBy(SettingHost host) {
        return nameIn(host) != null;
    }

    /** The standalone's command-line option, {@code --name}, whether or not the standalone offers it. */
    public String flag() {
        return "--" + name;
    }

    /** The environment variable, {@code FULCRUM_NAME}, read by the hosts that read the environment and offer it. */
    public String environmentVariable() {
        return SettingHost.ENVIRONMENT_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The WAR's context parameter, {@code fulcrum.name}, whether or not the WAR offers it. */
    public String contextParameter() {
        return SettingHost.PARAMETER_PREFIX + name;
    }

    /**
     * Whether {@code host} looks at the environment variable: to read it when it offers the setting, or to refuse it
     * when the row says a value there must not be ignored ({@link Spelling#refused}).
     */
    public boolean environmentReadBy(SettingHost host) {
        return host.readsEnvironment() && (offeredBy(host)
                || spellings.get(host) instanceof Spelling.Absent absent && absent.environmentRefused());
    }

    /**
     * How messages name it in {@code host} when it is not known which spelling gave the value: every spelling the
     * host reads, e.g. {@code --origin-ca (FULCRUM_ORIGIN_CA)} or
     * {@code context parameter fulcrum.origin-ca (or FULCRUM_ORIGIN_CA)}.
     */
    public String fullName(SettingHost host) {
        return switch (host) {
            case STANDALONE -> flag() + (environmentReadBy(host) ? " (" + environmentVariable() + ")" : "");
            case WAR -> "context parameter " + contextParameter()
                    + (environmentReadBy(host) ? " (or " + environmentVariable() + ")" : "");
            case JETTY_MODULE, TOMCAT_VALVE -> offeredBy(host) ? nameIn(host) : name;
        };
    }

    /**
     * Reads a value.
     *
     * @throws IllegalArgumentException naming the value (unless secret) and the expectation, not the setting
     */
    public T parse(String text) {
        return type.parse(text);
    }

    @Override
    public String toString() {
        return name;
    }

    /** How one host spells a setting: a name, or why the host does without it. */
    public sealed interface Spelling permits Spelling.Named, Spelling.Absent {

        /** The host reads the setting under {@code name}. */
        static Named named(String name) {
            return new Named(name);
        }

        /**
         * The host does not offer the setting: {@code why} names what the host has instead. Where the host can see
         * it given anyway (a WAR context parameter, a standalone option) that fails the start with {@code why}; its
         * environment variable, if the host reads the environment, is ignored.
         */
        static Absent absent(String why) {
            return new Absent(why, false);
        }

        /**
         * As {@link #absent}, and the environment variable is refused too: ignoring it would make the host behave
         * unlike what the operator asked for, unnoticed.
         */
        static Absent refused(String why) {
            return new Absent(why, true);
        }

        /** @param name the host's spelling, e.g. {@code fulcrum.upstream.connectTimeout} */
        record Named(String name) implements Spelling {

            public Named {
                Objects.requireNonNull(name, "name");
            }
        }

        /**
         * @param why                what the host has instead
         * @param environmentRefused whether a value in the environment variable is refused rather than ignored
         */
        record Absent(String why, boolean environmentRefused) implements Spelling {

            public Absent {
                Objects.requireNonNull(why, "why");
            }
        }
    }

    /** Builds a row; {@link #build()} checks that every host's spelling (or its absence) is stated. */
    public static final class Builder<T> {

        private final String name;
        private final SettingType<T> type;
        private T defaultValue;
        private String defaultNote;
        private String help;
        private String valueName;
        private final Map<SettingHost, Spelling> spellings = new EnumMap<>(SettingHost.class);

        private Builder(String name, SettingType<T> type) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a setting name (expected: lower case "
                        + "words joined by -)");
            }
            this.name = name;
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        /** What applies by default in words, e.g. "the JVM's trust store". */
        public Builder<T> defaultNote(String note) {
            this.defaultNote = note;
            return this;
        }

        public Builder<T> help(String text) {
            this.help = text;
            return this;
        }

        /** The placeholder in {@code --help} when the type's ({@code PATH}, {@code N} …) says too little. */
        public Builder<T> valueName(String name) {
            this.valueName = name;
            return this;
        }

        /** The Jetty module's property, {@code fulcrum.*}. */
        public Builder<T> jetty(String property) {
            return jetty(Spelling.named(property));
        }

        public Builder<T> jetty(Spelling spelling) {
            spellings.put(SettingHost.JETTY_MODULE, spelling);
            return this;
        }

        /** The valve's attribute. */
        public Builder<T> valve(String attribute) {
            return valve(Spelling.named(attribute));
        }

        public Builder<T> valve(Spelling spelling) {
            spellings.put(SettingHost.TOMCAT_VALVE, spelling);
            return this;
        }

        /** Only to say why the standalone does without it: it otherwise reads {@code --name}. */
        public Builder<T> standalone(Spelling.Absent absent) {
            spellings.put(SettingHost.STANDALONE, absent);
            return this;
        }

        /** Only to say why the WAR does without it: it otherwise reads {@code fulcrum.name}. */
        public Builder<T> war(Spelling.Absent absent) {
            spellings.put(SettingHost.WAR, absent);
            return this;
        }

        public Setting<T> build() {
            return new Setting<>(this);
        }
    }
}
