package dev.fulcrum.config;

import java.util.List;

/**
 * Which requests a pool set applies to (spec §4.6): either every request ({@code {"default":true}}) or a topology.
 * Within one topology list the entries are alternatives; every list that is set must match (the lists are ANDed).
 *
 * @param all       true for {@code {"default":true}}; the lists are then null
 * @param pops      PoP codes, or null when not set (never empty)
 * @param countries ISO 3166-1 alpha-2 codes, or null when not set (never empty)
 * @param regions   region codes (spec §3.2), or null when not set (never empty)
 */
public record PoolSetMatch(boolean all, List<String> pops, List<String> countries, List<String> regions) {

    public static final PoolSetMatch DEFAULT = new PoolSetMatch(true, null, null, null);

    public PoolSetMatch {
        pops = pops == null ? null : List.copyOf(pops);
        countries = countries == null ? null : List.copyOf(countries);
        regions = regions == null ? null : List.copyOf(regions);
    }

    /**
     * True when a request at this location matches; any part may be null (unknown), and an unknown part matches no
     * list that names that part.
     */
    public boolean matches(String pop, String country, String region) {
        return all || (within(pops, pop) && within(countries, country) && within(regions, region));
    }

    private static boolean within(List<String> codes, String code) {
        return codes == null || (code != null && codes.contains(code));
    }
}
