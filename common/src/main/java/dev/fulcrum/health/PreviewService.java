package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import dev.fulcrum.config.Pool;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

/**
 * Monitor previews (spec §7.1, §10): run a candidate monitor once, asynchronously, against every enabled origin of
 * some pools, and keep the result under a new preview id for {@code previewTtl} (about an hour), at most
 * {@code maxPreviews} of them (the oldest is dropped first).
 *
 * <p>"Once" is one check: the candidate's retries apply, its consecutive thresholds do not. Every enabled origin is
 * checked even in a disabled pool: a preview answers "would this monitor pass", not "is this pool in service".
 * Thread-safe; results arrive on probe threads.
 */
public final class PreviewService {

    private static final HexFormat HEX = HexFormat.of();

    private final Probes probes;
    private final HealthSettings settings;
    private final BooleanSupplier running;
    private final SecureRandom random = new SecureRandom();
    // Insertion order is age order; guarded by itself.
    private final LinkedHashMap<String, Run> runs = new LinkedHashMap<>();

    PreviewService(Probes probes, HealthSettings settings, BooleanSupplier running) {
        this.probes = probes;
        this.settings = settings;
        this.running = running;
    }

    /**
     * Starts a preview of {@code candidate} on {@code pools} and returns its initial state (nothing checked yet).
     *
     * @throws IllegalStateException when the health monitor is not running
     */
    public Preview start(Monitor candidate, Collection<Pool> pools) {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(pools, "pools");
        if (!running.getAsBoolean()) {
            throw new IllegalStateException("health monitor is not running");
        }
        final String id = newId();
        final Run run = new Run(id, settings.clock().instant(), settings.ticker().read(), List.copyOf(pools));
        synchronized (runs) {
            purge();
            while (runs.size() >= settings.maxPreviews()) {
                final Iterator<String> oldest = runs.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            runs.put(id, run);
        }
        run.launch(candidate);
        return run.view();
    }

    /** The preview's current state, or empty when unknown or expired. */
    public Optional<Preview> preview(String previewId) {
        synchronized (runs) {
            purge();
            final Run run = runs.get(previewId);
            return run == null ? Optional.empty() : Optional.of(run.view());
        }
    }

    private void purge() {
        final long now = settings.ticker().read();
        final long ttl = settings.previewTtl().toNanos();
        runs.values().removeIf(run -> now - run.startNanos >= ttl);
    }

    private String newId() {
        final byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    /** One preview in progress or done. */
    private final class Run {

        private final String id;
        private final Instant createdAt;
        private final long startNanos;
        private final List<Pool> pools;
        // Per pool, per enabled origin: the status once its check finished.
        private final List<List<Origin>> origins = new ArrayList<>();
        private final List<AtomicReferenceArray<OriginStatus>> results = new ArrayList<>();
        private final AtomicInteger pending = new AtomicInteger();

        Run(String id, Instant createdAt, long startNanos, List<Pool> pools) {
            this.id = id;
            this.createdAt = createdAt;
            this.startNanos = startNanos;
            this.pools = pools;
            for (final Pool pool : pools) {
                final List<Origin> enabled = pool.origins().stream().filter(Origin::enabled).toList();
                origins.add(enabled);
                results.add(new AtomicReferenceArray<>(enabled.size()));
                pending.addAndGet(enabled.size());
            }
        }

        void launch(Monitor candidate) {
            for (int p = 0; p < pools.size(); p++) {
                final Pool pool = pools.get(p);
                final AtomicReferenceArray<OriginStatus> slots = results.get(p);
                final List<Origin> enabled = origins.get(p);
                for (int o = 0; o < enabled.size(); o++) {
                    final Origin origin = enabled.get(o);
                    final int slot = o;
                    probes.check(ProbeTarget.of(candidate, pool.id(), origin)).whenComplete((result, failure) -> {
                        final ProbeResult verdict = failure == null ? result : ProbeResult.fail(FailureReason.OTHER);
                        slots.set(slot, new OriginStatus(origin.name(), origin.address(), origin.port(),
                                verdict.passed() ? OriginState.HEALTHY : OriginState.UNHEALTHY,
                                verdict.rttNanos() < 0 ? Double.NaN : verdict.rttNanos() / 1_000_000.0,
                                verdict.reason().text(), verdict.responseCode()));
                        pending.decrementAndGet();
                    });
                }
            }
        }

        Preview view() {
            final List<Preview.PoolPreview> views = new ArrayList<>();
            for (int p = 0; p < pools.size(); p++) {
                final Pool pool = pools.get(p);
                final List<OriginStatus> statuses = new ArrayList<>();
                int healthy = 0;
                for (int o = 0; o < origins.get(p).size(); o++) {
                    final Origin origin = origins.get(p).get(o);
                    final OriginStatus status = results.get(p).get(o);
                    statuses.add(status != null ? status : OriginStatus.of(origin.name(), origin.address(),
                            origin.port(), null));
                    if (status != null && status.healthy()) {
                        healthy++;
                    }
                }
                views.add(new Preview.PoolPreview(pool.id(), pool.name(),
                        healthy >= Math.max(1, pool.minimumOrigins()), statuses));
            }
            return new Preview(id, createdAt, pending.get() == 0, views);
        }
    }

    /** For tests: how many previews are kept. */
    int size() {
        synchronized (runs) {
            return runs.size();
        }
    }

}
