package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
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
 * <p>Which objects changed is the commit's {@link ConfigChange}: only the ids it names are looked at. The
 * credential travels with the calling thread ({@link #as}), since the API answers each call
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
    public ConfigChange commit(Function<ConfigSnapshot, ConfigEdit> mutation) {
        final ConfigChange change = store.commit(mutation);
        log(change);
        return change;
    }

    @Override
    public ConfigSnapshot update(UnaryOperator<ConfigSnapshot> mutation) {
        final ConfigSnapshot[] before = new ConfigSnapshot[1];
        final ConfigSnapshot committed = store.update(s -> {
            before[0] = s;
            return mutation.apply(s);
        });
        if (before[0] != null && committed != before[0]) {
            log(ConfigChange.between(before[0], committed));
        }
        return committed;
    }

    @Override
    public void addChangeListener(Consumer<ConfigChange> listener) {
        store.addChangeListener(listener);
    }

    @Override
    public void close() {
        store.close();
    }

    /** One line per object the change names: the change's ids, so a write costs what it changed to log. */
    private void log(ConfigChange change) {
        if (change.isEmpty() || !LOG.isInfoEnabled()) {
            return;
        }
        final String who = CREDENTIAL.get() == null ? "the runtime" : CREDENTIAL.get();
        final String prefix = "config change by " + who + ": ";
        final String suffix = " (revision " + change.next().revision() + ")";
        final ConfigSnapshot before = change.previous();
        final ConfigSnapshot after = change.next();
        final List<String> lines = new ArrayList<>();
        changes(lines, "account", change.accounts(), before.accounts(), after.accounts(), Account::name,
                AccountResource::write);
        changes(lines, "zone", change.zones(), before.zones(), after.zones(), Zone::name,
                z -> ZoneResource.write(z, null));
        changes(lines, "monitor", change.monitors(), before.monitors(), after.monitors(),
                ConfigChangeLog::monitorName, json::write);
        changes(lines, "monitor group", change.monitorGroups(), before.monitorGroups(), after.monitorGroups(),
                MonitorGroup::description, json::write);
        changes(lines, "pool", change.pools(), before.pools(), after.pools(), Pool::name, json::write);
        changes(lines, "load balancer", change.loadBalancers(), before.loadBalancers(), after.loadBalancers(),
                LoadBalancer::name, lb -> json.write(lb, null));
        for (String line : lines) {
            LOG.info(prefix + line + suffix);
        }
    }

    private static String monitorName(Monitor monitor) {
        return monitor.description() == null || monitor.description().isEmpty()
                ? monitor.type() + " " + (monitor.path() == null ? "" : monitor.path()) : monitor.description();
    }

    private static <T> void changes(List<String> lines, String type, Set<String> ids, Map<String, T> before,
                                    Map<String, T> after, Function<T, String> name, Function<T, JsonNode> write) {
        for (String id : ids) {
            final T old = before.get(id);
            final T now = after.get(id);
            if (old == null && now != null) {
                lines.add(type + " " + id + " \"" + name.apply(now) + "\" created");
            } else if (now == null && old != null) {
                lines.add(type + " " + id + " \"" + name.apply(old) + "\" deleted");
            } else if (old != null) {
                final List<String> fields = new ArrayList<>();
                diff(write.apply(old), write.apply(now), "", fields);
                lines.add(type + " " + id + " \"" + name.apply(now) + "\" updated: "
                        + (fields.isEmpty() ? "(no field)" : String.join(", ", fields)));
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
