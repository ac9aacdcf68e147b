package dev.fulcrum.runtime;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** One record, one line: time, level, thread, logger, message; a stack trace only after it. */
class OneLineFormatterTest {

    private final OneLineFormatter formatter = new OneLineFormatter();

    private static LogRecord record(Level level, String message, Throwable thrown) {
        final LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.fulcrum.health.HealthMonitor");
        record.setThrown(thrown);
        return record;
    }

    @Test
    void writesOneLineWithTimeLevelThreadLoggerAndMessage() {
        final String line = formatter.format(record(Level.WARNING, "pool web origin o1 HEALTHY -> UNHEALTHY", null));

        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN \\[[^]]+] "
                + "dev\\.fulcrum\\.health\\.HealthMonitor: pool web origin o1 HEALTHY -> UNHEALTHY\\R");
        assertThat(line.lines()).hasSize(1);
    }

    @Test
    void aMessageCannotBreakTheLineAndAStackTraceFollowsIt() {
        final String text = formatter.format(record(Level.SEVERE, "first\nINFO forged\r\tsecond\u0007",
                new IllegalStateException("boom")));

        final String first = text.lines().findFirst().orElseThrow();
        assertThat(first).endsWith(" ERROR [" + Thread.currentThread().getName()
                + "] dev.fulcrum.health.HealthMonitor: first\\nINFO forged\\r\\tsecond\\u0007");
        assertThat(text.lines().skip(1).findFirst()).hasValue("java.lang.IllegalStateException: boom");
    }

    @Test
    void levelsReadAsSlf4jNamesThem() {
        assertThat(OneLineFormatter.level(Level.SEVERE)).isEqualTo("ERROR");
        assertThat(OneLineFormatter.level(Level.WARNING)).isEqualTo("WARN");
        assertThat(OneLineFormatter.level(Level.INFO)).isEqualTo("INFO");
        assertThat(OneLineFormatter.level(Level.CONFIG)).isEqualTo("DEBUG");
        assertThat(OneLineFormatter.level(Level.FINE)).isEqualTo("DEBUG");
        assertThat(OneLineFormatter.level(Level.FINEST)).isEqualTo("TRACE");
    }
}
