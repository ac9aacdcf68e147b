package dev.fulcrum.affinity;

import dev.fulcrum.config.LoadBalancer;
import dev.fulcrum.config.Pool;
import dev.fulcrum.config.SessionAffinityAttributes;
import dev.fulcrum.testing.AffinityFixtures;
import dev.fulcrum.testing.Fixtures;
import dev.fulcrum.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.fulcrum.testing.AffinityFixtures.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code header} affinity builds a session key from the listed headers (spec §5, §5.3). */
class HeaderAffinityTest {

    private static final Pool POOL = Fixtures.pool("p", "random", Fixtures.origin("a", 1, 1));
    private final SessionStore store = new SessionStore(1_000);
    private final AffinityCookieCodec codec = new AffinityCookieCodec(AffinityKey.random());

    private Affinity affinity(String host, Integer ttl, SessionAffinityAttributes attributes) {
        final LoadBalancer lb = AffinityFixtures.withAffinity(Fixtures.lb(host, "off", null, POOL), "header", ttl,
                attributes);
        return Affinity.of(lb, codec, store);
    }

    private Affinity affinity(SessionAffinityAttributes attributes) {
        return affinity("h.example.test", null, attributes);
    }

    private static TestRequest request() {
        return TestRequest.to("h.example.test");
    }

    /** Pins the request's session to origin {@code n} and returns whether a later identical request finds it. */
    private static boolean samePin(Affinity affinity, TestRequest first, TestRequest later) {
        final Session s = affinity.session(first, 0);
        s.pin(7, 42);
        final Session again = affinity.session(later, 1);
        return again != null && again.pinned() && again.originHash() == 42;
    }

    @Test
    void atLeastOneListedHeaderMakesASessionWithoutRequireAll() {
        final Affinity affinity = affinity(headers(false, "X-User", "X-Tenant"));
        assertThat(affinity.session(request(), 0)).as("no header: no session").isNull();
        assertThat(affinity.session(request().header("X-User", ""), 0)).as("empty counts as absent").isNull();
        final Session s = affinity.session(request().header("X-User", "u1"), 0);
        assertThat(s).isNotNull();
        assertThat(s.pinned()).isFalse();
        assertThat(s.placedByClientAddress()).isFalse();
        assertThat(samePin(affinity, request().header("x-user", "u1"), request().header("X-USER", "u1"))).isTrue();
    }

    @Test
    void newValuesOrADifferentSubsetOfHeadersMakeANewSession() {
        final Affinity affinity = affinity(headers(false, "X-User", "X-Tenant"));
        final TestRequest a = request().header("X-User", "1");
        affinity.session(a, 0).pin(7, 42);
        assertThat(affinity.session(a.header("X-Other", "ignored"), 1).pinned()).isTrue();
        assertThat(affinity.session(request().header("X-User", "2"), 1).pinned()).isFalse();
        assertThat(affinity.session(request().header("X-Tenant", "1"), 1).pinned()).as("same value, other header")
                .isFalse();
        assertThat(affinity.session(a.header("X-Tenant", "t"), 1).pinned()).isFalse();
        assertThat(affinity.session(request().header("X-User", "1x"), 1).pinned()).isFalse();
    }

    @Test
    void requireAllHeadersNeedsEveryOne() {
        final Affinity affinity = affinity(headers(true, "X-User", "X-Tenant"));
        assertThat(affinity.session(request().header("X-User", "u"), 0)).isNull();
        assertThat(affinity.session(request().header("X-Tenant", "t"), 0)).isNull();
        assertThat(affinity.session(request().header("X-User", "u").header("X-Tenant", ""), 0)).isNull();
        final TestRequest both = request().header("X-User", "u").header("X-Tenant", "t");
        assertThat(affinity.session(both, 0)).isNotNull();
        assertThat(samePin(affinity, both, both)).isTrue();
    }

    @Test
    void cookieMeansTheWholeCookieHeader() {
        final Affinity affinity = affinity(headers(false, "cookie"));
        final TestRequest r = request().cookies("sid=1; theme=dark");
        assertThat(samePin(affinity, r, r)).isTrue();
        assertThat(affinity.session(request().cookies("sid=1; theme=light"), 2).pinned()).isFalse();
        assertThat(affinity.session(request(), 2)).isNull();
    }

    @Test
    void namedCookiesUseOnlyThoseCookiesInAnyOrder() {
        final Affinity any = affinity(headers(false, "cookie:sid,lang"));
        assertThat(samePin(any, request().cookies("sid=1; lang=en; theme=dark"),
                request().cookies("theme=light; lang=en; x=y; sid=1"))).isTrue();
        assertThat(any.session(request().cookies("sid=1"), 2).pinned()).as("lang now missing: other subset")
                .isFalse();
        assertThat(any.session(request().cookies("theme=dark"), 2)).isNull();
        assertThat(any.session(request().cookies("sid="), 2)).as("empty value").isNull();
        assertThat(any.session(request().cookies("lang=en"), 2)).isNotNull();

        final Affinity all = affinity("all.example.test", null, headers(true, "cookie:sid,lang"));
        assertThat(all.session(request().cookies("sid=1"), 0)).isNull();
        assertThat(all.session(request().cookies("sid=1; lang=en"), 0)).isNotNull();
    }

    @Test
    void theSameHeadersOnTwoLoadBalancersAreTwoSessions() {
        final Affinity one = affinity("one.example.test", null, headers(false, "X-User"));
        final Affinity two = affinity("two.example.test", null, headers(false, "X-User"));
        one.session(request().header("X-User", "u"), 0).pin(7, 42);
        assertThat(two.session(request().header("X-User", "u"), 1).pinned()).isFalse();
        assertThat(one.session(request().header("X-User", "u"), 1).pinned()).isTrue();
        assertThat(one.session(request().header("X-User", "u"), 1).keyHash())
                .isNotEqualTo(two.session(request().header("X-User", "u"), 1).keyHash());
    }

    @Test
    void theTtlIsAnIdleTimeoutRefreshedByUse() {
        final Affinity affinity = affinity("ttl.example.test", 30, headers(false, "X-User"));
        final TestRequest r = request().header("X-User", "u");
        affinity.session(r, 0).pin(7, 42);
        assertThat(affinity.session(r, 29_000).pinned()).isTrue();
        assertThat(affinity.session(r, 58_000).pinned()).as("refreshed at 29 s").isTrue();
        assertThat(affinity.session(r, 88_001).pinned()).isFalse();
    }

    @Test
    void aFailedNewPinIsWithdrawn() {
        final Affinity affinity = affinity(headers(false, "X-User"));
        final TestRequest r = request().header("X-User", "u");
        final Session s = affinity.session(r, 0);
        assertThat(s.pin(7, 42)).as("kept server-side, no cookie").isNull();
        s.unpin(7, 42);
        assertThat(affinity.session(r, 1).pinned()).isFalse();
    }

    @Test
    void refusesWhatValidationRefuses() {
        assertThatThrownBy(() -> affinity(AffinityFixtures.attributes("Auto", "Auto", 0, "sticky",
                List.of("X-User"), false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zero_downtime_failover: sticky (expected: none or temporary");
        assertThatThrownBy(() -> affinity(headers(false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headers: empty");
        assertThatThrownBy(() -> affinity("x.example.test", 3601, headers(false, "X-User")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("session_affinity_ttl: 3601 (expected: 30-3600 for header)");
    }
}
