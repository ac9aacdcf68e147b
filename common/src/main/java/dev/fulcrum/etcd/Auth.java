package dev.fulcrum.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;

/**
 * The authentication token of a user/password client. A token is kept for {@link EtcdSettings#tokenRefresh()} and
 * then replaced before use: etcd's simple tokens expire after {@code --auth-token-ttl} of disuse and JWTs after
 * their fixed lifetime, and etcd 3.4's gateway answers an expired token with a request that hangs until its
 * deadline rather than with an error. A token etcd refuses is dropped at once ({@link #invalidate}).
 *
 * <p>Thread safety: one token at a time, replaced under this object's lock.
 */
final class Auth {

    static final String PATH = "/v3/auth/authenticate";

    private final EtcdSettings settings;
    private final Gateway gateway;
    private String token;
    private long obtainedNanos;

    Auth(EtcdSettings settings, Gateway gateway) {
        this.settings = settings;
        this.gateway = gateway;
    }

    /** A token that is fresh enough, obtained from {@code endpoint} when a new one is needed. */
    synchronized String token(URI endpoint) {
        if (token != null && System.nanoTime() - obtainedNanos < settings.tokenRefresh().toNanos()) {
            return token;
        }
        final ObjectNode body = gateway.mapper().createObjectNode();
        body.put("name", settings.user());
        body.put("password", settings.password());
        final JsonNode answer;
        try {
            answer = gateway.callOnly(endpoint, PATH, body);
        } catch (EtcdException e) {
            if (e.outcome() == EtcdException.Outcome.REFUSED) {
                throw EtcdException.refused(e.grpcCode(), "etcd authentication as '" + settings.user()
                        + "' failed: " + e.getMessage());
            }
            throw EtcdException.unreachable(e.getMessage(), e);
        }
        final String fresh = answer.path("token").asText("");
        if (fresh.isEmpty()) {
            throw EtcdException.refused(-1, "etcd at " + endpoint + " answered the authentication of '"
                    + settings.user() + "' without a token (is authentication enabled on etcd?)");
        }
        token = fresh;
        obtainedNanos = System.nanoTime();
        return token;
    }

    /** Drops {@code refused} if it is still the current token. */
    synchronized void invalidate(String refused) {
        if (refused.equals(token)) {
            token = null;
        }
    }
}
