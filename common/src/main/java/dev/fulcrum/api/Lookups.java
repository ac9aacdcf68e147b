package dev.fulcrum.api;

import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;

/**
 * Finds the objects a path names, or throws Cloudflare's 7003/7000 404. A malformed id, an unknown id and an id
 * that belongs to another account or zone all get the same answer, so the API does not reveal which objects exist
 * elsewhere.
 */
final class Lookups {

    private Lookups() {
    }

    static Account account(ConfigSnapshot s, Call call) {
        final String id = call.param("account_id");
        final Account account = Ids.isValid(id) ? s.accounts().get(id) : null;
        if (account == null) {
            throw call.notFound();
        }
        return account;
    }

    static Zone zone(ConfigSnapshot s, Call call) {
        final String id = call.param("zone_id");
        final Zone zone = Ids.isValid(id) ? s.zones().get(id) : null;
        if (zone == null) {
            throw call.notFound();
        }
        return zone;
    }

    static LoadBalancer loadBalancer(ConfigSnapshot s, Zone zone, Call call) {
        final String id = call.param("lb_id");
        final LoadBalancer lb = Ids.isValid(id) ? s.loadBalancers().get(id) : null;
        if (lb == null || !lb.zoneId().equals(zone.id())) {
            throw call.notFound();
        }
        return lb;
    }

    static Pool pool(ConfigSnapshot s, Account account, Call call) {
        final String id = call.param("pool_id");
        final Pool pool = Ids.isValid(id) ? s.pools().get(id) : null;
        if (pool == null || !pool.accountId().equals(account.id())) {
            throw call.notFound();
        }
        return pool;
    }

    static Monitor monitor(ConfigSnapshot s, Account account, Call call) {
        final String id = call.param("monitor_id");
        final Monitor monitor = Ids.isValid(id) ? s.monitors().get(id) : null;
        if (monitor == null || !monitor.accountId().equals(account.id())) {
            throw call.notFound();
        }
        return monitor;
    }

    static MonitorGroup monitorGroup(ConfigSnapshot s, Account account, Call call) {
        final String id = call.param("monitor_group_id");
        final MonitorGroup group = Ids.isValid(id) ? s.monitorGroups().get(id) : null;
        if (group == null || !group.accountId().equals(account.id())) {
            throw call.notFound();
        }
        return group;
    }
}
