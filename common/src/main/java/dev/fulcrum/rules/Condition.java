package dev.fulcrum.rules;

/**
 * A compiled rule condition (spec §6.1): parsed and type-checked once, then evaluated per request without further
 * parsing. An empty condition matches every request.
 *
 * <p>Supported: the fields of {@code Field} ({@code cf.load_balancer.*}, {@code ip.src}, {@code http.*}); the
 * operators {@code eq ne lt le gt ge} ({@code == != < <= > >=}), {@code contains}, {@code matches} ({@code ~}),
 * {@code in {…}}, {@code wildcard}, {@code strict wildcard}; {@code not and xor or} ({@code ! && ^^ ||}) and
 * parentheses; {@code any()}, {@code all()}, {@code lower()}, {@code starts_with()}, {@code ends_with()}; string,
 * raw string, integer, IP, CIDR and boolean literals; {@code map["key"]}, {@code array[0]}, {@code array[*]}.
 * Cloudflare's DNS-only fields are refused, since Fulcrum answers no DNS.
 *
 * <p>Bounds: at most {@value #MAX_LENGTH} characters and {@value #MAX_DEPTH} levels of nesting, so a hostile
 * condition can neither exhaust the stack nor grow without limit; evaluation is linear in the condition and the
 * values it reads, except {@code matches}, whose search is capped (see {@code Regex}).
 *
 * <p>Thread safety: immutable; one instance is evaluated by many request threads at once.
 */
public final class Condition {

    /** The longest condition accepted, in characters. */
    public static final int MAX_LENGTH = 4096;
    /** The deepest nesting of parentheses, {@code not} and function calls accepted. */
    public static final int MAX_DEPTH = 32;

    /** The empty condition: every request matches. */
    public static final Condition ALWAYS = new Condition("", Check.TRUE);

    private final String text;
    private final Check root;

    private Condition(String text, Check root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Compiles {@code text}; blank (or null) is {@link #ALWAYS}.
     *
     * @throws ConditionException naming the column, the problem and what was expected
     */
    public static Condition compile(String text) throws ConditionException {
        if (text == null || text.isBlank()) {
            return ALWAYS;
        }
        if (text.length() > MAX_LENGTH) {
            throw new ConditionException(MAX_LENGTH, "a condition of " + text.length() + " characters",
                    "at most " + MAX_LENGTH + " characters");
        }
        return new Condition(text, Parser.parse(text));
    }

    /** True when the request matches; reads only the fields the condition names. */
    public boolean matches(RuleInput input) {
        return root.test(input);
    }

    /** True when the condition is constantly true (empty, or {@code true}): it needs no request facts at all. */
    public boolean always() {
        return root == Check.TRUE;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "(always)" : text;
    }
}
