package dev.fulcrum.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cloudflare's 13 load-balancing regions (spec §3.2) and which ISO 3166-1 alpha-2 country belongs to which.
 *
 * <p>Cloudflare does not publish its full table in the spec, so the country assignment here is ours [G]: by
 * geography, one region per country. The United States and Canada are split by state/province (ISO 3166-2, as
 * Cloudflare's regions API does) between {@code WNAM} and {@code ENAM}; asked for the country alone they answer
 * {@code ENAM}, where most of their population lives.
 *
 * <p>Immutable and thread-safe. Codes are matched exactly (uppercase).
 */
public final class Regions {

    private static final Map<String, String> NAMES = new LinkedHashMap<>();
    private static final Map<String, String> COUNTRY_REGION = new TreeMap<>();
    /** country → (subdivision → region), only for countries split between regions. */
    private static final Map<String, Map<String, String>> SUBDIVISION_REGION = new TreeMap<>();
    private static final Map<String, Map<String, String>> SUBDIVISION_NAMES = new TreeMap<>();

    static {
        region("WNAM", "Western North America", "");
        region("ENAM", "Eastern North America",
                "US CA MX GL BM PM BZ CR GT HN NI PA SV AG AI BB BL BS CU DM DO GD GP HT JM KN KY LC MF MQ MS PR SX "
                        + "TC VC VG VI");
        region("WEU", "Western Europe",
                "AD AT AX BE CH DE DK ES FI FO FR GB GG GI IE IM IS IT JE LI LU MC MT NL NO PT SE SJ SM VA");
        region("EEU", "Eastern Europe", "AL BA BG BY CY CZ EE GR HR HU LT LV MD ME MK PL RO RS RU SI SK UA");
        region("NSAM", "Northern South America", "AW BO BQ BR CO CW EC GF GY PE SR TT VE");
        region("SSAM", "Southern South America", "AR CL FK GS PY UY");
        region("OC", "Oceania",
                "AQ AS AU CK FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS");
        region("ME", "Middle East", "AE AM AZ BH GE IL IQ IR JO KW LB OM PS QA SA SY TR YE");
        region("NAF", "North Africa",
                "BF BJ CF CI CM CV DJ DZ EG EH ER ET GH GM GN GW LR LY MA ML MR NE NG SD SL SN SO SS TD TG TN");
        region("SAF", "South Africa",
                "AO BI BV BW CD CG GA GQ KE KM LS MG MU MW MZ NA RE RW SC SH ST SZ TF TZ UG YT ZA ZM ZW");
        region("SAS", "Southern Asia", "AF BD BT IN IO KG KZ LK MV NP PK TJ TM UZ");
        region("SEAS", "South East Asia", "BN CC CX ID KH LA MM MY PH SG TH TL VN");
        region("NEAS", "North East Asia", "CN HK JP KP KR MN MO TW");

        subdivisions("US", "WNAM", "AK Alaska|AZ Arizona|CA California|CO Colorado|HI Hawaii|ID Idaho|MT Montana|"
                + "NM New Mexico|NV Nevada|OR Oregon|UT Utah|WA Washington|WY Wyoming");
        subdivisions("US", "ENAM", "AL Alabama|AR Arkansas|CT Connecticut|DC District of Columbia|DE Delaware|"
                + "FL Florida|GA Georgia|IA Iowa|IL Illinois|IN Indiana|KS Kansas|KY Kentucky|LA Louisiana|"
                + "MA Massachusetts|MD Maryland|ME Maine|MI Michigan|MN Minnesota|MO Missouri|MS Mississippi|"
                + "NC North Carolina|ND North Dakota|NE Nebraska|NH New Hampshire|NJ New Jersey|NY New York|"
                + "OH Ohio|OK Oklahoma|PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota|"
                + "TN Tennessee|TX Texas|VA Virginia|VT Vermont|WI Wisconsin|WV West Virginia");
        subdivisions("CA", "WNAM", "AB Alberta|BC British Columbia|NT Northwest Territories|SK Saskatchewan|YT Yukon");
        subdivisions("CA", "ENAM", "MB Manitoba|NB New Brunswick|NL Newfoundland and Labrador|NS Nova Scotia|"
                + "NU Nunavut|ON Ontario|PE Prince Edward Island|QC Quebec");
    }

    private Regions() {
    }

    private static void region(String code, String name, String countries) {
        NAMES.put(code, name);
        for (final String country : countries.split(" ")) {
            if (!country.isEmpty() && COUNTRY_REGION.put(country, code) != null) {
                throw new IllegalStateException("country in two regions: " + country);
            }
        }
    }

    private static void subdivisions(String country, String region, String entries) {
        for (final String entry : entries.split("\\|")) {
            final String code = entry.substring(0, 2);
            SUBDIVISION_REGION.computeIfAbsent(country, c -> new TreeMap<>()).put(code, region);
            SUBDIVISION_NAMES.computeIfAbsent(country, c -> new TreeMap<>()).put(code, entry.substring(3));
        }
    }

    /** The 13 region codes in Cloudflare's order. */
    public static List<String> codes() {
        return List.copyOf(NAMES.keySet());
    }

    public static boolean isRegion(String code) {
        return code != null && NAMES.containsKey(code);
    }

    /** The English name of a region, or null when {@code regionCode} is not one of the 13. */
    public static String name(String regionCode) {
        return regionCode == null ? null : NAMES.get(regionCode);
    }

    /** The region of a country (ISO 3166-1 alpha-2, uppercase), or null when the code is unknown. */
    public static String regionOf(String countryCode) {
        return countryCode == null ? null : COUNTRY_REGION.get(countryCode);
    }

    /**
     * The region of a state or province (ISO 3166-2 subdivision without the country prefix, e.g. {@code US}
     * {@code CA}). Falls back to the country's region when the country is not split or the subdivision is null or
     * unknown; null when the country is unknown.
     */
    public static String regionOf(String countryCode, String subdivisionCode) {
        final Map<String, String> split = countryCode == null ? null : SUBDIVISION_REGION.get(countryCode);
        if (split != null && subdivisionCode != null) {
            final String region = split.get(subdivisionCode);
            if (region != null) {
                return region;
            }
        }
        return regionOf(countryCode);
    }

    /**
     * Countries that are wholly or partly in a region, sorted; empty for an unknown region. A split country (US, CA)
     * appears in every region holding one of its subdivisions.
     */
    public static List<String> countriesOf(String regionCode) {
        final List<String> out = new ArrayList<>();
        for (final Map.Entry<String, String> e : COUNTRY_REGION.entrySet()) {
            final String country = e.getKey();
            final Map<String, String> split = SUBDIVISION_REGION.get(country);
            if (split != null ? split.containsValue(regionCode) : e.getValue().equals(regionCode)) {
                out.add(country);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The subdivisions of {@code countryCode} that lie in {@code regionCode}, sorted; empty when the country is not
     * split between regions.
     */
    public static List<String> subdivisionsOf(String regionCode, String countryCode) {
        final Map<String, String> split = countryCode == null ? null : SUBDIVISION_REGION.get(countryCode);
        if (split == null) {
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        split.forEach((sub, region) -> {
            if (region.equals(regionCode)) {
                out.add(sub);
            }
        });
        return Collections.unmodifiableList(out);
    }

    /** All known country codes, sorted. */
    public static List<String> countries() {
        return List.copyOf(COUNTRY_REGION.keySet());
    }

    /** The English name of a country, or null when the code is unknown. */
    public static String countryName(String countryCode) {
        if (regionOf(countryCode) == null) {
            return null;
        }
        return new Locale("", countryCode).getDisplayCountry(Locale.ENGLISH);
    }

    /** The English name of a US state or Canadian province, or null when unknown. */
    public static String subdivisionName(String countryCode, String subdivisionCode) {
        final Map<String, String> names = countryCode == null ? null : SUBDIVISION_NAMES.get(countryCode);
        return names == null || subdivisionCode == null ? null : names.get(subdivisionCode);
    }
}
