package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;
import dev.fulcrum.config.Ids;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A typed view of one JSON object that reads fields with defaults and records every refusal as a
 * {@link ConfigError} (code 1002) instead of throwing, so one request reports all of its mistakes.
 *
 * <p>Messages have the shape {@code path: value (expected: what): validation failed}. A JSON null counts as absent.
 * After a refused field the reader returns the default, so later checks run on sane values; callers throw with
 * {@link Problems#throwIfAny()} at the end.
 */
final class Fields {

    static final int VALIDATION_FAILED = 1002;
    private static final int MAX_SHOWN = 80;

    private final ObjectNode node;
    private final String prefix;
    private final Problems problems;

    private Fields(ObjectNode node, String prefix, Problems problems) {
        this.node = node;
        this.prefix = prefix;
        this.problems = problems;
    }

    /** The top-level body; a body that is not a JSON object is refused at once. */
    static Fields root(JsonNode body, Problems problems) {
        if (body == null || !body.isObject()) {
            throw new ConfigException(new ConfigError("", "body: " + show(body) + " (expected: a JSON object)"
                    + ": validation failed", VALIDATION_FAILED));
        }
        return new Fields((ObjectNode) body, "", problems);
    }

    Problems problems() {
        return problems;
    }

    String path(String field) {
        return prefix + field;
    }

    /** True when the field is present and not JSON null. */
    boolean has(String field) {
        final JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    JsonNode raw(String field) {
        final JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    /** Records {@code path: <value> (expected: <expected>): validation failed}. */
    void refuse(String path, JsonNode value, String expected) {
        problems.add(path, show(value) + " (expected: " + expected + ")");
    }

    void missing(String path, String expected) {
        problems.add(path, "missing (expected: " + expected + ")");
    }

    /** Records {@code path: <detail>: validation failed} for cross-field rules. */
    void refuse(String path, String detail) {
        problems.add(path, detail);
    }

    static String show(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        final String text = value.toString();
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "…";
    }

    // ---- scalars -----------------------------------------------------------------------------------------------

    String string(String field, String def, int maxLength) {
        final JsonNode v = raw(field);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            refuse(path(field), v, maxLength == Integer.MAX_VALUE ? "string" : "string of at most " + maxLength
                    + " characters");
            return def;
        }
        final String s = v.textValue();
        if (s.length() > maxLength) {
            refuse(path(field), v, "string of at most " + maxLength + " characters");
            return def;
        }
        return s;
    }

    /** A required string; null (after recording the error) when missing or wrong. */
    String requiredString(String field, String expected, Predicate<String> valid) {
        final JsonNode v = raw(field);
        if (v == null) {
            missing(path(field), expected);
            return null;
        }
        if (!v.isTextual() || !valid.test(v.textValue())) {
            refuse(path(field), v, expected);
            return null;
        }
        return v.textValue();
    }

    /** An optional string checked by {@code valid}; {@code def} when absent or refused. */
    String string(String field, String def, String expected, Predicate<String> valid) {
        final JsonNode v = raw(field);
        if (v == null) {
            return def;
        }
        if (!v.isTextual() || !valid.test(v.textValue())) {
            refuse(path(field), v, expected);
            return def;
        }
        return v.textValue();
    }

    boolean bool(String field, boolean def) {
        final Boolean b = optionalBool(field);
        return b == null ? def : b;
    }

    Boolean optionalBool(String field) {
        final JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            refuse(path(field), v, "true or false");
            return null;
        }
        return v.booleanValue();
    }

    int integer(String field, int def, int min, int max) {
        final Integer i = optionalInteger(field, min, max);
        return i == null ? def : i;
    }

    /** An integer in [min, max]; null when absent or refused. Integral floats such as {@code 5.0} are accepted. */
    Integer optionalInteger(String field, int min, int max) {
        final JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        final Integer i = integerValue(v);
        if (i == null || i < min || i > max) {
            refuse(path(field), v, "integer " + range(min, max));
            return null;
        }
        return i;
    }

    static Integer integerValue(JsonNode v) {
        if (!v.isNumber()) {
            return null;
        }
        final BigDecimal d = decimal(v);
        try {
            return d.stripTrailingZeros().scale() <= 0 ? d.intValueExact() : null;
        } catch (ArithmeticException tooBig) {
            return null;
        }
    }

    static String range(long min, long max) {
        if (max == Integer.MAX_VALUE) {
            return ">= " + min;
        }
        return min + "-" + max;
    }

    double number(String field, double def, BigDecimal min, BigDecimal max, BigDecimal step) {
        final Double d = optionalNumber(field, min, max, step);
        return d == null ? def : d;
    }

    /** A number in [min, max], a multiple of {@code step} when step is not null; null when absent or refused. */
    Double optionalNumber(String field, BigDecimal min, BigDecimal max, BigDecimal step) {
        final JsonNode v = raw(field);
        return v == null ? null : numberValue(path(field), v, min, max, step);
    }

    Double numberValue(String path, JsonNode v, BigDecimal min, BigDecimal max, BigDecimal step) {
        final String expected = "number " + min.toPlainString() + "-" + max.toPlainString()
                + (step == null ? "" : " in steps of " + step.toPlainString());
        if (!v.isNumber()) {
            refuse(path, v, expected);
            return null;
        }
        final BigDecimal d = decimal(v);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0
                || (step != null && d.remainder(step).signum() != 0)) {
            refuse(path, v, expected);
            return null;
        }
        return d.doubleValue();
    }

    /** The decimal a JSON number was written as: doubles go through their shortest text so 0.07 stays 0.07. */
    static BigDecimal decimal(JsonNode v) {
        if (v.isFloat() || v.isDouble()) {
            final double d = v.doubleValue();
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : BigDecimal.valueOf(Long.MAX_VALUE);
        }
        return v.decimalValue();
    }

    /** One of {@code allowed}, compared exactly (case-sensitive). */
    String choice(String field, String def, Collection<String> allowed) {
        final JsonNode v = raw(field);
        if (v == null) {
            return def;
        }
        if (!v.isTextual() || !allowed.contains(v.textValue())) {
            refuse(path(field), v, oneOf(allowed));
            return def;
        }
        return v.textValue();
    }

    static String oneOf(Collection<String> allowed) {
        final StringBuilder sb = new StringBuilder("one of ");
        boolean first = true;
        for (final String a : allowed) {
            sb.append(first ? "" : ", ").append(a.isEmpty() ? "\"\"" : a);
            first = false;
        }
        return sb.toString();
    }

    String requiredId(String field, String what) {
        return requiredString(field, what + " id (32 lowercase hex)", Ids::isValid);
    }

    /** An optional id; null when absent or refused. */
    String optionalId(String field, String what) {
        return string(field, null, what + " id (32 lowercase hex)", Ids::isValid);
    }

    /**
     * An optional reference to another object, where the empty string also means "none". Typed clients declare
     * such fields as plain strings (the Cloudflare SDKs' {@code monitor?: string}), so {@code ""} is the only way
     * they have to clear one in a PATCH; JSON null keeps working too.
     */
    String optionalReference(String field, String what) {
        final JsonNode v = raw(field);
        if (v != null && v.isTextual() && v.textValue().isEmpty()) {
            return null;
        }
        return optionalId(field, what);
    }

    // ---- structures --------------------------------------------------------------------------------------------

    /** The nested object, or null when absent or JSON null; a non-object is refused (and null returned). */
    Fields object(String field) {
        final JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            refuse(path(field), v, "object");
            return null;
        }
        return new Fields((ObjectNode) v, path(field) + ".", problems);
    }

    /** Wraps an element of an array (path like {@code origins[2]}); null after refusing a non-object. */
    Fields element(String elementPath, JsonNode v) {
        if (v == null || !v.isObject()) {
            refuse(elementPath, v, "object");
            return null;
        }
        return new Fields((ObjectNode) v, elementPath + ".", problems);
    }

    /** The array's elements, or null when absent; a non-array is refused (and null returned). */
    List<JsonNode> array(String field) {
        final JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            refuse(path(field), v, "array");
            return null;
        }
        final List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
    }

    /** The names of this object's fields, in document order (JSON nulls included). */
    List<String> fieldNames() {
        final List<String> names = new ArrayList<>(node.size());
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The object's entries in document order, or null when absent; a non-object is refused. */
    Map<String, JsonNode> entries(String field) {
        final JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            refuse(path(field), v, "object");
            return null;
        }
        final Map<String, JsonNode> out = new LinkedHashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * A list of strings, each checked by {@code valid}; duplicates refused when {@code unique}. Null when absent;
     * refused elements are dropped.
     */
    List<String> stringList(String field, String expected, Predicate<String> valid, boolean unique) {
        final List<JsonNode> items = array(field);
        return items == null ? null : strings(path(field), items, expected, valid, unique);
    }

    List<String> strings(String path, List<JsonNode> items, String expected, Predicate<String> valid,
                         boolean unique) {
        return strings(path, items, expected, valid, unique, "");
    }

    /** As above, a refused duplicate's detail starting with {@code duplicatePrefix} (e.g. an error identifier). */
    List<String> strings(String path, List<JsonNode> items, String expected, Predicate<String> valid,
                         boolean unique, String duplicatePrefix) {
        final List<String> out = new ArrayList<>(items.size());
        final Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            final JsonNode item = items.get(i);
            final String itemPath = path + "[" + i + "]";
            if (!item.isTextual() || !valid.test(item.textValue())) {
                refuse(itemPath, item, expected);
            } else if (unique && !seen.add(item.textValue())) {
                refuse(itemPath, duplicatePrefix + show(item) + " (expected: unique values, " + expected + ")");
            } else {
                out.add(item.textValue());
            }
        }
        return out;
    }
}
