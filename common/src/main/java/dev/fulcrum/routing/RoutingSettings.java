package dev.fulcrum.routing;

import dev.fulcrum.config.Regions;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where this node is, for location-based steering (spec §4.3), and the few request-time knobs of the router.
 * Immutable; every value is validated and normalised (codes upper case) by the constructor.
 *
 * @param pop                 this node's PoP code for {@code pop_pools} (e.g. {@code LAX}), or null
 * @param country             this node's ISO-3166-1 alpha-2 country for {@code country_pools}, or null
 * @param region              this node's region for {@code region_pools} (one of the 13 codes), or null
 * @param latitude            this node's latitude for {@code proximity}, NaN when unknown
 * @param longitude           this node's longitude, NaN when unknown (set together with latitude)
 * @param clientCountryHeader a request header trusted to carry the client's country (e.g. {@code CF-IPCountry}) for
 *                            {@code geo}; null (the default) = always use the node's country. Only set it when a
 *                            trusted proxy in front overwrites that header.
 * @param colo                the suffix of {@code CF-Ray} ids, e.g. {@code FUL}
 * @param underscoresInHeaders whether client header names containing {@code _} are forwarded; false (the default,
 *                            nginx's {@code underscores_in_headers off}) drops them, since origins that fold
 *                            {@code _} into {@code -} (CGI, several frameworks) would read {@code Transfer_Encoding}
 *                            as {@code Transfer-Encoding}, a header the proxy never saw
 */
public record RoutingSettings(String pop, String country, String region, double latitude, double longitude,
                              String clientCountryHeader, String colo, boolean underscoresInHeaders) {

    // Declared before DEFAULT: static initialisers run in order and the constructor needs them.
    private static final Pattern POP = Pattern.compile("[A-Z0-9]{2,8}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** No location, no client country header, colo {@code FUL}. */
    public static final RoutingSettings DEFAULT =
            new RoutingSettings(null, null, null, Double.NaN, Double.NaN, null, "FUL", false);

    public RoutingSettings {
        pop = code("pop", pop, POP, "2-8 letters or digits, e.g. LAX");
        country = code("country", country, COUNTRY, "ISO-3166-1 alpha-2, e.g. DE");
        region = blankToNull(region) == null ? null : region.trim().toUpperCase(Locale.ROOT);
        if (region != null && !Regions.isRegion(region)) {
            throw new IllegalArgumentException("region: " + region
                    + " (expected: one of WNAM ENAM WEU EEU NSAM SSAM OC ME NAF SAF SAS SEAS NEAS)");
        }
        if (Double.isNaN(latitude) != Double.isNaN(longitude)) {
            throw new IllegalArgumentException("latitude/longitude: " + latitude + "/" + longitude
                    + " (expected: both set or both unset)");
        }
        if (!Double.isNaN(latitude) && (latitude < -90 || latitude > 90)) {
            throw new IllegalArgumentException("latitude: " + latitude + " (expected: -90..90)");
        }
        if (!Double.isNaN(longitude) && (longitude < -180 || longitude > 180)) {
            throw new IllegalArgumentException("longitude: " + longitude + " (expected: -180..180)");
        }
        clientCountryHeader = blankToNull(clientCountryHeader);
        if (clientCountryHeader != null && !TOKEN.matcher(clientCountryHeader).matches()) {
            throw new IllegalArgumentException("clientCountryHeader: " + clientCountryHeader
                    + " (expected: an HTTP header name)");
        }
        colo = code("colo", colo == null ? "FUL" : colo, POP, "2-8 letters or digits, e.g. FUL");
    }

    /**
     * A node location: the region is derived from the country when the table knows it (the United States and
     * Canada give {@code ENAM}; a western node sets {@code WNAM} with {@link #withRegion}); the colo is the PoP
     * code, or {@code FUL} without one.
     */
    public static RoutingSettings of(String pop, String country, double latitude, double longitude) {
        final RoutingSettings raw = new RoutingSettings(pop, country, null, latitude, longitude, null,
                blankToNull(pop) == null ? "FUL" : pop, false);
        return raw.withRegion(Regions.regionOf(raw.country()));
    }

    /** Text keys understood by {@link #from(Function)}: valve attributes, ini properties, init parameters. */
    public static final String POP_KEY = "pop";
    public static final String COUNTRY_KEY = "country";
    public static final String REGION_KEY = "region";
    public static final String LATITUDE_KEY = "latitude";
    public static final String LONGITUDE_KEY = "longitude";
    public static final String CLIENT_COUNTRY_HEADER_KEY = "clientCountryHeader";

    /** Every key {@link #from} reads. */
    public static final java.util.Set<String> KEYS = java.util.Set.of(POP_KEY, COUNTRY_KEY, REGION_KEY, LATITUDE_KEY,
            LONGITUDE_KEY, CLIENT_COUNTRY_HEADER_KEY);

    /**
     * Reads a node location from text settings; a missing or blank key stays unset. The region defaults to the
     * country's, the colo to the PoP code.
     *
     * @throws IllegalArgumentException naming the key, the value and what was expected
     */
    public static RoutingSettings from(java.util.function.Function<String, String> settings) {
        final RoutingSettings located = of(settings.apply(POP_KEY), settings.apply(COUNTRY_KEY),
                coordinate(settings, LATITUDE_KEY), coordinate(settings, LONGITUDE_KEY));
        final String region = blankToNull(settings.apply(REGION_KEY));
        final RoutingSettings withRegion = region == null ? located : located.withRegion(region);
        return withRegion.withClientCountryHeader(settings.apply(CLIENT_COUNTRY_HEADER_KEY));
    }

    private static double coordinate(java.util.function.Function<String, String> settings, String key) {
        final String text = blankToNull(settings.apply(key));
        if (text == null) {
            return Double.NaN;
        }
        try {
            final double value = Double.parseDouble(text.trim());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: a number in degrees)");
    }

    public RoutingSettings withRegion(String newRegion) {
        return new RoutingSettings(pop, country, newRegion, latitude, longitude, clientCountryHeader, colo,
                underscoresInHeaders);
    }

    public RoutingSettings withClientCountryHeader(String header) {
        return new RoutingSettings(pop, country, region, latitude, longitude, header, colo, underscoresInHeaders);
    }

    public RoutingSettings withColo(String newColo) {
        return new RoutingSettings(pop, country, region, latitude, longitude, clientCountryHeader, newColo,
                underscoresInHeaders);
    }

    public RoutingSettings withUnderscoresInHeaders(boolean forwarded) {
        return new RoutingSettings(pop, country, region, latitude, longitude, clientCountryHeader, colo, forwarded);
    }

    /** True when latitude and longitude are both set. */
    public boolean hasCoordinates() {
        return !Double.isNaN(latitude);
    }

    /**
     * The region of an ISO-3166-1 alpha-2 country code (any case), or null when unknown. [G] table: one region per
     * country, the United States and Canada as {@code ENAM}.
     */
    public static String regionOf(String country) {
        return country == null ? null : Regions.regionOf(country.toUpperCase(Locale.ROOT));
    }

    private static String code(String field, String value, Pattern pattern, String expected) {
        final String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        final String upper = v.trim().toUpperCase(Locale.ROOT);
        if (!pattern.matcher(upper).matches()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
        }
        return upper;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
