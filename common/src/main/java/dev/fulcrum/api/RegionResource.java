package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Regions;

import java.util.List;
import java.util.Locale;

/**
 * {@code GET /accounts/{a}/load_balancers/regions} and {@code /regions/{code}}: the 13 regions with their countries
 * and, for split countries, subdivisions. {@code country_code_a2} narrows the answer to one country and
 * {@code subdivision_code} (or {@code subdivision_code_a2}) to one of its subdivisions.
 */
final class RegionResource {

    private static final String ISO_STANDARD =
            "Country and subdivision codes follow ISO 3166-1 alpha-2 and ISO 3166-2";

    private final ApiContext ctx;

    RegionResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Routes routes) {
        routes.add("GET", "accounts/{account_id}/load_balancers/regions", this::list);
        routes.add("GET", "accounts/{account_id}/load_balancers/regions/{region_code}", this::get);
    }

    private ObjectNode list(Call call) {
        Lookups.account(ctx.store().current(), call);
        return Envelope.success(regions(call, Regions.codes()));
    }

    private ObjectNode get(Call call) {
        Lookups.account(ctx.store().current(), call);
        final String code = call.param("region_code");
        if (!Regions.isRegion(code)) {
            throw call.notFound();
        }
        return Envelope.success(regions(call, List.of(code)));
    }

    private static ObjectNode regions(Call call, List<String> codes) {
        final String country = upper(call.request().queryParam("country_code_a2"));
        String subdivision = upper(call.request().queryParam("subdivision_code"));
        if (subdivision == null) {
            subdivision = upper(call.request().queryParam("subdivision_code_a2"));
        }
        if (country != null && Regions.regionOf(country) == null) {
            throw ApiError.validation("country_code_a2: '" + Paging.clip(country)
                    + "' (expected: an ISO 3166-1 alpha-2 country code)");
        }
        if (subdivision != null && country == null) {
            throw ApiError.validation("subdivision_code: needs country_code_a2");
        }
        if (subdivision != null && Regions.subdivisionName(country, subdivision) == null) {
            throw ApiError.validation("subdivision_code: '" + Paging.clip(subdivision)
                    + "' (expected: an ISO 3166-2 subdivision of " + country + ")");
        }
        final ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("iso_standard", ISO_STANDARD);
        final ArrayNode regions = result.putArray("regions");
        for (String code : codes) {
            final ArrayNode countries = JsonNodeFactory.instance.arrayNode();
            for (String c : Regions.countriesOf(code)) {
                if (country != null && !country.equals(c)) {
                    continue;
                }
                final List<String> subs = Regions.subdivisionsOf(code, c);
                if (subdivision != null && !subs.contains(subdivision)) {
                    continue;
                }
                final ObjectNode node = countries.addObject();
                node.put("country_code_a2", c);
                node.put("country_name", Regions.countryName(c));
                if (!subs.isEmpty()) {
                    final ArrayNode subNodes = node.putArray("country_subdivisions");
                    for (String sub : subs) {
                        if (subdivision == null || subdivision.equals(sub)) {
                            final ObjectNode subNode = subNodes.addObject();
                            subNode.put("subdivision_code_a2", sub);
                            subNode.put("subdivision_name", Regions.subdivisionName(c, sub));
                        }
                    }
                }
            }
            if (country != null && countries.isEmpty()) {
                continue;
            }
            final ObjectNode region = regions.addObject();
            region.put("region_code", code);
            region.set("countries", countries);
        }
        return result;
    }

    private static String upper(String raw) {
        return raw == null || raw.isEmpty() ? null : raw.toUpperCase(Locale.ROOT);
    }
}
