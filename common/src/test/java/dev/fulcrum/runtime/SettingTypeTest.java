package dev.fulcrum.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one place text becomes a value: the forms each kind accepts, and how a refusal reads. */
class SettingTypeTest {

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", " yes ", "on", "On", "1"})
    void switchesAcceptTheUsualWordsForOn(String text) {
        assertThat(SettingType.SWITCH.parse(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "False", "no", "OFF", "0"})
    void switchesAcceptTheUsualWordsForOff(String text) {
        assertThat(SettingType.SWITCH.parse(text)).isFalse();
    }

    @Test
    void anyOtherSwitchValueIsRefused() {
        assertThatThrownBy(() -> SettingType.SWITCH.parse("maybe")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'maybe' is not a switch value (expected: true or false)");
        assertThatThrownBy(() -> SettingType.SWITCH.parse("2")).hasMessageStartingWith("'2' is not a switch value");
        assertThatThrownBy(() -> SettingType.SWITCH.parse("")).hasMessageStartingWith("'' is not a switch value");
    }

    @Test
    void durationsTakeEveryUnitAndWhitespace() {
        assertThat(SettingType.DURATION.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SettingType.DURATION.parse("19s")).isEqualTo(Duration.ofSeconds(19));
        assertThat(SettingType.DURATION.parse(" 15m ")).isEqualTo(Duration.ofMinutes(15));
        assertThat(SettingType.DURATION.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(SettingType.DURATION.parse("1500MS")).isEqualTo(Duration.ofMillis(1500));
        assertThat(SettingType.DURATION.parse("30 s")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aDurationWithoutAUnitIsRefusedSayingSo() {
        assertThatThrownBy(() -> SettingType.DURATION.parse("5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("5 has no unit (expected: a positive duration such as 19s, 500ms or 15m; units: ms, s, "
                        + "m, h)");
        assertThatThrownBy(() -> SettingType.DURATION.parse("250")).hasMessageStartingWith("250 has no unit");
    }

    @Test
    void otherBadDurationsAreRefusedWithTheExpectation() {
        assertThatThrownBy(() -> SettingType.DURATION.parse("soon"))
                .hasMessage("soon (expected: a positive duration such as 19s, 500ms or 15m)");
        assertThatThrownBy(() -> SettingType.DURATION.parse("0s"))
                .hasMessage("0s (expected: a positive duration such as 19s, 500ms or 15m)");
        assertThatThrownBy(() -> SettingType.DURATION.parse("5d"))
                .hasMessage("5d (expected: a positive duration such as 19s, 500ms or 15m; units: ms, s, m, h)");
        assertThatThrownBy(() -> SettingType.DURATION.parse("1.5s")).hasMessageStartingWith("1.5s (expected:");
        assertThatThrownBy(() -> SettingType.DURATION.parse("-5s")).hasMessageStartingWith("-5s (expected:");
        assertThatThrownBy(() -> SettingType.DURATION.parse("9999999999999999h"))
                .hasMessageStartingWith("9999999999999999h (expected:");
    }

    @Test
    void durationsAreWrittenAsTheyAreRead() {
        assertThat(SettingType.DURATION.format(Duration.ofSeconds(900))).isEqualTo("900s");
        assertThat(SettingType.DURATION.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(SettingType.DURATION.parse(SettingType.DURATION.format(Duration.ofMillis(1500))))
                .isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void sizesAreBytesAloneOrWithABinaryUnit() {
        assertThat(SettingType.SIZE.parse("65536")).isEqualTo(65536);
        assertThat(SettingType.SIZE.parse("0")).isZero();
        assertThat(SettingType.SIZE.parse("512B")).isEqualTo(512);
        assertThat(SettingType.SIZE.parse("64KiB")).isEqualTo(65536);
        assertThat(SettingType.SIZE.parse("1 mib")).isEqualTo(1 << 20);
        assertThat(SettingType.SIZE.parse("1GiB")).isEqualTo(1 << 30);

        assertThatThrownBy(() -> SettingType.SIZE.parse("64KB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'64KB' is not a size (expected: a number of bytes, alone or with B, KiB, MiB or GiB, "
                        + "e.g. 65536 or 64KiB)");
        assertThatThrownBy(() -> SettingType.SIZE.parse("big")).hasMessageStartingWith("'big' is not a size");
        assertThatThrownBy(() -> SettingType.SIZE.parse("-1")).hasMessageStartingWith("'-1' is not a size");
        assertThatThrownBy(() -> SettingType.SIZE.parse("2GiB"))
                .hasMessage("'2GiB' is too large a size (expected: at most 2 GiB - 1)");
    }

    @Test
    void countsPortsHostsAndPaths() {
        assertThat(SettingType.COUNT.parse(" 64 ")).isEqualTo(64);
        assertThatThrownBy(() -> SettingType.COUNT.parse("0"))
                .hasMessage("'0' is not a count (expected: an integer of at least 1)");
        assertThat(SettingType.PORT.parse("0")).isZero();
        assertThatThrownBy(() -> SettingType.PORT.parse("65536"))
                .hasMessage("'65536' is not a port number (expected: 0-65535)");
        assertThat(SettingType.HOST.parse(" ::1 ")).isEqualTo("::1");
        assertThatThrownBy(() -> SettingType.HOST.parse("a b")).hasMessage("'a b' is not a host name or IP address");
        assertThat(SettingType.PATH.parse("state/lb")).isEqualTo(Path.of("state/lb"));
        assertThatThrownBy(() -> SettingType.PATH.parse(" ")).hasMessageStartingWith("' ' is not a usable path");
        assertThatThrownBy(() -> SettingType.PATH.parse("a\0b")).hasMessageStartingWith("'a\0b' is not a usable path");
    }

    @Test
    void aValueGivenInCodeIsCheckedByTheSameRules() {
        assertThatThrownBy(() -> SettingType.DURATION.check(Duration.ZERO)).hasMessageStartingWith("0s (expected:");
        assertThatThrownBy(() -> SettingType.PORT.check(70_000)).hasMessageStartingWith("'70000' is not a port");
        assertThat(SettingType.COUNT.check(3)).isEqualTo(3);
    }
}
