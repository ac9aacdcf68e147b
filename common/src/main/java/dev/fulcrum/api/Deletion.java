package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigSnapshot;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The DELETE of an account's object that others may refer to: a monitor that pools use, a pool that load balancers
 * name. The object must be where the path says (7003/7000 404), nothing may refer to it (1005/412), and both checks
 * run inside the store mutation that removes it, so no concurrent write can add a reference in between.
 */
final class Deletion {

    /** Finds the object the call names in the account, or throws the 404 ({@link Lookups}' account-scoped finders). */
    @FunctionalInterface
    interface Finder {
        Object find(ConfigSnapshot s, Account account, Call call);
    }

    private Deletion() {
    }

    /**
     * @param idParam   the path parameter holding the object's id
     * @param referrers the objects referring to the id in a snapshot
     * @param removal   the snapshot without the object
     * @return Cloudflare's delete result, the removed id
     */
    static ObjectNode unlessReferenced(ApiContext ctx, Call call, String idParam, Finder finder,
                                       BiFunction<ConfigSnapshot, String, List<?>> referrers,
                                       BiFunction<ConfigSnapshot, String, ConfigSnapshot> removal) {
        final String id = call.param(idParam);
        ctx.store().update(s -> {
            finder.find(s, Lookups.account(s, call), call);
            if (!referrers.apply(s, id).isEmpty()) {
                throw ApiError.referenced();
            }
            return removal.apply(s, id);
        });
        return Envelope.deleted(id);
    }
}
