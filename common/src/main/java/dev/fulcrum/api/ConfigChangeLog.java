package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;
import dev.fulcrum.config.json.ConfigJson;
import dev.fulcrum.store.ConfigStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The API's view of the store, which logs every committed write: one INFO line per object created, updated or
 * deleted, naming the credential that made the call, the object's type, id and name, the fields an update changed
 * and the new revision, e.g. {@code config change by token 3f…: pool 9c… "eu" updated: origins[0].enabled
 * (revision 12)}. Field names only, never values (a header or an address may be sensitive) and never a token: the
 * credential is the token's id, or the {@code X-Auth-Email} that came with it.
 *
 * <p>Which objects changed is found as the store finds what to journal: only the maps a write replaced are compared,
 * by identity first. The credential travels with the calling thread ({@link #as}), since the API answers each call
 * on the thread it arrived on.
 *
 * <p>Thread safety: as the store it wraps.
 */
final class ConfigChangeLog implements ConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigChangeLog.class);
    private static final int MAX_FIELDS = 20;
    private static final Set<String> STAMPS = Set.of("modified_on", "created_on", "disabled_at");
    private static final ThreadLocal<String> CREDENTIAL = new ThreadLocal<>();

    private final ConfigStore store;
    private final ConfigJson json;

    ConfigChangeLog(ConfigStore store, ConfigJson json) {
        this.store = Objects.requireNonNull(store, "store");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Runs {@code call} with writes attributed to {@code credential}. */
    static <T> T as(String credential, Supplier<T> call) {
        final String outer = CREDENTIAL.get();
        CREDENTIAL.set(credential);
        try {
            return call.get();
        } finally {
            if (outer == null) {
                CREDENTIAL.remove();
            } else {
                CREDENTIAL.set(outer);
            }
        }
    }

    @Override
    public ConfigSnapshot current() {
        return store.current();
    }

    @Override
    public ConfigSnapshot update(UnaryOperator<ConfigSnapshot> mutation) {
        final ConfigSnapshot[] before = new ConfigSnapshot[1];
        final ConfigSnapshot committed = store.update(s -> {
            before[0] = s;
            return mutation.apply(s);
        });
        if (before[0] != null && committed != before[0] && LOG.isInfoEnabled()) {
            log(before[0], committed);
        }
        return committed;
    }

    @Override
    public void addListener(Consumer<ConfigSnapshot> listener) {
        store.addListener(listener);
    }

    @Override
    public void close() {
        store.close();
    }

    private void log(ConfigSnapshot before, ConfigSnapshot after) {
        final String who = CREDENTIAL.get() == null ? "the runtime" : CREDENTIAL.get();
        final String prefix = "config change by " + who + ": ";
        final String suffix = " (revision " + after.revision() + ")";
        final List<String> lines = new ArrayList<>();
        changes(lines, "account", before.accounts(), after.accounts(), Account::name, AccountResource::write);
        changes(lines, "zone", before.zones(), after.zones(), Zone::name, z -> ZoneResource.write(z, null));
        changes(lines, "monitor", before.monitors(), after.monitors(), ConfigChangeLog::monitorName, json::write);
        changes(lines, "pool", before.pools(), after.pools(), Pool::name, json::write);
        changes(lines, "load balancer", before.loadBalancers(), after.loadBalancers(), LoadBalancer::name,
                lb -> json.write(lb, null));
        for (String line : lines) {
            LOG.info(prefix + line + suffix);
        }
    }

    private static String monitorName(Monitor monitor) {
        return monitor.description() == null || monitor.description().isEmpty()
                ? monitor.type() + " " + (monitor.path() == null ? "" : monitor.path()) : monitor.description();
    }

    private static <T> void changes(List<String> lines, String type, Map<String, T> before, Map<String, T> after,
                                    Function<T, String> name, Function<T, JsonNode> write) {
        if (before == after) {
            return;
        }
        int created = 0;
        for (Map.Entry<String, T> e : after.entrySet()) {
            final T old = before.get(e.getKey());
            final T now = e.getValue();
            if (old == null) {
                created++;
                lines.add(type + " " + e.getKey() + " \"" + name.apply(now) + "\" created");
            } else if (old != now && !old.equals(now)) {
                final List<String> fields = new ArrayList<>();
                diff(write.apply(old), write.apply(now), "", fields);
                lines.add(type + " " + e.getKey() + " \"" + name.apply(now) + "\" updated: "
                        + (fields.isEmpty() ? "(no field)" : String.join(", ", fields)));
            }
        }
        if (before.size() + created != after.size()) {
            for (Map.Entry<String, T> e : before.entrySet()) {
                if (!after.containsKey(e.getKey())) {
                    lines.add(type + " " + e.getKey() + " \"" + name.apply(e.getValue()) + "\" deleted");
                }
            }
        }
    }

    /**
     * The paths of the fields that differ: into objects by name and into arrays of equal length by index, so a
     * changed origin reads {@code origins[1].weight}; any other difference names the field that holds it.
     */
    static void diff(JsonNode a, JsonNode b, String path, List<String> out) {
        if (out.size() > MAX_FIELDS || Objects.equals(a, b)) {
            return;
        }
        if (a != null && b != null && a.isObject() && b.isObject()) {
            final Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
                final String field = it.next();
                if (!STAMPS.contains(field)) {
                    diff(a.get(field), b.get(field), path.isEmpty() ? field : path + '.' + field, out);
                }
            }
        } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()
                && containsObjects(a)) {
            for (int i = 0; i < a.size(); i++) {
                diff(a.get(i), b.get(i), path + '[' + i + ']', out);
            }
        } else if (out.size() == MAX_FIELDS) {
            out.add("…");
        } else {
            out.add(path);
        }
    }

    private static boolean containsObjects(JsonNode array) {
        return array.size() > 0 && array.get(0).isObject();
    }
}
