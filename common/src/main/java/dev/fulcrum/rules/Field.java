package dev.fulcrum.rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields a load balancer rule may read (spec §6.1). Strings that the request lacks ({@code http.referer}
 * without a Referer, {@code http.request.uri.query} without a query) are {@code ""}, as in Cloudflare, so
 * {@code http.referer eq ""} finds them; only {@code ip.src} can be absent (the container gave no IP address).
 */
enum Field {
    LOAD_BALANCER_NAME("cf.load_balancer.name", Type.STRING, in -> RuleInput.orEmpty(in.loadBalancerName())),
    LOAD_BALANCER_REGION("cf.load_balancer.region", Type.STRING, in -> RuleInput.orEmpty(in.region())),
    CLIENT_IP("ip.src", Type.IP, RuleInput::clientIp),
    COOKIE("http.cookie", Type.STRING, RuleInput::cookie),
    HOST("http.host", Type.STRING, in -> RuleInput.orEmpty(in.host())),
    REFERER("http.referer", Type.STRING, RuleInput::referer),
    HEADERS("http.request.headers", Type.STRING_MAP, null),
    METHOD("http.request.method", Type.STRING, in -> RuleInput.orEmpty(in.method())),
    TIMESTAMP("http.request.timestamp.sec", Type.INT, in -> in.epochSeconds()),
    URI("http.request.uri", Type.STRING, RuleInput::uri),
    PATH("http.request.uri.path", Type.STRING, in -> RuleInput.orEmpty(in.path())),
    QUERY("http.request.uri.query", Type.STRING, RuleInput::queryOrEmpty),
    ARGS("http.request.uri.args", Type.STRING_MAP, null),
    ARG_NAMES("http.request.uri.args.names", Type.STRING_ARRAY, in -> in.args().names),
    ARG_VALUES("http.request.uri.args.values", Type.STRING_ARRAY, in -> in.args().values),
    VERSION("http.request.version", Type.STRING, RuleInput::version);

    /** Cloudflare's DNS-only fields: Fulcrum answers no DNS, so they have no value here and are refused. */
    static final Set<String> DNS_ONLY = Set.of("dns.qry.name", "dns.qry.name.len", "dns.qry.qu", "dns.qry.type",
            "dns.rr.opt.client", "dns.rr.opt.client.addr");

    private static final Map<String, Field> BY_NAME = new HashMap<>();

    static {
        for (Field f : values()) {
            BY_NAME.put(f.text, f);
        }
    }

    final String text;
    final Type type;
    /** Reads the whole field; null for maps, which are only read one key at a time ({@link #lookup}). */
    final Value value;

    Field(String text, Type type, Value value) {
        this.text = text;
        this.type = type;
        this.value = value;
    }

    static Field named(String name) {
        return BY_NAME.get(name);
    }

    /**
     * The values under one key of a map field. Header names are lower case in the map, so a key with an upper-case
     * letter finds nothing, as in Cloudflare; query argument names are compared exactly, not decoded.
     */
    Value lookup(String key) {
        return switch (this) {
            case HEADERS -> {
                if (!key.equals(key.toLowerCase(java.util.Locale.ROOT))) {
                    yield in -> List.of();
                }
                yield in -> in.headerValues(key);
            }
            case ARGS -> in -> in.args().get(key);
            default -> throw new IllegalStateException(text + " is not a map");
        };
    }

    static String names() {
        final StringBuilder sb = new StringBuilder();
        for (Field f : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(f.text);
        }
        return sb.toString();
    }
}
