package dev.fulcrum.testing;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.Rule;
import dev.fulcrum.config.RuleOverrides;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.AffinityFixtures.attributes;
import static dev.fulcrum.testing.AffinityFixtures.withAffinity;
import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static dev.fulcrum.testing.Fixtures.withRules;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parties of a client-behind-a-proxy test: three loopback origins, a real router with the load balancers below,
 * the host under test, and an HTTP client on 127.0.0.1 that plays the proxy in front, naming clients in
 * {@code X-Forwarded-For}. It keeps no cookies: each request sends exactly the headers it means to.
 *
 * <ul>
 *   <li>{@link #HASHED}: a {@code hash} pool of a and b; a rule sends {@code ip.src in {198.51.100.0/24}} to c;</li>
 *   <li>{@link #STICKY}: {@code ip_cookie} affinity over a {@code random} pool of a and b.</li>
 * </ul>
 */
@SuppressWarnings("try") // close() stops servers, which may be interrupted
public final class ProxiedClients implements AutoCloseable {

    public static final String HASHED = "hashed.example.test";
    public static final String STICKY = "sticky.example.test";
    /** Distinct claimed clients per spread check: keyed on 30 addresses, two origins both get some (1 - 2^-29). */
    public static final int CLIENTS = 30;

    /** Everything started, closed in reverse: the host, then the upstream client, the origins, the HTTP client. */
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final HttpClient client = new HttpClient();
    private final LoopbackOrigin a;
    private final LoopbackOrigin b;
    private final LoopbackOrigin c;
    private HostUnderTest host;

    private ProxiedClients() throws Exception {
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.start();
        resources.add(client::stop);
        a = startOrigin("a");
        b = startOrigin("b");
        c = startOrigin("c");
    }

    /** Starts the origins, the router and {@code host} (which the parties then own and stop). */
    public static ProxiedClients start(HostUnderTest host) throws Exception {
        final ProxiedClients parties = new ProxiedClients();
        try {
            parties.serve(host);
        } catch (Exception | AssertionError e) {
            parties.close();
            throw e;
        }
        return parties;
    }

    private void serve(HostUnderTest hostUnderTest) throws Exception {
        final Pool hashed = pool("hashed", "hash", origin(a, 0.5), origin(b, 0.5));
        final Pool random = pool("random", "random", origin(a, 0.5), origin(b, 0.5));
        final Pool other = pool("other", "random", origin(c, 1));
        final RuleOverrides toOther = new RuleOverrides(null, null, List.of(other.id()), null, null, null, null, null,
                null, null, null, null, null, null, null, null);
        final LoadBalancer byHash = withRules(lb(HASHED, "off", null, hashed),
                List.of(new Rule("documentation net", "ip.src in {198.51.100.0/24}", false, 0, false, null, toOther)));
        final LoadBalancer sticky = withAffinity(lb(STICKY, "off", null, random), "ip_cookie", null,
                attributes(0, "none"));
        final SnapshotRouter router = Fixtures.router(config(List.of(byHash, sticky), hashed, random, other));
        final UpstreamClient upstream = UpstreamClient.start(HostUnderTest.upstream(UpstreamSettings.DEFAULTS),
                router.connections());
        resources.add(upstream);
        host = hostUnderTest;
        resources.add(host);
        host.start(router, upstream);
    }

    private LoopbackOrigin startOrigin(String name) throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.start(name);
        resources.add(origin);
        return origin;
    }

    /** Sends one request for {@code lbHost} claiming {@code forwardedFor}; the answering origin's name. */
    public String originFor(String lbHost, String forwardedFor) throws Exception {
        final ContentResponse response = client.newRequest("127.0.0.1", host.port()).path("/")
                .headers(h -> h.put(HttpHeader.HOST, lbHost).put("X-Forwarded-For", forwardedFor))
                .timeout(30, TimeUnit.SECONDS).send();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).startsWith("origin:");
        return response.getContentAsString().substring("origin:".length());
    }

    /** Sends one request for {@link #HASHED} claiming {@code forwardedFor}: what the answering origin saw. */
    public LoopbackOrigin.Seen seen(String forwardedFor) throws Exception {
        final String name = originFor(HASHED, forwardedFor);
        for (LoopbackOrigin origin : List.of(a, b, c)) {
            if (origin.name().equals(name)) {
                return origin.lastRequest();
            }
        }
        throw new AssertionError("no origin is named " + name);
    }

    /** The origin each of the {@link #CLIENTS} claimed clients 203.0.113.1… reaches; each is asked twice. */
    public Map<String, String> originPerClient(String lbHost) throws Exception {
        final Map<String, String> reached = new HashMap<>();
        for (int i = 1; i <= CLIENTS; i++) {
            final String claimed = "203.0.113." + i;
            final String first = originFor(lbHost, claimed);
            assertThat(originFor(lbHost, claimed)).as("again for " + claimed).isEqualTo(first);
            reached.put(claimed, first);
        }
        return reached;
    }

    @Override
    public void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }
}
