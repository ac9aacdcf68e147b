package dev.fulcrum.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape read back as Prometheus' text format (0.0.4) defines it, failing on anything else: each family's
 * {@code HELP} and {@code TYPE} lines once and before its samples, each family's samples together, each sample
 * {@code name{label="value",...} value} with the format's escapes, and no series twice.
 */
record ScrapeText(List<Sample> samples) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) (" + NAME + ") (.*)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

    /** One sample: its name, its labels (unescaped) and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    static ScrapeText parse(String text) {
        final List<Sample> samples = new ArrayList<>();
        final Set<String> typed = new HashSet<>();
        final Set<String> helped = new HashSet<>();
        final Set<String> finished = new HashSet<>();
        final Set<String> series = new HashSet<>();
        String family = null;
        for (final String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            final Matcher comment = COMMENT.matcher(line);
            if (comment.matches()) {
                final String name = comment.group(2);
                if (!name.equals(family)) {
                    if (family != null) {
                        finished.add(family);
                    }
                    check(!finished.contains(name), "a family in two places", line);
                    family = name;
                }
                check((comment.group(1).equals("TYPE") ? typed : helped).add(name), "repeated comment", line);
                continue;
            }
            check(!line.startsWith("#"), "a comment other than HELP or TYPE", line);
            final Sample sample = sample(line);
            check(family != null && sample.name().startsWith(family), "a sample outside its family", line);
            check(series.add(sample.name() + sample.labels()), "a series twice", line);
            samples.add(sample);
        }
        return new ScrapeText(samples);
    }

    /** The value of the one series with exactly these labels (name, value pairs), or null when there is none. */
    Double value(String name, String... labels) {
        final Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted))
                .map(Sample::value).findFirst().orElse(null);
    }

    /** The samples with label {@code key} = {@code value}. */
    List<Sample> labelled(String key, String value) {
        return samples.stream().filter(s -> value.equals(s.labels().get(key))).toList();
    }

    /** The samples of one name. */
    List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    private static Sample sample(String line) {
        final Matcher name = NAME.matcher(line);
        check(name.lookingAt(), "no metric name", line);
        int at = name.end();
        final Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            final Matcher label = LABEL.matcher(line);
            while (line.charAt(at) != '}') {
                check(label.region(at, line.length()).lookingAt(), "a malformed label", line);
                check(labels.put(label.group(1), unescape(label.group(2))) == null, "a label twice", line);
                at = label.end();
                if (line.charAt(at) == ',') {
                    at++;
                }
            }
            at++;
        }
        check(at < line.length() && line.charAt(at) == ' ', "no space before the value", line);
        final String value = line.substring(at + 1);
        final double parsed = switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
        return new Sample(line.substring(0, name.end()), labels, parsed);
    }

    private static String unescape(String text) {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '\\') {
                final char next = text.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void check(boolean condition, String problem, String line) {
        if (!condition) {
            throw new AssertionError("not Prometheus text: " + problem + ": " + line);
        }
    }
}
