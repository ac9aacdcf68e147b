package dev.fulcrum.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the gauge families with one row per configured pool, origin or destination
 * ({@value MetricNames#POOL_IN_FLIGHT}, {@value MetricNames#ORIGIN_IN_FLIGHT},
 * {@value MetricNames#UPSTREAM_CONNECTIONS}, {@value MetricNames#POOL_ORIGINS}) straight into a scrape, in
 * Prometheus' text format (0.0.4), exactly as Micrometer's Prometheus registry would write them as gauges.
 *
 * <p>Why: at 10,000 pools of 3 origins these families are about 160,000 of a scrape's rows. As Micrometer gauges
 * each row cost a registration (a quarter of the main thread's start, then the first scrape's largest part) and, on
 * every scrape, the Prometheus registry rebuilt and validated its labels. Their owners ({@link InFlightMetrics},
 * {@link ConnectionMetrics}, {@link PoolOriginText}) keep each row's {@code name{labels} } text, rendered with
 * a {@link Format} at its first scrape, next to the value it reads, and write the rows through this class, so
 * Micrometer's registry holds none of them. With {@code --metrics-jmx} the same owners also register them as
 * gauges in the JMX registry (and only there).
 *
 * <p>Not thread safe: one instance per scrape, buffering the rows in front of the scrape's stream.
 */
final class GaugeRows {

    private static final NamingConvention NAMING = new PrometheusNamingConvention();

    private final OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];
    private int used;
    /** The family header still to be written before its first row; null when written or none begun. */
    private byte[] pendingHeader;
    private int rows;

    GaugeRows(OutputStream out) {
        this.out = out;
    }

    /** The {@code HELP} and {@code TYPE} lines of a gauge family, by its Micrometer name. */
    static byte[] header(String name, String description) {
        final String prometheusName = prometheusName(name);
        final StringBuilder text = new StringBuilder();
        text.append("# HELP ").append(prometheusName).append(' ');
        escape(text, description, false);
        return text.append("\n# TYPE ").append(prometheusName).append(" gauge\n").toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The rows of one family with these labels (Micrometer tag keys): their names are converted and sorted once, as
     * the Prometheus writer orders them, so that rendering a row only escapes its values.
     */
    static Format format(String name, String... labelKeys) {
        final Map<String, Integer> sorted = new TreeMap<>();
        for (int i = 0; i < labelKeys.length; i++) {
            sorted.put(PrometheusNaming.prometheusName(NAMING.tagKey(labelKeys[i])), i);
        }
        final String[] names = new String[labelKeys.length];
        final int[] order = new int[labelKeys.length];
        int at = 0;
        for (final Map.Entry<String, Integer> label : sorted.entrySet()) {
            names[at] = label.getKey();
            order[at++] = label.getValue();
        }
        return new Format(prometheusName(name), names, order);
    }

    /** Renders rows' {@code name{labels} } text for one family and label set. */
    static final class Format {
        private final String name;
        private final String[] labels;
        /** The index, in the values given to {@link #prefix}, of each label in {@link #labels}' order. */
        private final int[] order;

        private Format(String name, String[] labels, int[] order) {
            this.name = name;
            this.labels = labels;
            this.order = order;
        }

        /** A row's text, {@code values} in the order of the label keys the format was made with. */
        byte[] prefix(String... values) {
            final StringBuilder text = new StringBuilder(128).append(name).append('{');
            for (int i = 0; i < labels.length; i++) {
                text.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
                escape(text, values[order[i]], true);
                text.append('"');
            }
            return text.append("} ").toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String prometheusName(String name) {
        return PrometheusNaming.prometheusName(NAMING.name(name, Meter.Type.GAUGE));
    }

    /** Starts a family: its header goes out before its first row, and not at all when it has none. */
    void family(byte[] header) {
        pendingHeader = header;
    }

    /** One row of the family begun last. */
    void row(byte[] prefix, double value) throws IOException {
        if (pendingHeader != null) {
            write(pendingHeader);
            pendingHeader = null;
        }
        write(prefix);
        writeValue(value);
        ensure(1);
        buffer[used++] = '\n';
        rows++;
    }

    /** Rows written so far. */
    int rows() {
        return rows;
    }

    /** Hands what is buffered to the stream. */
    void flush() throws IOException {
        out.write(buffer, 0, used);
        used = 0;
    }

    private void write(byte[] bytes) throws IOException {
        if (bytes.length > buffer.length) {
            flush();
            out.write(bytes);
            return;
        }
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    private void ensure(int length) throws IOException {
        if (used + length > buffer.length) {
            flush();
        }
    }

    /**
     * As the Prometheus text writer formats a sample value ({@link Double#toString}); the counts these rows hold
     * are small whole numbers, written without that detour.
     */
    private void writeValue(double value) throws IOException {
        if (value >= 0 && value < 1e7 && value == (long) value) {
            long whole = (long) value;
            int digits = 1;
            for (long rest = whole / 10; rest > 0; rest /= 10) {
                digits++;
            }
            ensure(digits + 2);
            for (int i = used + digits - 1; i >= used; i--) {
                buffer[i] = (byte) ('0' + whole % 10);
                whole /= 10;
            }
            used += digits;
            buffer[used++] = '.';
            buffer[used++] = '0';
            return;
        }
        final String text = value == Double.POSITIVE_INFINITY ? "+Inf"
                : value == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(value);
        write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Prometheus' text format 0.0.4: backslash and newline escaped everywhere, the double quote in label values. */
    private static void escape(StringBuilder out, String text, boolean labelValue) {
        if (text.indexOf('\\') < 0 && text.indexOf('\n') < 0 && (!labelValue || text.indexOf('"') < 0)) {
            // The usual name: copied whole, not char by char (the first scrape renders every row, before the JIT).
            out.append(text);
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(labelValue ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
