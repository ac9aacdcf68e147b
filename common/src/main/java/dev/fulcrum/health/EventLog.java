package dev.fulcrum.health;

import java.util.ArrayDeque;
import java.util.List;

/** The last N health events, oldest first; older ones fall off. Thread-safe. */
final class EventLog {

    private final int capacity;
    private final ArrayDeque<HealthEvent> events;

    EventLog(int capacity) {
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    synchronized void add(HealthEvent event) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    synchronized List<HealthEvent> snapshot() {
        return List.copyOf(events);
    }
}
