package dev.fulcrum.config;

/**
 * The kinds of object a {@link ConfigSnapshot} holds, each keyed by its 32-hex id. {@link #storeName()} is the name
 * the stores use for the kind (the state file's groups, a key prefix), so every store spells it the same way.
 */
public enum ConfigKind {
    ACCOUNT("accounts"),
    ZONE("zones"),
    MONITOR("monitors"),
    POOL("pools"),
    LOAD_BALANCER("load_balancers"),
    MONITOR_GROUP("monitor_groups");

    private final String storeName;

    ConfigKind(String storeName) {
        this.storeName = storeName;
    }

    /** The plural, snake_case name of the kind, e.g. {@code load_balancers}. */
    public String storeName() {
        return storeName;
    }

    /** The id of an object of this kind; throws ClassCastException for an object of another kind. */
    public String idOf(Object object) {
        return switch (this) {
            case ACCOUNT -> ((Account) object).id();
            case ZONE -> ((Zone) object).id();
            case MONITOR -> ((Monitor) object).id();
            case POOL -> ((Pool) object).id();
            case LOAD_BALANCER -> ((LoadBalancer) object).id();
            case MONITOR_GROUP -> ((MonitorGroup) object).id();
        };
    }

    /** The kind of a configuration object. */
    static ConfigKind of(Object object) {
        if (object instanceof Account) {
            return ACCOUNT;
        } else if (object instanceof Zone) {
            return ZONE;
        } else if (object instanceof Monitor) {
            return MONITOR;
        } else if (object instanceof Pool) {
            return POOL;
        } else if (object instanceof LoadBalancer) {
            return LOAD_BALANCER;
        } else if (object instanceof MonitorGroup) {
            return MONITOR_GROUP;
        }
        throw new IllegalArgumentException("not a configuration object: " + object);
    }
}
