package dev.fulcrum.rules;

import java.util.List;

/** The logical operators over compiled checks; {@code and} and {@code or} stop at the first deciding operand. */
final class Logic {

    private Logic() {
    }

    static Check not(Check inner) {
        return in -> !inner.test(in);
    }

    static Check and(List<Check> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        final Check[] all = parts.toArray(new Check[0]);
        return in -> {
            for (Check c : all) {
                if (!c.test(in)) {
                    return false;
                }
            }
            return true;
        };
    }

    static Check or(List<Check> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        final Check[] all = parts.toArray(new Check[0]);
        return in -> {
            for (Check c : all) {
                if (c.test(in)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** True when an odd number of operands are true (left-associative xor of all of them). */
    static Check xor(List<Check> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        final Check[] all = parts.toArray(new Check[0]);
        return in -> {
            boolean result = false;
            for (Check c : all) {
                result ^= c.test(in);
            }
            return result;
        };
    }
}
