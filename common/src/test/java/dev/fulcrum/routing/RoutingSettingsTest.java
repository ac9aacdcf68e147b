package dev.fulcrum.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingSettingsTest {

    @Test
    void ofNormalisesAndDerivesRegionAndColo() {
        final RoutingSettings s = RoutingSettings.of("fra", "de", 50.11, 8.68);
        assertThat(s.pop()).isEqualTo("FRA");
        assertThat(s.country()).isEqualTo("DE");
        assertThat(s.region()).isEqualTo("WEU");
        assertThat(s.colo()).isEqualTo("FRA");
        assertThat(s.hasCoordinates()).isTrue();
        assertThat(s.clientCountryHeader()).isNull();
    }

    @Test
    void defaultsHaveNoLocation() {
        assertThat(RoutingSettings.DEFAULT.colo()).isEqualTo("FUL");
        assertThat(RoutingSettings.DEFAULT.hasCoordinates()).isFalse();
        assertThat(RoutingSettings.of(null, null, Double.NaN, Double.NaN).colo()).isEqualTo("FUL");
    }

    @Test
    void stateSplitCountriesDefaultToEasternNorthAmericaUnlessSet() {
        assertThat(RoutingSettings.of("LAX", "US", 34.05, -118.24).region()).isEqualTo("ENAM");
        assertThat(RoutingSettings.of("LAX", "US", 34.05, -118.24).withRegion("wnam").region()).isEqualTo("WNAM");
        assertThat(RoutingSettings.regionOf("jp")).isEqualTo("NEAS");
        assertThat(RoutingSettings.regionOf("BR")).isEqualTo("NSAM");
        assertThat(RoutingSettings.regionOf("TR")).isEqualTo("ME");
        assertThat(RoutingSettings.regionOf("ZZ")).isNull();
    }

    @Test
    void badValuesAreRefusedNamingFieldValueAndExpectation() {
        assertThatThrownBy(() -> RoutingSettings.of("LAX", "USA", 0, 0))
                .hasMessage("country: USA (expected: ISO-3166-1 alpha-2, e.g. DE)");
        assertThatThrownBy(() -> RoutingSettings.DEFAULT.withRegion("EU"))
                .hasMessageStartingWith("region: EU (expected: one of WNAM");
        assertThatThrownBy(() -> RoutingSettings.of("LAX", "US", 91, 0))
                .hasMessage("latitude: 91.0 (expected: -90..90)");
        assertThatThrownBy(() -> RoutingSettings.of("LAX", "US", 0, -181))
                .hasMessage("longitude: -181.0 (expected: -180..180)");
        assertThatThrownBy(() -> RoutingSettings.of("LAX", "US", 10, Double.NaN))
                .hasMessageContaining("expected: both set or both unset");
        assertThatThrownBy(() -> RoutingSettings.DEFAULT.withClientCountryHeader("CF IPCountry"))
                .hasMessage("clientCountryHeader: CF IPCountry (expected: an HTTP header name)");
        assertThatThrownBy(() -> RoutingSettings.DEFAULT.withColo("F-U"))
                .hasMessageStartingWith("colo: F-U (expected:");
    }
}
