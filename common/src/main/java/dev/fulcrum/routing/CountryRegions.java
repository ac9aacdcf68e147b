package dev.fulcrum.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * Country → Cloudflare region code (spec §3.2), for deriving the region of this node and, with a trusted client
 * country header, of the client.
 *
 * <p>[G] The assignment mirrors {@code config.Regions} of the configuration work (one region per country; the
 * United States and Canada, which Cloudflare splits by state, answer {@code ENAM} for the country alone). It lives
 * here only until that class is on the main line; then {@link #regionOf} should delegate to it.
 */
final class CountryRegions {

    private static final Map<String, String> REGION_BY_COUNTRY = new HashMap<>();

    static {
        put("ENAM", "US CA MX GL BM PM BZ CR GT HN NI PA SV AG AI BB BL BS CU DM DO GD GP HT JM KN KY LC MF MQ MS PR "
                + "SX TC VC VG VI");
        put("WEU", "AD AT AX BE CH DE DK ES FI FO FR GB GG GI IE IM IS IT JE LI LU MC MT NL NO PT SE SJ SM VA");
        put("EEU", "AL BA BG BY CY CZ EE GR HR HU LT LV MD ME MK PL RO RS RU SI SK UA");
        put("NSAM", "AW BO BQ BR CO CW EC GF GY PE SR TT VE");
        put("SSAM", "AR CL FK GS PY UY");
        put("OC", "AQ AS AU CK FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS");
        put("ME", "AE AM AZ BH GE IL IQ IR JO KW LB OM PS QA SA SY TR YE");
        put("NAF", "BF BJ CF CI CM CV DJ DZ EG EH ER ET GH GM GN GW LR LY MA ML MR NE NG SD SL SN SO SS TD TG TN");
        put("SAF", "AO BI BV BW CD CG GA GQ KE KM LS MG MU MW MZ NA RE RW SC SH ST SZ TF TZ UG YT ZA ZM ZW");
        put("SAS", "AF BD BT IN IO KG KZ LK MV NP PK TJ TM UZ");
        put("SEAS", "BN CC CX ID KH LA MM MY PH SG TH TL VN");
        put("NEAS", "CN HK JP KP KR MN MO TW");
    }

    /** The 13 region codes, for validating configured regions. */
    static final java.util.Set<String> REGIONS = java.util.Set.of(
            "WNAM", "ENAM", "WEU", "EEU", "NSAM", "SSAM", "OC", "ME", "NAF", "SAF", "SAS", "SEAS", "NEAS");

    private CountryRegions() {
    }

    private static void put(String region, String countries) {
        for (String country : countries.split(" ")) {
            if (REGION_BY_COUNTRY.put(country, region) != null) {
                throw new IllegalStateException("country listed twice: " + country);
            }
        }
    }

    /** The region of an upper-case ISO-3166-1 alpha-2 country, or null when unknown. */
    static String regionOf(String country) {
        return country == null ? null : REGION_BY_COUNTRY.get(country);
    }
}
