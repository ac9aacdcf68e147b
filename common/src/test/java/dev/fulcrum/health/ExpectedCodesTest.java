package dev.fulcrum.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpectedCodesTest {

    @Test
    void singleCode() {
        final ExpectedCodes codes = ExpectedCodes.parse("200");
        assertThat(codes.matches(200)).isTrue();
        assertThat(codes.matches(201)).isFalse();
    }

    @Test
    void classWildcardInEitherCase() {
        assertThat(ExpectedCodes.parse("2xx").matches(299)).isTrue();
        assertThat(ExpectedCodes.parse("2XX").matches(204)).isTrue();
        assertThat(ExpectedCodes.parse("2xx").matches(300)).isFalse();
        assertThat(ExpectedCodes.parse("2xx")).isEqualTo(ExpectedCodes.parse("2XX"));
    }

    @Test
    void commaListMixesCodesAndClasses() {
        final ExpectedCodes codes = ExpectedCodes.parse(" 2xx, 301 ,404");
        assertThat(codes.matches(250)).isTrue();
        assertThat(codes.matches(301)).isTrue();
        assertThat(codes.matches(302)).isFalse();
        assertThat(codes.matches(404)).isTrue();
    }

    @Test
    void blankMeans200() {
        assertThat(ExpectedCodes.parse("").matches(200)).isTrue();
        assertThat(ExpectedCodes.parse(null).matches(204)).isFalse();
    }

    @Test
    void badEntriesAreNamed() {
        assertThatThrownBy(() -> ExpectedCodes.parse("200,abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected_codes: \"200,abc\" has \"abc\" (expected: a status code 100-599 or a class "
                        + "like 2xx, comma separated)");
        assertThatThrownBy(() -> ExpectedCodes.parse("600")).hasMessageContaining("has \"600\"");
        assertThatThrownBy(() -> ExpectedCodes.parse("6xx")).hasMessageContaining("has \"6xx\"");
        assertThatThrownBy(() -> ExpectedCodes.parse("200,")).hasMessageContaining("has \"\"");
    }
}
