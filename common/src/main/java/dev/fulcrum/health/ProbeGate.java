package dev.fulcrum.health;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds how many probe attempts are in flight at once; later ones wait in a FIFO queue and start as earlier ones
 * finish. Without it, thousands of origins scheduled close together would open thousands of sockets at once.
 * An attempt's timeout starts when it starts, not while it waits. Lock-free; every path re-checks after its own
 * change, so no wake-up is lost.
 */
final class ProbeGate {

    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    ProbeGate(int limit) {
        this.limit = limit;
    }

    /** Runs {@code attempt} when a slot is free; the future always completes normally. */
    CompletableFuture<ProbeResult> run(Supplier<CompletableFuture<ProbeResult>> attempt) {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        waiting.add(() -> {
            CompletableFuture<ProbeResult> started;
            try {
                started = attempt.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.completedFuture(ProbeResult.fail(FailureReason.OTHER));
            }
            started.whenComplete((probe, failure) -> {
                inFlight.decrementAndGet();
                result.complete(failure == null ? probe : ProbeResult.fail(FailureReason.OTHER));
                drain();
            });
        });
        drain();
        return result;
    }

    int inFlight() {
        return inFlight.get();
    }

    private void drain() {
        while (true) {
            final int running = inFlight.get();
            if (running >= limit || waiting.isEmpty()) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            final Runnable next = waiting.poll();
            if (next == null) {
                inFlight.decrementAndGet();
                continue;
            }
            next.run();
        }
    }
}
