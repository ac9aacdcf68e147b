package dev.fulcrum.config;

import java.time.Instant;

/** A DNS zone inside an account; owns load balancers whose names are hostnames inside it. */
public record Zone(String id, String name, String accountId, Instant createdOn, Instant modifiedOn) {
}
