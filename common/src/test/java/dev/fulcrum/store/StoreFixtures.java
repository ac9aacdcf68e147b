package dev.fulcrum.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.MonitorGroup;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Zone;
import dev.fulcrum.config.json.ConfigJson;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** Builds valid objects and snapshot mutations for the store tests. */
final class StoreFixtures {

    static final ConfigJson JSON = new ConfigJson();
    static final String ACCOUNT = "01a7362d577a6c3019a474fd6f485823";
    static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";

    private StoreFixtures() {
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static JsonNode json(String text) {
        try {
            return ConfigJson.mapper().readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static Account account(String id) {
        return new Account(id, "acct-" + id.substring(0, 6), now());
    }

    static Zone zone(String id, String accountId) {
        return new Zone(id, "example.com", accountId, now(), now());
    }

    static Monitor monitor(String id) {
        return JSON.readMonitor(json("{'type':'https','path':'/health','header':{'Host':['example.com']},"
                + "'expected_codes':'2xx','interval':30}"), new ConfigJson.Meta(id, ACCOUNT, now(), now()));
    }

    static Pool pool(String id, String name) {
        return JSON.readPool(json("{'name':'" + name + "','description':'a pool','origins':["
                + "{'name':'a','address':'10.0.0.1','port':8080,'weight':0.5},"
                + "{'name':'b','address':'app.example.com','enabled':false,'header':{'Host':['x.example.com']}}],"
                + "'load_shedding':{'default_percent':10},'latitude':1.5,'longitude':-2.25}"),
                new ConfigJson.Meta(id, ACCOUNT, now(), now()), null);
    }

    static LoadBalancer loadBalancer(String id, String poolId) {
        return JSON.readLoadBalancer(json("{'name':'www.example.com','default_pools':['" + poolId + "'],"
                + "'fallback_pool':'" + poolId + "','proxied':true,'session_affinity':'cookie',"
                + "'region_pools':{'WEU':['" + poolId + "']},'rules':[{'name':'r','condition':'true',"
                + "'fixed_response':{'status_code':503}}]}"), new ConfigJson.Meta(id, ZONE, now(), now()));
    }

    static MonitorGroup monitorGroup(String id, String monitorId) {
        return JSON.readMonitorGroup(json("{'description':'critical checks','members':[{'monitor_id':'" + monitorId
                + "','enabled':true,'monitoring_only':false,'must_be_healthy':true}]}"),
                new ConfigJson.Meta(id, ACCOUNT, now(), now()), null);
    }

    /** A snapshot with every kind of object: one account, zone, monitor, monitor group, two pools, one LB. */
    static ConfigSnapshot everyKind(ConfigSnapshot s) {
        final String poolA = Ids.newId();
        return new ConfigSnapshot(s.revision(),
                put(s.accounts(), ACCOUNT, account(ACCOUNT)),
                put(s.zones(), ZONE, zone(ZONE, ACCOUNT)),
                put(s.monitors(), "f1aba936b94213e5b8dca0c0dbf1f9cc", monitor("f1aba936b94213e5b8dca0c0dbf1f9cc")),
                put(put(s.pools(), poolA, pool(poolA, "pool-a")), "9290f38c5d07c2e2f4df57b1f61d4196",
                        pool("9290f38c5d07c2e2f4df57b1f61d4196", "pool-b")),
                put(s.loadBalancers(), "699d98642c564d2e855e9661899b7252",
                        loadBalancer("699d98642c564d2e855e9661899b7252", poolA)),
                put(s.monitorGroups(), "17b5962d775c646f3f9725cbc7a53df4",
                        monitorGroup("17b5962d775c646f3f9725cbc7a53df4", "f1aba936b94213e5b8dca0c0dbf1f9cc")));
    }

    static ConfigSnapshot withPool(ConfigSnapshot s, Pool pool) {
        return new ConfigSnapshot(s.revision(), s.accounts(), s.zones(), s.monitors(),
                put(s.pools(), pool.id(), pool), s.loadBalancers(), s.monitorGroups());
    }

    static ConfigSnapshot withAccount(ConfigSnapshot s, Account account) {
        return new ConfigSnapshot(s.revision(), put(s.accounts(), account.id(), account), s.zones(), s.monitors(),
                s.pools(), s.loadBalancers(), s.monitorGroups());
    }

    static ConfigSnapshot withoutPool(ConfigSnapshot s, String poolId) {
        final Map<String, Pool> pools = new HashMap<>(s.pools());
        pools.remove(poolId);
        return new ConfigSnapshot(s.revision(), s.accounts(), s.zones(), s.monitors(), pools, s.loadBalancers(),
                s.monitorGroups());
    }

    static <T> Map<String, T> put(Map<String, T> map, String id, T value) {
        final Map<String, T> copy = new HashMap<>(map);
        copy.put(id, value);
        return copy;
    }
}
