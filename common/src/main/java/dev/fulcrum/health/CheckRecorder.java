package dev.fulcrum.health;

import dev.fulcrum.config.ConfigSnapshot;

/** Observes checks, transitions and publishes (for metrics); the default does nothing. Must be quick and safe. */
interface CheckRecorder {

    void checked(ProbeTarget target, ProbeResult result);

    void transitioned(OriginState to);

    /** After every published snapshot and every configuration update, on the publishing thread. */
    void published(ConfigSnapshot config, HealthSnapshot health);

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
        public void published(ConfigSnapshot config, HealthSnapshot health) {
        }
    }
}
