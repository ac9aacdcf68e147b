package dev.fulcrum.tls;

import dev.fulcrum.request.RequestView;

/**
 * The plain HTTP port's answer when it only sends clients to https [G] (Cloudflare's "Always Use HTTPS" answers 301):
 * 301 for GET and HEAD, 308 for every other method, so a client repeats a POST with its body instead of turning it
 * into a GET. The location is the same host (the port stripped) and path with query, on the TLS port (left out when
 * it is 443).
 *
 * <p>ACME HTTP-01 challenges ({@code /.well-known/acme-challenge/}) are served as usual, not redirected: a
 * certificate authority checks them over plain HTTP before there is a certificate, and the origin answering them is
 * whatever the load balancer sends them to.
 */
public final class HttpsRedirect {

    static final String ACME_CHALLENGES = "/.well-known/acme-challenge/";

    private HttpsRedirect() {
    }

    /** Whether a request for {@code path} is redirected, rather than served. */
    public static boolean applies(String path) {
        return path == null || !path.startsWith(ACME_CHALLENGES);
    }

    /** 301 for GET and HEAD, 308 otherwise. */
    public static int status(String method) {
        return "GET".equals(method) || "HEAD".equals(method) ? 301 : 308;
    }

    /**
     * @param hostHeader   the request's Host (with or without a port), or the server name without one
     * @param httpsPort    the TLS listener's port
     * @param pathAndQuery the request target as received (still encoded)
     */
    public static String location(String hostHeader, int httpsPort, String pathAndQuery) {
        // An IPv6 literal keeps its brackets.
        return "https://" + RequestView.hostWithoutPort(hostHeader) + (httpsPort == 443 ? "" : ":" + httpsPort)
                + (pathAndQuery == null || pathAndQuery.isEmpty() ? "/" : pathAndQuery);
    }
}
