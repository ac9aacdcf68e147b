package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

import static dev.fulcrum.config.json.JsonFixtures.JSON;
import static dev.fulcrum.config.json.JsonFixtures.POOL_A;
import static dev.fulcrum.config.json.JsonFixtures.accountMeta;
import static dev.fulcrum.config.json.JsonFixtures.anyJson;
import static dev.fulcrum.config.json.JsonFixtures.json;
import static dev.fulcrum.config.json.JsonFixtures.lbMeta;
import static dev.fulcrum.config.json.JsonFixtures.minimalLb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Replaces every value in full bodies, at every depth, by every JSON type: only ConfigException may come out. */
class WrongTypesTest {

    private static final List<JsonNode> ODD_VALUES = List.of(anyJson("null"), anyJson("true"), anyJson("0"),
            anyJson("-1"), anyJson("1e400"), anyJson("123456789012345678901234567890"), anyJson("0.5"),
            anyJson("\"\""), anyJson("\"x\""), anyJson("[]"), anyJson("[null]"), anyJson("[1,{}]"), anyJson("{}"),
            anyJson("{\"a\":null}"));

    @Test
    void loadBalancer() {
        final ObjectNode full = JSON.write(JSON.readLoadBalancer(json(minimalLb() + ",'session_affinity':'header',"
                + "'session_affinity_attributes':{'headers':['h']},'region_pools':{'WEU':['" + POOL_A + "']},"
                + "'random_steering':{'pool_weights':{'" + POOL_A + "':0.5}},'rules':[{'name':'r','overrides':"
                + "{'default_pools':['" + POOL_A + "'],"
                + "'session_affinity_attributes':{'samesite':'Lax','headers':['h']},"
                + "'random_steering':{'default_weight':0.2}},'fixed_response':{'status_code':200}},"
                + "{'name':'n','overrides':{'pools':['" + POOL_A + "'],'pool_weights':{'" + POOL_A + "':0.5},"
                + "'pool_default_weight':0.3}}]}"), lbMeta()),
                "example.com");
        mutateEverywhere(full, body -> JSON.readLoadBalancer(body, lbMeta()));
    }

    @Test
    void pool() {
        final ObjectNode full = JSON.write(JSON.readPool(json("{'name':'p','origins':[{'name':'a','address':'h',"
                + "'header':{'Host':['x']}}],'load_shedding':{},'latitude':1,'longitude':2,'check_regions':['WEU'],"
                + "'notification_filter':{'origin':{},'pool':{}}}"), accountMeta(POOL_A), null));
        mutateEverywhere(full, body -> JSON.readPool(body, accountMeta(POOL_A), null));
    }

    @Test
    void monitor() {
        final ObjectNode full = JSON.write(JSON.readMonitor(json("{'header':{'X-A':['v']}}"), accountMeta(POOL_A)));
        mutateEverywhere(full, body -> JSON.readMonitor(body, accountMeta(POOL_A)));
    }

    private static void mutateEverywhere(ObjectNode full, Consumer<JsonNode> read) {
        read.accept(full);
        int tried = 0;
        for (final List<Object> path : paths(full, new ArrayList<>())) {
            for (final JsonNode odd : ODD_VALUES) {
                final ObjectNode copy = full.deepCopy();
                set(copy, path, odd.deepCopy());
                try {
                    read.accept(copy);
                } catch (ConfigException expected) {
                    // The codec's safety net turns internal failures into "unreadable"; none may be needed.
                    assertThat(expected.errors()).as("path %s = %s", path, odd).isNotEmpty()
                            .noneSatisfy(err -> assertThat(err.message()).contains("unreadable"));
                } catch (RuntimeException e) {
                    fail("path " + path + " = " + odd + " threw " + e, e);
                }
                tried++;
            }
        }
        assertThat(tried).isGreaterThan(100);
    }

    private static List<List<Object>> paths(JsonNode node, List<Object> prefix) {
        final List<List<Object>> out = new ArrayList<>();
        if (node.isObject()) {
            final Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                final String name = names.next();
                final List<Object> p = new ArrayList<>(prefix);
                p.add(name);
                out.add(p);
                out.addAll(paths(node.get(name), p));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                final List<Object> p = new ArrayList<>(prefix);
                p.add(i);
                out.add(p);
                out.addAll(paths(node.get(i), p));
            }
        }
        return out;
    }

    private static void set(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            final Object step = path.get(i);
            parent = step instanceof Integer ? parent.get((Integer) step) : parent.get((String) step);
        }
        final Object last = path.get(path.size() - 1);
        if (last instanceof Integer) {
            ((ArrayNode) parent).set((Integer) last, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
    }
}
