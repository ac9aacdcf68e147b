package dev.fulcrum.config;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RegionsTest {

    @Test
    void thirteenRegionsInCloudflareOrder() {
        assertThat(Regions.codes()).containsExactly("WNAM", "ENAM", "WEU", "EEU", "NSAM", "SSAM", "OC", "ME", "NAF",
                "SAF", "SAS", "SEAS", "NEAS");
        assertThat(Regions.name("SEAS")).isEqualTo("South East Asia");
        assertThat(Regions.name("wnam")).isNull();
        assertThat(Regions.isRegion("ALL_REGIONS")).isFalse();
    }

    @Test
    void everyIsoCountryHasExactlyOneRegion() {
        for (final String country : Locale.getISOCountries()) {
            assertThat(Regions.regionOf(country)).as(country).isNotNull();
            assertThat(Regions.countryName(country)).as(country).isNotBlank();
        }
        assertThat(Regions.countries()).containsAll(List.of(Locale.getISOCountries()));
    }

    @Test
    void countriesOfCoversEveryCountryAndSplitsOnlyUsAndCanada() {
        final Set<String> seen = new HashSet<>();
        for (final String region : Regions.codes()) {
            assertThat(Regions.countriesOf(region)).as(region).isNotEmpty();
            for (final String country : Regions.countriesOf(region)) {
                if (!seen.add(country)) {
                    assertThat(country).isIn("US", "CA");
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(Regions.countries());
        assertThat(Regions.countriesOf("WNAM")).containsExactly("CA", "US");
        assertThat(Regions.countriesOf("NOPE")).isEmpty();
    }

    @Test
    void sensibleAssignments() {
        assertThat(Regions.regionOf("DE")).isEqualTo("WEU");
        assertThat(Regions.regionOf("PL")).isEqualTo("EEU");
        assertThat(Regions.regionOf("JP")).isEqualTo("NEAS");
        assertThat(Regions.regionOf("SG")).isEqualTo("SEAS");
        assertThat(Regions.regionOf("IN")).isEqualTo("SAS");
        assertThat(Regions.regionOf("AU")).isEqualTo("OC");
        assertThat(Regions.regionOf("AE")).isEqualTo("ME");
        assertThat(Regions.regionOf("EG")).isEqualTo("NAF");
        assertThat(Regions.regionOf("ZA")).isEqualTo("SAF");
        assertThat(Regions.regionOf("AR")).isEqualTo("SSAM");
        assertThat(Regions.regionOf("CO")).isEqualTo("NSAM");
        assertThat(Regions.regionOf("US")).isEqualTo("ENAM");
        assertThat(Regions.regionOf("us")).isNull();
        assertThat(Regions.regionOf("XX")).isNull();
        assertThat(Regions.regionOf(null)).isNull();
    }

    @Test
    void usAndCanadaSplitByStateAndProvince() {
        assertThat(Regions.regionOf("US", "CA")).isEqualTo("WNAM");
        assertThat(Regions.regionOf("US", "NY")).isEqualTo("ENAM");
        assertThat(Regions.regionOf("CA", "BC")).isEqualTo("WNAM");
        assertThat(Regions.regionOf("CA", "QC")).isEqualTo("ENAM");
        assertThat(Regions.regionOf("US", "ZZ")).as("unknown state: the country's region").isEqualTo("ENAM");
        assertThat(Regions.regionOf("DE", "BY")).isEqualTo("WEU");
        assertThat(Regions.subdivisionsOf("WNAM", "US")).contains("CA", "WA", "AK").doesNotContain("NY");
        assertThat(Regions.subdivisionsOf("ENAM", "US")).hasSize(38);
        assertThat(Regions.subdivisionsOf("WNAM", "US")).hasSize(13);
        assertThat(Regions.subdivisionsOf("WEU", "DE")).isEmpty();
        assertThat(Regions.subdivisionName("US", "DC")).isEqualTo("District of Columbia");
        assertThat(Regions.subdivisionName("CA", "NL")).isEqualTo("Newfoundland and Labrador");
        assertThat(Regions.subdivisionName("DE", "BY")).isNull();
    }
}
