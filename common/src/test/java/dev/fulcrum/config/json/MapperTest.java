package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fulcrum.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.fulcrum.config.json.JsonFixtures.JSON;
import static dev.fulcrum.config.json.JsonFixtures.accountMeta;
import static dev.fulcrum.config.json.JsonFixtures.lbMeta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapperTest {

    /** A record as another part of the code might serialize it through the shared mapper. */
    record Sample(String resourceId, Instant createdOn, int perPage) {
    }

    private final ObjectMapper mapper = ConfigJson.mapper();

    @Test
    void recordsUseSnakeCaseAndTimestampsCarryMicroseconds() throws Exception {
        final String text = mapper.writeValueAsString(
                new Sample("x", Instant.parse("2014-01-01T05:20:00Z"), 20));
        assertThat(text).isEqualTo("{\"resource_id\":\"x\",\"created_on\":\"2014-01-01T05:20:00.000000Z\","
                + "\"per_page\":20}");
        final Sample back = mapper.readValue("{\"resource_id\":\"y\",\"created_on\":\"2014-01-01T05:20:00.12345Z\","
                + "\"per_page\":1,\"unknown\":true}", Sample.class);
        assertThat(back.createdOn()).isEqualTo(Instant.parse("2014-01-01T05:20:00.12345Z"));
    }

    @Test
    void timestampsAreRfc3339InUtc() {
        assertThat(ConfigJson.timestamp(Instant.parse("2014-01-01T05:20:00.12345Z")))
                .isEqualTo("2014-01-01T05:20:00.123450Z");
        assertThat(ConfigJson.parseTimestamp("2014-01-01T07:20:00.5+02:00"))
                .isEqualTo(Instant.parse("2014-01-01T05:20:00.5Z"));
        assertThat(ConfigJson.parseTimestamp("yesterday")).isNull();
    }

    @Test
    void metaKeepsMicroseconds() {
        final ConfigJson.Meta meta = new ConfigJson.Meta("a", "b", Instant.parse("2014-01-01T05:20:00.123456789Z"),
                null);
        assertThat(meta.createdOn()).isEqualTo(Instant.parse("2014-01-01T05:20:00.123456Z"));
        final ConfigJson.Meta created = ConfigJson.Meta.create("owner", Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(created.id()).matches("[0-9a-f]{32}");
        assertThat(created.createdOn()).isEqualTo(created.modifiedOn());
    }

    @Test
    void trailingTokensAreMalformed() {
        assertThatThrownBy(() -> mapper.readTree("{} {}")).isInstanceOf(
                com.fasterxml.jackson.core.JsonProcessingException.class);
    }

    @Test
    void restoreRefusesAStoredCopyWithoutIdentity() {
        assertThatThrownBy(() -> JSON.restoreMonitor(JSON.write(JSON.readMonitor(JsonFixtures.json("{}"),
                accountMeta(JsonFixtures.MONITOR)))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("account_id: missing (expected: an owner id (32 lowercase hex)): validation failed");
        assertThat(lbMeta().ownerId()).isEqualTo(JsonFixtures.ZONE);
    }
}
