package dev.fulcrum.config;

import java.time.Instant;

/** An account: owns pools and monitors, and zones. */
public record Account(String id, String name, Instant createdOn) {
}
