package dev.fulcrum.config.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;
import org.assertj.core.api.ThrowableAssert;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shared bodies and helpers for the codec tests. */
final class JsonFixtures {

    static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    static final String ACCOUNT = "01a7362d577a6c3019a474fd6f485823";
    static final String POOL_A = "17b5962d775c646f3f9725cbc7a53df4";
    static final String POOL_B = "9290f38c5d07c2e2f4df57b1f61d4196";
    static final String POOL_C = "00920f38ce07c2e2f4df50b1f61d4194";
    static final String MONITOR = "f1aba936b94213e5b8dca0c0dbf1f9cc";
    static final Instant T0 = Instant.parse("2014-01-01T05:20:00.123450Z");
    static final Instant T1 = Instant.parse("2014-01-02T05:20:00.5Z");

    static final ConfigJson JSON = new ConfigJson();

    private JsonFixtures() {
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) ConfigJson.mapper().readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode anyJson(String text) {
        try {
            return ConfigJson.mapper().readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static ConfigJson.Meta lbMeta() {
        return new ConfigJson.Meta("699d98642c564d2e855e9661899b7252", ZONE, T0, T1);
    }

    static ConfigJson.Meta accountMeta(String id) {
        return new ConfigJson.Meta(id, ACCOUNT, T0, T1);
    }

    static String minimalLb() {
        return "{'name':'www.example.com','default_pools':['" + POOL_A + "'],'fallback_pool':'" + POOL_B + "'";
    }

    static String minimalPool() {
        return "{'name':'primary-dc-1','origins':[{'name':'app-1','address':'10.0.0.1'}]";
    }

    /** Asserts the read throws a ConfigException whose messages are exactly {@code messages} (in any order). */
    static void assertErrors(ThrowableAssert.ThrowingCallable read, String... messages) {
        assertThatThrownBy(read).isInstanceOfSatisfying(ConfigException.class, e -> {
            final List<String> got = e.errors().stream().map(ConfigError::message).toList();
            org.assertj.core.api.Assertions.assertThat(got).containsExactlyInAnyOrder(messages);
            org.assertj.core.api.Assertions.assertThat(e.errors()).allSatisfy(err ->
                    org.assertj.core.api.Assertions.assertThat(err.cfCode()).isEqualTo(1002));
        });
    }

    /** Asserts the read throws a ConfigException with one error at {@code path} whose message contains the text. */
    static void assertError(ThrowableAssert.ThrowingCallable read, String path, String contains) {
        assertThatThrownBy(read).isInstanceOfSatisfying(ConfigException.class, e -> {
            org.assertj.core.api.Assertions.assertThat(e.errors())
                    .as("errors %s", e.errors())
                    .anySatisfy(err -> {
                        org.assertj.core.api.Assertions.assertThat(err.path()).isEqualTo(path);
                        org.assertj.core.api.Assertions.assertThat(err.message())
                                .startsWith(path + ": ")
                                .contains(contains)
                                .endsWith(": validation failed");
                        org.assertj.core.api.Assertions.assertThat(err.cfCode()).isEqualTo(1002);
                    });
        });
    }
}
