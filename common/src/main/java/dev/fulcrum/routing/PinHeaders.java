package dev.fulcrum.routing;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The client response headers of a decision that pins a session with a cookie: the decision's own headers
 * ({@code CF-Ray}) followed by {@code Set-Cookie: __cflb=…}. Immutable; entries are made when read.
 */
final class PinHeaders extends AbstractList<Map.Entry<String, String>> implements RandomAccess {

    static final String SET_COOKIE = "Set-Cookie";

    private final List<Map.Entry<String, String>> base;
    private final String setCookie;

    private PinHeaders(List<Map.Entry<String, String>> base, String setCookie) {
        this.base = base;
        this.setCookie = setCookie;
    }

    /** {@code base}, plus the Set-Cookie value when there is one. */
    static List<Map.Entry<String, String>> of(List<Map.Entry<String, String>> base, String setCookie) {
        return setCookie == null ? base : new PinHeaders(base, setCookie);
    }

    @Override
    public Map.Entry<String, String> get(int index) {
        if (index == base.size()) {
            return new AbstractMap.SimpleImmutableEntry<>(SET_COOKIE, setCookie);
        }
        return base.get(index);
    }

    @Override
    public int size() {
        return base.size() + 1;
    }
}
