package dev.fulcrum.etcd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a node in step with everything under one key prefix through one watch: a full read at start, then the
 * watch from the revision read, its events handed to the {@link Handler} of each sub-prefix as they come.
 *
 * <p>Recovery, as a production gateway client must do it: a broken stream (member gone, network cut) is reopened
 * from the last revision applied, on the next member if needed; a start revision etcd has compacted away ("required
 * revision has been compacted") or a revision that went backwards (etcd restored from an older backup) costs one
 * full read, handed to every handler as a {@link Handler#reset}. Progress notifications move the revision on while
 * the prefix is idle, so an idle node resumes from a recent revision rather than from one compaction removed. The
 * resume point is the newest event revision or progress revision seen, never the header of a catch-up message
 * (etcd sends a backlog in batches whose header already names the newest revision).
 *
 * <p>Threads: one daemon thread ({@code fulcrum-etcd-watch}) reads and dispatches; handlers run on it, in revision
 * order, and must not block for long. {@link #awaitRevision} lets writers wait until their write came back.
 */
public final class PrefixWatch implements AutoCloseable {

    /** What one sub-prefix's owner is told. Keys keep the whole prefix. */
    public interface Handler {

        /** Everything under the sub-prefix at {@code revision}: at start and after each full read. */
        void reset(long revision, List<KeyValue> kvs);

        /** The changes under the sub-prefix from one watch message, in revision order. */
        void apply(List<WatchEvent> events);

        /** Whether the watch is live (true) or broken and being reopened (false). */
        default void connected(boolean live) {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PrefixWatch.class);
    private static final int PAGE = 1000;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final EtcdClient client;
    private final String prefix;
    private final Duration idleTimeout;
    private final Map<String, Handler> handlers = new LinkedHashMap<>();
    private final Object revisionLock = new Object();

    private volatile boolean closed;
    private volatile boolean live;
    private volatile WatchStream stream;
    private Thread thread;
    /** The last cancel reason logged (watch thread only). */
    private String lastCancel;
    /** The revision everything up to which has been handed to the handlers; 0 before the first full read. */
    private long revision;
    private boolean loaded;

    /**
     * @param idleTimeout how long the stream may stay silent before it is reopened: above etcd's progress
     *                    notification interval
     */
    public PrefixWatch(EtcdClient client, String prefix, Duration idleTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Registers the owner of the keys under {@code prefix + subPrefix}; before {@link #start}. */
    public synchronized void register(String subPrefix, Handler handler) {
        if (thread != null) {
            throw new IllegalStateException("register handlers before start");
        }
        handlers.put(prefix + subPrefix, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Reads everything once (retrying until {@code firstRead} has passed), then watches on a thread of its own.
     * When etcd cannot be reached in time the thread keeps trying: the handlers get their first
     * {@link Handler#reset} whenever it answers.
     *
     * @return true when the first full read succeeded before returning
     */
    public boolean start(Duration firstRead) {
        synchronized (this) {
            if (thread != null) {
                throw new IllegalStateException("already started");
            }
            thread = new Thread(this::run, "fulcrum-etcd-watch");
            thread.setDaemon(true);
        }
        final long deadline = System.nanoTime() + firstRead.toNanos();
        boolean first = true;
        while (true) {
            try {
                load();
                break;
            } catch (EtcdException e) {
                if (first) {
                    LOG.warn("etcd: cannot read " + prefix + " yet: " + e.getMessage());
                    first = false;
                }
                if (e.outcome() == EtcdException.Outcome.REFUSED || System.nanoTime() > deadline) {
                    break;
                }
                pause(200);
            }
        }
        thread.start();
        return loadedOnce();
    }

    /** The revision up to which every change under the prefix has been handed over; 0 before the first read. */
    public long revision() {
        synchronized (revisionLock) {
            return revision;
        }
    }

    /** True while the stream is open and etcd answered it. */
    public boolean isLive() {
        return live;
    }

    /**
     * Waits until the handlers have been given every change up to {@code target}.
     *
     * @return false when {@code timeout} passed first (etcd unreachable, or far behind)
     */
    public boolean awaitRevision(long target, Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (revisionLock) {
            while (revision < target) {
                final long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(revisionLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Drops the current stream so that it is opened again (on the next member if this one fails). */
    public void reconnect() {
        final WatchStream current = stream;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        reconnect();
        final Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (revisionLock) {
            revisionLock.notifyAll();
        }
    }

    private boolean loadedOnce() {
        synchronized (revisionLock) {
            return loaded;
        }
    }

    private void run() {
        long backoff = 100;
        boolean needLoad = !loadedOnce();
        while (!closed) {
            try {
                if (needLoad) {
                    load();
                    needLoad = false;
                }
                needLoad = watch();
                backoff = 100;
            } catch (EtcdException e) {
                if (closed) {
                    break;
                }
                // The first failure is logged by setLive; the retries only at DEBUG, so a long outage is one line.
                setLive(false);
                LOG.debug("etcd watch of " + prefix + " interrupted: " + e.getMessage());
                pause(backoff + ThreadLocalRandom.current().nextLong(backoff));
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } catch (RuntimeException e) {
                LOG.error("etcd watch of " + prefix + " failed; reading everything again",
                        e);
                needLoad = true;
                pause(MAX_BACKOFF_MILLIS);
            }
        }
        live = false;
    }

    /** Reads the whole prefix at one revision, page by page, and resets every handler with it. */
    private void load() {
        final String end = EtcdClient.prefixEnd(prefix);
        final List<KeyValue> all = new ArrayList<>();
        long at = 0;
        String from = prefix;
        while (true) {
            final RangeResult page = client.range(from, end, at, PAGE);
            if (at == 0) {
                at = page.revision();
            }
            all.addAll(page.kvs());
            if (!page.more() || page.kvs().isEmpty()) {
                break;
            }
            from = page.kvs().get(page.kvs().size() - 1).key() + '\0';
        }
        for (Map.Entry<String, Handler> entry : handlers.entrySet()) {
            final List<KeyValue> mine = new ArrayList<>();
            for (KeyValue kv : all) {
                if (kv.key().startsWith(entry.getKey())) {
                    mine.add(kv);
                }
            }
            entry.getValue().reset(at, mine);
        }
        synchronized (revisionLock) {
            revision = at;
            loaded = true;
            revisionLock.notifyAll();
        }
        LOG.debug("etcd: read " + all.size() + " keys under " + prefix + " at revision "
                + at);
    }

    /**
     * Watches from the revision after the last one handed over until the stream ends.
     *
     * @return true when a full read is needed before watching again
     */
    private boolean watch() {
        final long from = revision() + 1;
        final WatchStream opened = client.watch(prefix, EtcdClient.prefixEnd(prefix), from, idleTimeout);
        stream = opened;
        try (opened) {
            if (closed) {
                return false;
            }
            while (!closed) {
                final WatchResponse message = opened.next();
                if (message.canceled()) {
                    if (message.compactRevision() > 0) {
                        LOG.warn("etcd: revision " + from + " of " + prefix
                                + " has been compacted (oldest kept: " + message.compactRevision()
                                + "); reading everything again");
                        return true;
                    }
                    final String reason = opened.endpoint() + " canceled the watch of " + prefix + ": "
                            + message.cancelReason();
                    if (!reason.equals(lastCancel)) {
                        // A permission or token problem repeats at every retry: said once, until it changes.
                        lastCancel = reason;
                        LOG.warn(reason);
                    }
                    throw EtcdException.unreachable(reason, null);
                }
                if (message.revision() > 0 && message.revision() < revision()) {
                    LOG.warn("etcd at " + opened.endpoint() + " is at revision "
                            + message.revision() + ", behind the " + revision() + " this node has seen: etcd was "
                            + "restored or replaced; reading everything again");
                    return true;
                }
                if (message.created()) {
                    setLive(true);
                    continue;
                }
                if (message.isProgress()) {
                    advance(message.revision());
                    continue;
                }
                dispatch(message.events());
            }
            return false;
        } finally {
            stream = null;
        }
    }

    private void dispatch(List<WatchEvent> events) {
        final Map<Handler, List<WatchEvent>> byHandler = new LinkedHashMap<>();
        long newest = 0;
        for (WatchEvent event : events) {
            newest = Math.max(newest, event.kv().modRevision());
            for (Map.Entry<String, Handler> entry : handlers.entrySet()) {
                if (event.kv().key().startsWith(entry.getKey())) {
                    byHandler.computeIfAbsent(entry.getValue(), h -> new ArrayList<>()).add(event);
                    break;
                }
            }
        }
        byHandler.forEach(Handler::apply);
        advance(newest);
    }

    private void advance(long to) {
        synchronized (revisionLock) {
            if (to > revision) {
                revision = to;
                revisionLock.notifyAll();
            }
        }
    }

    private void setLive(boolean now) {
        if (live != now && !closed) {
            live = now;
            if (now) {
                LOG.info("etcd watch of {} is live at revision {}", prefix, revision());
            } else {
                LOG.warn("etcd watch of {} lost; the last state stays in use", prefix);
            }
            for (Handler handler : handlers.values()) {
                try {
                    handler.connected(now);
                } catch (RuntimeException e) {
                    LOG.error("etcd watch handler failed", e);
                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
