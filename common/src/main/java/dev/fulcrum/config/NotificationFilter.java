package dev.fulcrum.config;

/** Stored only (spec §2). {@code healthy} components are nullable. */
public record NotificationFilter(Target origin, Target pool) {

    /** One filter target: {@code disable} and a tri-state {@code healthy}. */
    public record Target(boolean disable, Boolean healthy) {
    }
}
