package dev.fulcrum.metrics;

import dev.fulcrum.health.HealthMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The gauge families with one row per configured pool, origin or destination ({@value MetricNames#POOL_IN_FLIGHT},
 * {@value MetricNames#ORIGIN_IN_FLIGHT}, {@value MetricNames#UPSTREAM_CONNECTIONS}, {@value MetricNames#POOL_ORIGINS}),
 * written in Prometheus' text format from each row's text, rendered once at its first scrape.
 *
 * <p>Why: at 3,000 pools these families are 48,000 of the 48,063 series, and Micrometer's Prometheus registry
 * rebuilds and validates every row's labels on every scrape (the label-name checks alone were a third of a scrape's
 * CPU, the labels' sorting and the metadata most of the rest; the gauges' own functions were 4 %). A row's labels
 * only change with the configuration, which removes and registers the row again, so its text can be kept.
 *
 * <p>How: the rows stay ordinary Micrometer gauges, found, read and published over JMX like every other meter. This
 * class follows the Prometheus meter registry's additions and removals ({@link #follow}) and keeps the rows of these
 * families; the {@link PrometheusRegistry} it gives that meter registry ({@link #prometheusRegistry()}) leaves the
 * families' collectors out of Micrometer's own exposition, so each family is written once, by {@link #writeTo}.
 * Micrometer registers a name's collector after adding its first row, which is how a collector is recognised.
 *
 * <p>Thread safety: additions and removals come from the registering threads, scrapes from any thread; a scrape
 * sees each row either before or after a concurrent change.
 */
final class GaugeRows {

    /** The Micrometer names of the families written here. */
    static final Set<String> FAMILIES = Set.of(MetricNames.POOL_IN_FLIGHT, MetricNames.ORIGIN_IN_FLIGHT,
            MetricNames.UPSTREAM_CONNECTIONS, HealthMetrics.POOL_ORIGINS);

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Set<MultiCollector> leftOut = ConcurrentHashMap.newKeySet();
    private final PrometheusRegistry registry = new PrometheusRegistry() {
        @Override
        public void register(MultiCollector collector) {
            if (writtenHere(collector)) {
                leftOut.add(collector);
            } else {
                super.register(collector);
            }
        }

        @Override
        public void unregister(MultiCollector collector) {
            if (!leftOut.remove(collector)) {
                super.unregister(collector);
            }
        }
    };
    private volatile NamingConvention convention = NamingConvention.snakeCase;
    private volatile Set<String> prometheusNames = Set.of();

    /** The registry to build the {@link PrometheusMeterRegistry} with, before {@link #follow}. */
    PrometheusRegistry prometheusRegistry() {
        return registry;
    }

    /** Keeps the rows of the families as {@code meters} adds and removes them. */
    void follow(PrometheusMeterRegistry meters) {
        final NamingConvention naming = meters.config().namingConvention();
        convention = naming;
        prometheusNames = FAMILIES.stream().map(name -> prometheusName(naming.name(name, Meter.Type.GAUGE)))
                .collect(Collectors.toUnmodifiableSet());
        meters.config().onMeterAdded(this::added).onMeterRemoved(this::removed);
    }

    /** Rows kept, all families together (tests). */
    int rows() {
        return families.values().stream().mapToInt(f -> f.rows.size()).sum();
    }

    /** Appends every row of every family, with each family's {@code HELP} and {@code TYPE} lines. */
    void writeTo(OutputStream out) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (final Family family : families.values()) {
            boolean first = true;
            for (final Row row : family.rows.values()) {
                if (first) {
                    out.write(family.header);
                    first = false;
                }
                out.write(row.prefix(convention));
                line.reset();
                writeValue(line, row.gauge.value());
                line.write('\n');
                line.writeTo(out);
            }
        }
    }

    private boolean writtenHere(MultiCollector collector) {
        for (final MetricSnapshot snapshot : collector.collect()) {
            if (prometheusNames.contains(snapshot.getMetadata().getPrometheusName())) {
                return true;
            }
        }
        return false;
    }

    private void added(Meter meter) {
        final Meter.Id id = meter.getId();
        if (meter instanceof Gauge gauge && FAMILIES.contains(id.getName())) {
            families.computeIfAbsent(id.getName(), name -> new Family(header(id))).rows.put(id, new Row(gauge));
        }
    }

    private void removed(Meter meter) {
        final Family family = families.get(meter.getId().getName());
        if (family != null) {
            family.rows.remove(meter.getId());
        }
    }

    private byte[] header(Meter.Id id) {
        final String name = prometheusName(convention.name(id.getName(), Meter.Type.GAUGE, id.getBaseUnit()));
        final StringBuilder text = new StringBuilder();
        if (id.getDescription() != null) {
            text.append("# HELP ").append(name).append(' ');
            escape(text, id.getDescription(), false);
            text.append('\n');
        }
        text.append("# TYPE ").append(name).append(" gauge\n");
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String prometheusName(String name) {
        return PrometheusNaming.prometheusName(name);
    }

    /** Prometheus' text format 0.0.4: backslash and newline escaped everywhere, the double quote in label values. */
    private static void escape(StringBuilder out, String text, boolean labelValue) {
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

    /** As the Prometheus text writer formats a sample value. */
    private static void writeValue(ByteArrayOutputStream out, double value) {
        final String text;
        if (value == 0) {
            text = "0.0";
        } else if (value == Double.POSITIVE_INFINITY) {
            text = "+Inf";
        } else if (value == Double.NEGATIVE_INFINITY) {
            text = "-Inf";
        } else {
            text = Double.toString(value);
        }
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private record Family(byte[] header, Map<Meter.Id, Row> rows) {
        Family(byte[] header) {
            this(header, new ConcurrentHashMap<>());
        }
    }

    /** One row: its gauge, and its {@code name{labels} } text once rendered. */
    private static final class Row {
        final Gauge gauge;
        private volatile byte[] prefix;

        Row(Gauge gauge) {
            this.gauge = gauge;
        }

        byte[] prefix(NamingConvention convention) {
            byte[] p = prefix;
            if (p == null) {
                p = render(gauge.getId(), convention);
                prefix = p;
            }
            return p;
        }

        private static byte[] render(Meter.Id id, NamingConvention convention) {
            final StringBuilder text = new StringBuilder(128)
                    .append(prometheusName(convention.name(id.getName(), Meter.Type.GAUGE, id.getBaseUnit())));
            // Sorted by label name, as the Prometheus writer orders them.
            final Map<String, String> labels = new TreeMap<>();
            for (final Tag tag : id.getConventionTags(convention)) {
                labels.put(prometheusName(tag.getKey()), tag.getValue());
            }
            if (!labels.isEmpty()) {
                text.append('{');
                boolean first = true;
                for (final Map.Entry<String, String> label : labels.entrySet()) {
                    text.append(first ? "" : ",").append(label.getKey()).append("=\"");
                    escape(text, label.getValue(), true);
                    text.append('"');
                    first = false;
                }
                text.append('}');
            }
            return text.append(' ').toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
