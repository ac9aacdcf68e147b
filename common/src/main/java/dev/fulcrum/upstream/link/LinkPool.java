package dev.fulcrum.upstream.link;

import dev.fulcrum.routing.OriginConnections;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The links to one origin ({@code address:port}): its idle ones, last released first (the warmest connection, and
 * the others age out), the sends waiting for a link while the origin has its most connections, and the counts for
 * metrics and {@code least_connections}. Lock-free: links are taken by sending threads and released by the threads
 * that read their answers.
 */
final class LinkPool {

    final String address;
    final int port;
    private final int maxConnections;
    private final int maxQueued;
    private final OriginConnections connections;
    /** Connects a new link for a send (after a reservation). */
    private final Consumer<Send> connector;
    private final ConcurrentLinkedDeque<OriginLink> idle = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedQueue<Send> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    /** Links open or being connected: what the connection limit counts. */
    private final AtomicInteger reserved = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger idleCount = new AtomicInteger();

    LinkPool(String address, int port, int maxConnections, int maxQueued, OriginConnections connections,
             Consumer<Send> connector) {
        this.address = address;
        this.port = port;
        this.maxConnections = maxConnections;
        this.maxQueued = maxQueued;
        this.connections = connections;
        this.connector = connector;
    }

    /**
     * Sends on an idle link, else on a new one while under the connection limit, else once a link is free; refused
     * beyond the queue's limit, as Jetty's client refuses.
     */
    void send(Send send, boolean fresh) {
        final OriginLink link = fresh ? null : take();
        if (link != null) {
            link.send(send);
        } else if (reserve()) {
            connector.accept(send);
        } else if (waitingCount.incrementAndGet() > maxQueued) {
            waitingCount.decrementAndGet();
            send.fail(new RejectedExecutionException("more than " + maxQueued + " requests wait for a connection to "
                    + address + ':' + port));
        } else {
            waiting.offer(send);
            // A link released while this one queued would otherwise sit idle beside it.
            final OriginLink released = take();
            if (released != null) {
                release(released);
            }
        }
    }

    /** An idle open link, or null. */
    private OriginLink take() {
        OriginLink link;
        while ((link = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (link.getEndPoint().isOpen()) {
                return link;
            }
        }
        return null;
    }

    /** A link free for the next send: to the longest-waiting one, else to the idle ones. */
    void release(OriginLink link) {
        final Send next = nextWaiting();
        if (next != null) {
            link.send(next);
        } else {
            idleCount.incrementAndGet();
            idle.offerFirst(link);
        }
    }

    private Send nextWaiting() {
        Send next;
        while ((next = waiting.poll()) != null) {
            waitingCount.decrementAndGet();
            if (!next.ended()) {
                return next; // else aborted while it waited
            }
        }
        return null;
    }

    private boolean reserve() {
        while (true) {
            final int now = reserved.get();
            if (now >= maxConnections) {
                return false;
            }
            if (reserved.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A reserved connection failed to open, or a link closed: a waiting send may connect in its place. */
    void unreserve() {
        reserved.decrementAndGet();
        final Send next = nextWaiting();
        if (next != null) {
            if (reserve()) {
                connector.accept(next);
            } else {
                send(next, false);
            }
        }
    }

    void opened() {
        open.incrementAndGet();
        if (connections != null) {
            connections.opened(address, port);
        }
    }

    void closed(OriginLink link) {
        open.decrementAndGet();
        if (idle.remove(link)) {
            idleCount.decrementAndGet();
        }
        if (connections != null) {
            connections.closed(address, port);
        }
        unreserve();
    }

    int open() {
        return open.get();
    }

    /**
     * Whether nothing is open, being connected or waiting: dropping the pool then loses nothing (a send racing with
     * the drop still completes on its own link, which a later pool for the origin does not know of).
     */
    boolean unused() {
        return reserved.get() == 0 && open.get() == 0 && waitingCount.get() == 0;
    }

    int idle() {
        return Math.max(0, idleCount.get());
    }
}
