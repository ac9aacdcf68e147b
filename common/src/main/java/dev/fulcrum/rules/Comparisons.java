package dev.fulcrum.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Builds the {@link ValueTest} of an operator whose right-hand side the parser has read and checked. */
final class Comparisons {

    private Comparisons() {
    }

    /** {@code eq … ge}, {@code contains}, {@code matches}, {@code wildcard} on strings; {@code literal} as compiled. */
    static ValueTest string(Op op, Object literal) {
        return switch (op) {
            case EQ -> literal::equals;
            case NE -> v -> !literal.equals(v);
            case LT -> v -> ((String) v).compareTo((String) literal) < 0;
            case LE -> v -> ((String) v).compareTo((String) literal) <= 0;
            case GT -> v -> ((String) v).compareTo((String) literal) > 0;
            case GE -> v -> ((String) v).compareTo((String) literal) >= 0;
            case CONTAINS -> v -> ((String) v).contains((String) literal);
            case MATCHES -> v -> ((Regex) literal).find((String) v);
            case WILDCARD, STRICT_WILDCARD -> v -> ((Wildcard) literal).matches((String) v);
            case IN -> ((Set<?>) literal)::contains;
        };
    }

    static ValueTest integer(Op op, Object literal) {
        if (op == Op.IN) {
            return ((Set<?>) literal)::contains;
        }
        final long right = (Long) literal;
        return switch (op) {
            case EQ -> v -> (Long) v == right;
            case NE -> v -> (Long) v != right;
            case LT -> v -> (Long) v < right;
            case LE -> v -> (Long) v <= right;
            case GT -> v -> (Long) v > right;
            case GE -> v -> (Long) v >= right;
            default -> throw new IllegalArgumentException(op + " on integers");
        };
    }

    static ValueTest ip(Op op, Object literal) {
        return switch (op) {
            case EQ -> v -> Arrays.equals((byte[]) v, (byte[]) literal);
            case NE -> v -> !Arrays.equals((byte[]) v, (byte[]) literal);
            case IN -> {
                final IpRange[] ranges = ((List<?>) literal).toArray(new IpRange[0]);
                yield v -> {
                    for (IpRange range : ranges) {
                        if (range.contains((byte[]) v)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            default -> throw new IllegalArgumentException(op + " on IP addresses");
        };
    }

    static ValueTest bool(Op op, boolean literal) {
        return op == Op.EQ ? v -> (Boolean) v == literal : v -> (Boolean) v != literal;
    }

    /** The comparison of one value: false when the value is absent, whatever the operator (as in Cloudflare). */
    static Check check(Value left, ValueTest test) {
        return in -> {
            final Object v = left.get(in);
            return v != null && test.test(v);
        };
    }
}
