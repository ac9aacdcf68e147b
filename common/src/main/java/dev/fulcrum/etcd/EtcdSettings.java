package dev.fulcrum.etcd;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach an etcd cluster.
 *
 * @param endpoints      the client URLs of the members ({@code http://host:port} or {@code https://…}), tried in
 *                       order and failed over between; all of one scheme
 * @param user           the etcd user to authenticate as, or null when etcd has authentication off
 * @param password       that user's password, or null (required with a user)
 * @param caFile         PEM file of the CA certificates trusted for https endpoints, or null for the JVM's trust
 * @param certFile       PEM client certificate (chain) for etcd's {@code --client-cert-auth}, or null
 * @param keyFile        PEM private key of that certificate (PKCS#8, or RSA/EC traditional), or null
 * @param requestTimeout how long one call may take on one member before the next member is tried
 * @param tokenRefresh   how long an authentication token is used before a new one is requested: below etcd's
 *                       {@code --auth-token-ttl} (300 s by default), which a token idle that long outlives
 */
public record EtcdSettings(List<URI> endpoints, String user, String password, Path caFile, Path certFile,
                           Path keyFile, Duration requestTimeout, Duration tokenRefresh) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TOKEN_REFRESH = Duration.ofSeconds(60);

    public EtcdSettings {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("etcd endpoints: none (expected: at least one http(s)://host:port)");
        }
        final String scheme = endpoints.get(0).getScheme();
        for (URI endpoint : endpoints) {
            if (!scheme.equals(endpoint.getScheme())) {
                throw new IllegalArgumentException("etcd endpoints: " + endpoint + " (expected: every endpoint "
                        + scheme + "://, as the first one)");
            }
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("etcd " + (user == null ? "password without a user"
                    : "user without a password") + " (expected: both, or neither)");
        }
        if (user != null && user.isBlank()) {
            throw new IllegalArgumentException("etcd user: blank (expected: an etcd user name)");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("etcd client " + (certFile == null ? "key without a certificate"
                    : "certificate without a key") + " (expected: both, or neither)");
        }
        if (!"https".equals(scheme) && (caFile != null || certFile != null)) {
            throw new IllegalArgumentException("etcd TLS files given for " + scheme + " endpoints (expected: "
                    + "https:// endpoints)");
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(tokenRefresh, "tokenRefresh");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("etcd request timeout: " + requestTimeout + " (expected: > 0)");
        }
    }

    /** Plain endpoints, no authentication, no TLS files, default timeouts. */
    public static EtcdSettings of(List<URI> endpoints) {
        return new EtcdSettings(endpoints, null, null, null, null, null, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_TOKEN_REFRESH);
    }

    /**
     * Reads a comma-separated list of member URLs, e.g. {@code http://10.0.0.1:2379,http://10.0.0.2:2379}.
     *
     * @throws IllegalArgumentException naming the entry that is not an {@code http(s)://host:port} URL
     */
    public static List<URI> parseEndpoints(String text) {
        final List<URI> endpoints = new ArrayList<>();
        for (String part : text.split(",")) {
            final String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            final URI uri;
            try {
                uri = new URI(entry);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("etcd endpoint '" + entry + "' is not a URL (expected: "
                        + "http(s)://host:port)", e);
            }
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getPort() < 0
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("etcd endpoint '" + entry + "' (expected: http(s)://host:port, "
                        + "e.g. http://127.0.0.1:2379)");
            }
            endpoints.add(URI.create(scheme + "://" + uri.getRawAuthority()));
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("etcd endpoints: '" + text + "' names none (expected: "
                    + "http(s)://host:port[,http(s)://host:port…])");
        }
        return endpoints;
    }

    public EtcdSettings withAuthentication(String newUser, String newPassword) {
        return new EtcdSettings(endpoints, newUser, newPassword, caFile, certFile, keyFile, requestTimeout,
                tokenRefresh);
    }

    public EtcdSettings withTls(Path ca, Path cert, Path key) {
        return new EtcdSettings(endpoints, user, password, ca, cert, key, requestTimeout, tokenRefresh);
    }

    public EtcdSettings withTimeouts(Duration request, Duration refresh) {
        return new EtcdSettings(endpoints, user, password, caFile, certFile, keyFile, request, refresh);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "EtcdSettings[endpoints=" + endpoints + (user == null ? "" : ", user=" + user)
                + (caFile == null ? "" : ", ca=" + caFile) + (certFile == null ? "" : ", cert=" + certFile) + ']';
    }
}
