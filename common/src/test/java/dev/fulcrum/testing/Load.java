package dev.fulcrum.testing;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A bounded burst of GETs through the host under test with a fixed number in flight over the client's keep-alive
 * pool, counting which origin answered each one (its {@code X-Origin} header).
 */
public final class Load {

    /** What a burst produced. */
    public record Result(int requests, int failures, Map<String, Integer> byOrigin, Map<Integer, Integer> byStatus) {

        public int count(String origin) {
            return byOrigin.getOrDefault(origin, 0);
        }

        public double share(String origin) {
            return count(origin) / (double) requests;
        }
    }

    private Load() {
    }

    public static Result run(HttpClient client, int port, String host, String path, int requests, int inFlight)
            throws InterruptedException {
        return run(client, port, host, path, requests, inFlight, request -> { });
    }

    /**
     * Sends {@code requests} GETs with at most {@code inFlight} outstanding; waits at most 60 s for all.
     *
     * @param customizer adjusts each request (e.g. headers), called with the request index unknown
     */
    public static Result run(HttpClient client, int port, String host, String path, int requests, int inFlight,
                             Consumer<Request> customizer) throws InterruptedException {
        final Semaphore permits = new Semaphore(inFlight);
        final CountDownLatch done = new CountDownLatch(requests);
        final AtomicInteger failures = new AtomicInteger();
        final Map<String, Integer> byOrigin = new ConcurrentHashMap<>();
        final Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
        for (int i = 0; i < requests; i++) {
            if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("load stalled after " + i + " requests");
            }
            final Request request = ClientProtocol.request(client, port, host).path(path)
                    .timeout(30, TimeUnit.SECONDS);
            customizer.accept(request);
            request.send(new BufferingResponseListener() {
                @Override
                public void onComplete(org.eclipse.jetty.client.Result result) {
                    try {
                        if (result.isFailed()) {
                            failures.incrementAndGet();
                        } else {
                            final int status = result.getResponse().getStatus();
                            byStatus.merge(status, 1, Integer::sum);
                            final String origin = result.getResponse().getHeaders().get("X-Origin");
                            if (status != 200 || origin == null) {
                                failures.incrementAndGet();
                            } else {
                                byOrigin.merge(origin, 1, Integer::sum);
                            }
                        }
                    } finally {
                        permits.release();
                        done.countDown();
                    }
                }
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("load did not finish: " + done.getCount() + " outstanding");
        }
        return new Result(requests, failures.get(), new TreeMap<>(byOrigin), new TreeMap<>(byStatus));
    }
}
