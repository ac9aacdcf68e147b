package dev.fulcrum.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A {@code java.util.logging} formatter that writes each record on one line: local time to the millisecond, level,
 * thread, logger and message, e.g. {@code 2026-12-07 16:33:50.123 INFO [main] dev.fulcrum.runtime.Fulcrum: Fulcrum
 * 0.1.0 started …}. Levels read as SLF4J names them (SEVERE is ERROR, WARNING is WARN, FINE is DEBUG). Line breaks
 * and other control characters inside a message are escaped ({@code \n}), so one record can never pose as two; a
 * stack trace, when the record has one, follows on the lines after it.
 *
 * <p>The standalone's logging uses it; name it in a logging file of your own as
 * {@code java.util.logging.ConsoleHandler.formatter=dev.fulcrum.runtime.OneLineFormatter}.
 */
public final class OneLineFormatter extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord record) {
        final StringBuilder line = new StringBuilder(160);
        line.append(TIME.format(Instant.ofEpochMilli(record.getMillis()))).append(' ')
                .append(level(record.getLevel())).append(" [").append(Thread.currentThread().getName()).append("] ")
                .append(record.getLoggerName()).append(": ");
        escape(formatMessage(record), line);
        line.append(System.lineSeparator());
        if (record.getThrown() != null) {
            final StringWriter trace = new StringWriter();
            try (PrintWriter out = new PrintWriter(trace)) {
                record.getThrown().printStackTrace(out);
            }
            line.append(trace);
        }
        return line.toString();
    }

    static String level(Level level) {
        final int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (value >= Level.INFO.intValue()) {
            return "INFO";
        }
        return value >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static void escape(String message, StringBuilder into) {
        if (message == null) {
            into.append("null");
            return;
        }
        for (int i = 0; i < message.length(); i++) {
            final char c = message.charAt(i);
            switch (c) {
                case '\n' -> into.append("\\n");
                case '\r' -> into.append("\\r");
                case '\t' -> into.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        into.append(String.format("\\u%04x", (int) c));
                    } else {
                        into.append(c);
                    }
                }
            }
        }
    }
}
