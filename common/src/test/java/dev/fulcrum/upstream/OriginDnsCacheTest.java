package dev.fulcrum.upstream;

import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Real lookups of {@code localhost} and of a name that cannot exist, kept at most 5 s on a test clock. */
class OriginDnsCacheTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger lookups = new AtomicInteger();
    private final SocketAddressResolver counted = new SocketAddressResolver() {
        private final SocketAddressResolver real = new SocketAddressResolver.Sync();

        @Override
        public void resolve(String host, int port, Map<String, Object> context,
                            Promise<List<InetSocketAddress>> promise) {
            lookups.incrementAndGet();
            real.resolve(host, port, context, promise);
        }
    };
    private final OriginDnsCache cache = new OriginDnsCache(counted, nanos::get);

    private List<InetSocketAddress> resolve(String host, int port) throws Exception {
        final CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
        cache.resolve(host, port, Map.of(), Promise.from(result::complete, result::completeExceptionally));
        return result.get(10, TimeUnit.SECONDS);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void anAnswerServesEveryPortForAtMostFiveSeconds() throws Exception {
        final List<InetSocketAddress> first = resolve("localhost", 80);
        assertThat(first).isNotEmpty().allSatisfy(address -> assertThat(address.getAddress().isLoopbackAddress())
                .isTrue());

        advance(OriginDnsCache.TTL.minusMillis(1));
        final List<InetSocketAddress> cached = resolve("localhost", 8443);

        assertThat(lookups).hasValue(1);
        assertThat(cached).extracting(InetSocketAddress::getAddress)
                .containsExactlyElementsOf(first.stream().map(InetSocketAddress::getAddress).toList());
        assertThat(cached).allSatisfy(address -> assertThat(address.getPort()).isEqualTo(8443));

        advance(Duration.ofMillis(1));
        resolve("localhost", 80);
        assertThat(lookups).hasValue(2);
    }

    @Test
    void aFailedLookupIsKeptAsLongAndSaysWhichName() {
        final Throwable failure = catchThrowable(() -> resolve("nonexistent.invalid", 443));
        advance(OriginDnsCache.TTL.minusMillis(1));
        final Throwable again = catchThrowable(() -> resolve("nonexistent.invalid", 443));

        assertThat(lookups).hasValue(1);
        for (Throwable thrown : List.of(failure, again)) {
            assertThat(thrown).isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause()).isInstanceOf(UnknownHostException.class)
                    .hasMessageContaining("nonexistent.invalid");
        }

        advance(Duration.ofMillis(1));
        catchThrowable(() -> resolve("nonexistent.invalid", 443));
        assertThat(lookups).hasValue(2);
    }
}
