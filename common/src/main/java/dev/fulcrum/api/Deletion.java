package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Account;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.ConfigEdit;

import java.util.Collection;
import java.util.function.BiFunction;

/**
 * The DELETE of an account's object that others may refer to: a monitor that pools or monitor groups use, a monitor
 * group that pools use, a pool that load balancers name. The object must be where the path says (7003/7000 404), nothing may refer to it (1005/412), and both checks
 * run inside the store commit that removes it, so no concurrent write can add a reference in between.
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
     * @param kind      the kind of object removed
     * @param referrers the ids of the objects referring to the id, from the snapshot's index
     * @return Cloudflare's delete result, the removed id
     */
    static ObjectNode unlessReferenced(ApiContext ctx, Call call, String idParam, ConfigKind kind, Finder finder,
                                       BiFunction<ConfigIndex, String, Collection<String>> referrers) {
        final String id = call.param(idParam);
        ctx.store().commit(s -> {
            finder.find(s, Lookups.account(s, call), call);
            if (!referrers.apply(ctx.index(s), id).isEmpty()) {
                throw ApiError.referenced();
            }
            return ConfigEdit.deleting(kind, id);
        });
        return Envelope.deleted(id);
    }
}
