package dev.fulcrum.config;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    @Test
    void newIdsAreValidAndDistinct() {
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            final String id = Ids.newId();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(Ids.isValid(id)).isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void validationIsExact() {
        assertThat(Ids.isValid("023e105f4ecef8ad9ca31a8372d0c353")).isTrue();
        assertThat(Ids.isValid("023E105F4ECEF8AD9CA31A8372D0C353")).isFalse();
        assertThat(Ids.isValid("023e105f4ecef8ad9ca31a8372d0c3530")).as("33 chars").isFalse();
        assertThat(Ids.isValid("023e105f4ecef8ad9ca31a8372d0c35")).isFalse();
        assertThat(Ids.isValid("023e105f4ecef8ad9ca31a8372d0c35g")).isFalse();
        assertThat(Ids.isValid(null)).isFalse();
        assertThat(Ids.isValid("")).isFalse();
    }
}
