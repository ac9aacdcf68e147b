package dev.fulcrum.config;

/** A rule's fixed response, spec §6. Components other than {@code statusCode} are nullable. */
public record FixedResponse(Integer statusCode, String contentType, String location, String messageBody) {
}
