package dev.fulcrum.runtime;

import dev.fulcrum.api.BearerAuth;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Everything a Fulcrum runtime is started with, immutable once built.
 *
 * <p>Text settings are parsed here and only here ({@link #parse}): command-line options override environment
 * variables, which override the defaults. A bad value is refused with a message naming the option (or variable),
 * the value and what was expected. To add a setting: a field, a builder method that validates, and one
 * {@link Option} row in {@link #OPTIONS}.
 */
public final class FulcrumSettings {

    public static final int DEFAULT_PROXY_PORT = 8080;
    public static final String DEFAULT_PROXY_BIND = "0.0.0.0";
    public static final int DEFAULT_API_PORT = 8081;
    public static final String DEFAULT_API_BIND = "127.0.0.1";
    public static final Path DEFAULT_DATA_DIR = Path.of("fulcrum-data");
    /** Shorter tokens are refused: the admin token is the only credential of the API. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** A settings text that cannot be used; the message names the option, the value and the expectation. */
    public static final class InvalidSettingException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public InvalidSettingException(String message) {
            super(message);
        }
    }

    /** One text setting: its command-line flag, environment variable and how it sets the builder. */
    private record Option(String flag, String env, String valueName, String help,
                          BiConsumer<Builder, String> apply) {
    }

    private static final List<Option> OPTIONS = List.of(
            new Option("--port", "FULCRUM_PORT", "PORT",
                    "proxy (load balancer) port, 0 = any free port (default " + DEFAULT_PROXY_PORT + ")",
                    (b, v) -> b.proxyPort(port(v))),
            new Option("--bind", "FULCRUM_BIND", "HOST",
                    "address the proxy listens on (default " + DEFAULT_PROXY_BIND + ")",
                    Builder::proxyBind),
            new Option("--api-port", "FULCRUM_API_PORT", "PORT",
                    "REST API port, 0 = any free port (default " + DEFAULT_API_PORT + ")",
                    (b, v) -> b.apiPort(port(v))),
            new Option("--api-bind", "FULCRUM_API_BIND", "HOST",
                    "address the REST API listens on (default " + DEFAULT_API_BIND + ")",
                    Builder::apiBind),
            new Option("--data-dir", "FULCRUM_DATA_DIR", "DIR",
                    "where configuration and the API token hash are stored (default ./" + DEFAULT_DATA_DIR + ")",
                    (b, v) -> b.dataDir(path(v))),
            new Option("--api-token", "FULCRUM_API_TOKEN", "TOKEN",
                    "admin API token (" + MIN_TOKEN_LENGTH + "+ chars of A-Z a-z 0-9 - . _ ~ + /); replaces the "
                            + "stored one. Without it, the first start generates one and prints it once",
                    Builder::apiToken));

    private final Path dataDir;
    private final int proxyPort;
    private final String proxyBind;
    private final int apiPort;
    private final String apiBind;
    private final String apiToken;

    private FulcrumSettings(Builder b) {
        this.dataDir = b.dataDir;
        this.proxyPort = b.proxyPort;
        this.proxyBind = b.proxyBind;
        this.apiPort = b.apiPort;
        this.apiBind = b.apiBind;
        this.apiToken = b.apiToken;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults, with nothing from the command line or environment. */
    public static FulcrumSettings defaults() {
        return builder().build();
    }

    /**
     * Reads settings from environment variables, then command-line options ({@code --name value} or
     * {@code --name=value}), each overriding the previous.
     *
     * @throws InvalidSettingException for an unknown option, a missing or bad value
     */
    public static FulcrumSettings parse(List<String> args, Map<String, String> env) {
        final Builder b = builder();
        for (Option option : OPTIONS) {
            final String value = env.get(option.env());
            if (value != null && !value.isEmpty()) {
                apply(b, option, option.env(), value);
            }
        }
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            final int eq = arg.indexOf('=');
            final String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            final Option option = OPTIONS.stream().filter(o -> o.flag().equals(flag)).findFirst().orElse(null);
            if (option == null) {
                throw new InvalidSettingException("unknown option '" + arg + "' (see --help)");
            }
            final String value;
            if (eq > 0 && arg.startsWith("--")) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new InvalidSettingException(flag + ": needs a value " + option.valueName());
            }
            apply(b, option, flag, value);
        }
        return b.build();
    }

    /** True when the arguments ask for the usage text. */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /** One line per option, for {@code --help}. */
    public static String optionsHelp() {
        final StringBuilder sb = new StringBuilder();
        for (Option o : OPTIONS) {
            sb.append(String.format("  %-22s %s%n      env %s%n", o.flag() + ' ' + o.valueName(), o.help(), o.env()));
        }
        return sb.toString();
    }

    private static void apply(Builder b, Option option, String source, String value) {
        try {
            option.apply().accept(b, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(source + ": " + e.getMessage());
        }
    }

    private static int port(String value) {
        try {
            final int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + value + "' is not a port number (expected: 0-65535)");
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + value + "' is not a usable path (" + e.getReason() + ")");
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public int proxyPort() {
        return proxyPort;
    }

    public String proxyBind() {
        return proxyBind;
    }

    public int apiPort() {
        return apiPort;
    }

    public String apiBind() {
        return apiBind;
    }

    /** The admin token given explicitly, or null when the runtime should use the stored (or a generated) one. */
    public String apiToken() {
        return apiToken;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The settings without the token, safe to log. */
    @Override
    public String toString() {
        return "FulcrumSettings[dataDir=" + dataDir + ", proxy=" + proxyBind + ':' + proxyPort + ", api=" + apiBind
                + ':' + apiPort + ", apiToken=" + (apiToken == null ? "(stored)" : "(given)") + ']';
    }

    /** Builds settings; every method validates its value and throws {@link IllegalArgumentException} saying why. */
    public static final class Builder {

        private Path dataDir = DEFAULT_DATA_DIR;
        private int proxyPort = DEFAULT_PROXY_PORT;
        private String proxyBind = DEFAULT_PROXY_BIND;
        private int apiPort = DEFAULT_API_PORT;
        private String apiBind = DEFAULT_API_BIND;
        private String apiToken;

        private Builder() {
        }

        private Builder(FulcrumSettings s) {
            this.dataDir = s.dataDir;
            this.proxyPort = s.proxyPort;
            this.proxyBind = s.proxyBind;
            this.apiPort = s.apiPort;
            this.apiBind = s.apiBind;
            this.apiToken = s.apiToken;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder proxyPort(int port) {
            this.proxyPort = checkPort(port);
            return this;
        }

        public Builder proxyBind(String host) {
            this.proxyBind = checkHost(host);
            return this;
        }

        public Builder apiPort(int port) {
            this.apiPort = checkPort(port);
            return this;
        }

        public Builder apiBind(String host) {
            this.apiBind = checkHost(host);
            return this;
        }

        /** @param token the admin token, or null to use the stored one (generated on first start) */
        public Builder apiToken(String token) {
            if (token != null && (token.length() < MIN_TOKEN_LENGTH || !BearerAuth.isWellFormed(token))) {
                throw new IllegalArgumentException("not a usable API token (expected: at least " + MIN_TOKEN_LENGTH
                        + " characters of A-Z a-z 0-9 - . _ ~ + / with optional trailing =)");
            }
            this.apiToken = token;
            return this;
        }

        public FulcrumSettings build() {
            return new FulcrumSettings(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("'" + port + "' is not a port number (expected: 0-65535)");
            }
            return port;
        }

        private static String checkHost(String host) {
            if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
            }
            return host;
        }
    }
}
