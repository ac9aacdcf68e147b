package dev.fulcrum.upstream.link;

import dev.fulcrum.routing.OriginConnections;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The links to one origin ({@code address:port}): its idle ones, last released first (the warmest connection, and
 * the others age out), and its counts for metrics and {@code least_connections}. Lock-free: links are taken by
 * sending threads and released by the threads that read their answers.
 */
final class LinkPool {

    final String address;
    final int port;
    private final OriginConnections connections;
    private final ConcurrentLinkedDeque<OriginLink> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger idleCount = new AtomicInteger();

    LinkPool(String address, int port, OriginConnections connections) {
        this.address = address;
        this.port = port;
        this.connections = connections;
    }

    /** An idle open link, or null: the caller then connects a new one. */
    OriginLink take() {
        OriginLink link;
        while ((link = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (link.getEndPoint().isOpen()) {
                return link;
            }
        }
        return null;
    }

    void release(OriginLink link) {
        idleCount.incrementAndGet();
        idle.offerFirst(link);
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
    }

    int open() {
        return open.get();
    }

    int idle() {
        return Math.max(0, idleCount.get());
    }
}
