package dev.fulcrum.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A test applied to every element of an array ({@code x[*] == "a"}, {@code starts_with(x[*], "a")}): an array of
 * booleans, which {@code any()} and {@code all()} fold without building the array.
 */
final class EachTest implements Value {

    private final Value array;
    private final ValueTest test;

    EachTest(Value array, ValueTest test) {
        this.array = array;
        this.test = test;
    }

    @Override
    public Object get(RuleInput in) {
        final List<?> elements = (List<?>) array.get(in);
        if (elements == null) {
            return null;
        }
        final List<Boolean> out = new ArrayList<>(elements.size());
        for (Object e : elements) {
            out.add(e != null && test.test(e));
        }
        return out;
    }

    boolean any(RuleInput in) {
        final List<?> elements = (List<?>) array.get(in);
        if (elements == null) {
            return false;
        }
        for (Object e : elements) {
            if (e != null && test.test(e)) {
                return true;
            }
        }
        return false;
    }

    /** True for an empty array (nothing fails), as in Cloudflare; false when the array itself is absent. */
    boolean all(RuleInput in) {
        final List<?> elements = (List<?>) array.get(in);
        if (elements == null) {
            return false;
        }
        for (Object e : elements) {
            if (e == null || !test.test(e)) {
                return false;
            }
        }
        return true;
    }
}
