package dev.fulcrum.standalone;

import java.util.logging.LogManager;

/**
 * The standalone's {@code java.util.logging} manager: as the JDK's, except that the JDK's own shutdown hook does not
 * take the handlers away. That hook runs beside Fulcrum's, which still logs the graceful stop (requests finishing,
 * the store closing); {@link #stopped()} resets the handlers once that is written.
 */
public final class StandaloneLogManager extends LogManager {

    private static final String JDK_CLEANER = "java.util.logging.LogManager$Cleaner";

    @Override
    public void reset() {
        if (!Thread.currentThread().getClass().getName().equals(JDK_CLEANER)) {
            super.reset();
        }
    }

    /** Flushes and closes the handlers, after the last line of the stop. */
    static void stopped() {
        if (LogManager.getLogManager() instanceof StandaloneLogManager manager) {
            manager.resetForGood();
        }
    }

    private void resetForGood() {
        super.reset();
    }
}
