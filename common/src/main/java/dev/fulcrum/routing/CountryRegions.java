package dev.fulcrum.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * Country → Cloudflare region code (spec §3.2), for deriving the region of this node and, with a trusted client
 * country header, of the client.
 *
 * <p>[G] Cloudflare maps some large countries by state or province; a country-level table cannot, so the United
 * States and Canada have no region here (configure {@code region} explicitly, WNAM or ENAM). The rest is our
 * best reading of the published region names. Kept inside routing until a shared {@code config.Regions} exists.
 */
final class CountryRegions {

    private static final Map<String, String> REGION_BY_COUNTRY = new HashMap<>();

    static {
        put("WNAM", "MX");
        put("ENAM", "BS CU DO HT JM PR TT BB AG DM GD KN LC VC AW CW BQ SX KY TC VG VI BM GP MQ BL MF AI MS PM GL");
        put("NSAM", "CO VE EC GY SR GF PE GT BZ SV HN NI CR PA");
        put("SSAM", "AR CL UY PY BO BR FK");
        put("WEU", "AD AT BE CH DE DK ES FI FR GB GG GI IE IM IS IT JE LI LU MC MT NL NO PT SE SM VA FO AX");
        put("EEU", "AL BA BG BY CY CZ EE GR HR HU LT LV MD ME MK PL RO RS RU SI SK UA XK AM AZ GE TR");
        put("ME", "AE BH IL IQ IR JO KW LB OM PS QA SA SY YE");
        put("NAF", "DZ EG LY MA TN EH SD MR ML NE TD SN GM GW GN SL LR CI BF GH TG BJ NG CV");
        put("SAF", "AO BW CD CG CM CF GA GQ KE MG MW MZ NA RW SZ LS TZ UG ZA ZM ZW BI KM MU SC ST RE YT ET ER DJ SO SS");
        put("SAS", "AF BD BT IN LK MV NP PK KZ KG TJ TM UZ");
        put("SEAS", "BN ID KH LA MM MY PH SG TH TL VN");
        put("NEAS", "CN HK JP KP KR MN MO TW");
        put("OC", "AU NZ FJ PG NC PF SB VU WS TO KI FM MH NR PW TV GU MP AS CK NU");
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

    /** The region of an upper-case ISO-3166-1 alpha-2 country, or null when unknown or not country-level. */
    static String regionOf(String country) {
        return country == null ? null : REGION_BY_COUNTRY.get(country);
    }
}
