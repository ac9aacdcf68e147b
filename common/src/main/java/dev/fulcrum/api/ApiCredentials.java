package dev.fulcrum.api;

/**
 * The credential check in front of every API route (spec §7.3): {@code Authorization: Bearer <token>}, or
 * {@code X-Auth-Email} plus {@code X-Auth-Key}, both standing for the one admin token.
 *
 * <p>When a request carries {@code Authorization}, only that header counts and any {@code X-Auth-*} header is
 * ignored, however it looks: Cloudflare authenticates such a request by its token, and Cloudflare's SDKs send
 * {@code X-Auth-Email}/{@code X-Auth-Key} next to a token whenever their environment variables are set. Without
 * {@code Authorization} the {@code X-Auth-*} pair decides; with neither the call is refused with 403/10000.
 *
 * <p>Thread safety: immutable.
 */
final class ApiCredentials {

    private final BearerAuth bearer;
    private final GlobalKeyAuth globalKey;

    ApiCredentials(BearerAuth bearer) {
        this.bearer = bearer;
        this.globalKey = new GlobalKeyAuth(bearer);
    }

    /**
     * Accepts the request or throws the {@link ApiError} of the scheme that decided (403/10000 without any).
     *
     * @return the credential that was accepted, as the configuration log names it: {@code token <token id>}, or
     *         {@code X-Auth-Email <email>} (never the token itself)
     */
    String check(ApiRequest request) {
        if (!request.headers("Authorization").isEmpty() || !GlobalKeyAuth.isPresent(request)) {
            bearer.check(request);
            return "token " + bearer.tokenId();
        }
        globalKey.check(request);
        return "X-Auth-Email " + request.header("X-Auth-Email").strip() + " (key: token " + bearer.tokenId() + ")";
    }
}
