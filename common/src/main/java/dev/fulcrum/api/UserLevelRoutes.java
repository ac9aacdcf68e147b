package dev.fulcrum.api;

import dev.fulcrum.config.Account;
import dev.fulcrum.store.ConfigStore;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Cloudflare's legacy user-level mirror (spec §0): {@code /user/load_balancers/{monitors,pools,preview}…}, which
 * older cloudflare-go versions call when given a user rather than an account. Each route is the account-scoped route
 * of the same shape ({@link Routes#mirror}), so envelope, validation and error codes are the same, and so is the set of
 * routes: pool health and previews are mirrored only where the account-scoped ones exist.
 *
 * <p>[G] Which account: Fulcrum has one admin token and no users, and accounts are created by the runtime, so a
 * user-level call has no account of its own. It serves the one account when exactly one exists (the usual case: the
 * runtime creates one on first start); with none or several the call is refused with 400/1002 naming the
 * account-scoped path to use instead, rather than guessing which account is meant. The account is read per call, so
 * a change of accounts takes effect at once.
 *
 * <p>Thread safety: stateless; reads the store's current snapshot.
 */
final class UserLevelRoutes {

    private static final String ACCOUNT_PARAM = "account_id";
    private static final String ACCOUNT_BASE = "accounts/{" + ACCOUNT_PARAM + "}/load_balancers/";
    private static final String USER_BASE = "user/load_balancers/";

    private final ConfigStore store;

    UserLevelRoutes(ConfigStore store) {
        this.store = store;
    }

    /** Mirrors the account-scoped routes registered so far; call after every resource has registered. */
    void register(Routes routes) {
        final UnaryOperator<Routes.Handler> forTheAccount =
                handler -> call -> handler.handle(call.withParam(ACCOUNT_PARAM, accountId(call)));
        mirror(routes, "monitors", forTheAccount);
        mirror(routes, "pools", forTheAccount);
        // GET preview/{preview_id} exists only with a health monitor, as on the account-scoped side.
        if (routes.hasAny(ACCOUNT_BASE + "preview")) {
            mirror(routes, "preview", forTheAccount);
        }
    }

    private static void mirror(Routes routes, String collection, UnaryOperator<Routes.Handler> wrap) {
        routes.mirror(ACCOUNT_BASE + collection, USER_BASE + collection, wrap);
    }

    /** The id of the one account, or 400/1002 naming the account-scoped path to call instead. */
    private String accountId(Call call) {
        final Map<String, Account> accounts = store.current().accounts();
        if (accounts.size() == 1) {
            return accounts.keySet().iterator().next();
        }
        final String path = call.relativePath();
        final String instead = "/" + ACCOUNT_BASE + path.substring(USER_BASE.length() + 1);
        throw ApiError.validation(path + ": serves the only account, and there are "
                + (accounts.isEmpty() ? "none" : accounts.size()) + " (expected: exactly one account; otherwise use "
                + instead + ")");
    }
}
