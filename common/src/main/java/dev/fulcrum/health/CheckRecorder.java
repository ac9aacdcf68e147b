package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;

import java.util.Set;

/** Observes checks, transitions and publishes (for metrics); the default does nothing. Must be quick and safe. */
interface CheckRecorder {

    void checked(ProbeTarget target, ProbeResult result);

    void transitioned(OriginState to);

    /**
     * After every published snapshot and every configuration update, on the publishing thread: {@code pools} are
     * the ids of the pools whose results or configuration changed since the last call (all others are as they
     * were then).
     */
    void published(ConfigSnapshot config, HealthSnapshot health, Set<String> pools);

    /** Records nothing. */
    enum None implements CheckRecorder {
        INSTANCE;

        @Override
        public void checked(ProbeTarget target, ProbeResult result) {
        }

        @Override
        public void transitioned(OriginState to) {
        }

        @Override
        public void published(ConfigSnapshot config, HealthSnapshot health, Set<String> pools) {
        }
    }
}
