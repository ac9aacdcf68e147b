package dev.fulcrum.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive descent over the rules language (spec §6.1), typed as it goes: the left-hand side of a comparison is a
 * field or function call, and its type decides how the right-hand literal is read (a string, an integer, an IP or
 * CIDR, a set of those). Precedence, loosest first: {@code or ||}, {@code xor ^^}, {@code and &&}, {@code not !}.
 *
 * <p>Bounds: the caller caps the text at {@link Condition#MAX_LENGTH}; parentheses, {@code not} and function calls
 * nest at most {@link Condition#MAX_DEPTH} deep, which bounds the recursion here and in evaluation. Chains of
 * {@code and}/{@code or} are flat lists, not nesting.
 */
final class Parser {

    private static final String START = "a field, a function call, not, ! or (";
    private static final String LOGIC_OR_END = "and (&&), or (||), xor (^^) or the end of the condition";
    private static final Set<String> FUNCTIONS = Set.of("any", "all", "lower", "starts_with", "ends_with");
    private static final Set<String> LOGIC_WORDS = Set.of("and", "or", "xor", "not");

    private final String text;
    private final int n;
    private int pos;
    private int depth;

    private Parser(String text) {
        this.text = text;
        this.n = text.length();
    }

    static Check parse(String text) throws ConditionException {
        final Parser p = new Parser(text);
        final Check root = p.or();
        p.skipSpace();
        if (p.pos < p.n) {
            final int end = p.wordEnd(p.pos);
            final String word = p.text.substring(p.pos, end);
            final String lower = word.toLowerCase(Locale.ROOT);
            if (!lower.equals(word) && LOGIC_WORDS.contains(lower)) {
                throw p.error(p.pos, "operator " + word + " in upper case", "operators in lower case: " + lower);
            }
            throw p.error(p.pos, "unexpected " + p.here(), LOGIC_OR_END);
        }
        return root;
    }

    // ---- logic -------------------------------------------------------------------------------------------------

    private Check or() throws ConditionException {
        final List<Check> parts = new ArrayList<>();
        parts.add(xor());
        while (logic("or", "||")) {
            parts.add(xor());
        }
        return Logic.or(parts);
    }

    private Check xor() throws ConditionException {
        final List<Check> parts = new ArrayList<>();
        parts.add(and());
        while (logic("xor", "^^")) {
            parts.add(and());
        }
        return Logic.xor(parts);
    }

    private Check and() throws ConditionException {
        final List<Check> parts = new ArrayList<>();
        parts.add(not());
        while (logic("and", "&&")) {
            parts.add(not());
        }
        return Logic.and(parts);
    }

    private Check not() throws ConditionException {
        skipSpace();
        final int at = pos;
        final boolean bang = pos < n && text.charAt(pos) == '!' && !(pos + 1 < n && text.charAt(pos + 1) == '=');
        if (bang || keyword("not")) {
            pos = bang ? pos + 1 : pos + 3;
            enter(at);
            final Check inner = not();
            depth--;
            return Logic.not(inner);
        }
        return primary();
    }

    private Check primary() throws ConditionException {
        skipSpace();
        final int at = pos;
        if (pos < n && text.charAt(pos) == '(') {
            enter(at);
            pos++;
            final Check inner = or();
            expect(')', "a closing ) for the ( at column " + (at + 1));
            depth--;
            return inner;
        }
        final Term t = comparison(term());
        if (t.type() == Type.BOOL_ARRAY) {
            throw error(t.position(), t.text() + " is an array of booleans",
                    "a boolean: wrap it in any(…) or all(…)");
        }
        if (t.value() instanceof Check check) {
            return check;
        }
        final Value v = t.value(); // an element of an array of booleans
        return in -> Boolean.TRUE.equals(v.get(in));
    }

    /** Consumes {@code word} or {@code symbol} when it comes next; refuses the word in upper case. */
    private boolean logic(String word, String symbol) throws ConditionException {
        skipSpace();
        if (text.startsWith(symbol, pos)) {
            pos += symbol.length();
            return true;
        }
        if (keyword(word)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    // ---- terms -------------------------------------------------------------------------------------------------

    /** A field (with indexes), a function call, or {@code true}/{@code false}. */
    private Term term() throws ConditionException {
        skipSpace();
        final int at = pos;
        if (pos >= n) {
            throw error(at, "the condition ends here", START);
        }
        final char c = text.charAt(pos);
        if (c == '"' || c == '{' || c == '-' || Character.isDigit(c) || rawStringAt(pos)) {
            throw error(at, "a literal (" + here() + ") where a field was expected",
                    "a field or function call on the left of the operator, the literal on its right");
        }
        if (c == '$') {
            throw error(at, "a list reference " + here(), "literal values: load balancer rules cannot use lists");
        }
        if (!identifierStart(c)) {
            throw error(at, "unexpected " + here(), START);
        }
        final String name = identifier();
        skipSpace();
        final boolean call = pos < n && text.charAt(pos) == '(';
        if (call) {
            if (!FUNCTIONS.contains(name)) {
                throw error(at, "unknown function " + name + "()", "one of any(), all(), lower(), starts_with(), "
                        + "ends_with()");
            }
            return indexes(function(name, at));
        }
        if (name.equals("true") || name.equals("false")) {
            return new Term(name.equals("true") ? Check.TRUE : Check.FALSE, Type.BOOL, false, null, at, name);
        }
        final Field field = Field.named(name);
        if (field == null) {
            throw unknownName(name, at);
        }
        return indexes(new Term(field.value, field.type, false, field.type == Type.STRING_MAP ? field : null, at,
                name));
    }

    private ConditionException unknownName(String name, int at) {
        if (Field.DNS_ONLY.contains(name)) {
            return error(at, name + " is a DNS-only field, and Fulcrum answers HTTP only",
                    "a field of proxied load balancers: " + Field.names());
        }
        if (FUNCTIONS.contains(name)) {
            return error(at, "function " + name + " without arguments", name + "(…)");
        }
        final String lower = name.toLowerCase(Locale.ROOT);
        if (Op.ofWord(lower) != null || LOGIC_WORDS.contains(lower)) {
            return lower.equals(name) ? error(at, "operator " + name + " where a field was expected", START)
                    : error(at, "operator " + name + " in upper case", "operators in lower case: " + lower);
        }
        return error(at, "unknown field " + name, "one of " + Field.names());
    }

    /** {@code [ "key" ]} on a map field, {@code [ 0 ]} or {@code [ * ]} on an array, as often as given. */
    private Term indexes(Term t) throws ConditionException {
        Term term = t;
        while (pos < n && text.charAt(pos) == '[') {
            final int at = pos;
            if (term.each()) {
                throw error(at, "an index after [*]", "an operator or the end of the function call after x[*]");
            }
            pos++;
            skipSpace();
            if (pos < n && text.charAt(pos) == '*') {
                pos++;
                expect(']', "] after [*");
                if (!term.type().isArray()) {
                    throw error(at, "[*] on " + term.describe(), term.type() == Type.STRING_MAP
                            ? "a key such as [\"name\"]: [*] applies to arrays" : "an array before [*]");
                }
                term = new Term(term.value(), term.type().element(), true, null, term.position(),
                        source(term.position()));
            } else if (term.type() == Type.STRING_MAP) {
                final String key = string("a key such as [\"name\"]");
                expect(']', "] after the key");
                term = new Term(term.field().lookup(key), Type.STRING_ARRAY, false, null, term.position(),
                        source(term.position()));
            } else if (term.type().isArray()) {
                final int indexAt = pos;
                final long index = integer("an index such as [0] or [*]");
                if (index < 0 || index > Integer.MAX_VALUE) {
                    throw error(indexAt, "index " + index, "an index of 0 or more");
                }
                expect(']', "] after the index");
                final Value array = term.value();
                final int i = (int) index;
                term = new Term(in -> {
                    final List<?> list = (List<?>) array.get(in);
                    return list != null && i < list.size() ? list.get(i) : null;
                }, term.type().element(), false, null, term.position(), source(term.position()));
            } else {
                throw error(at, "an index on " + term.describe(), "an index only after a map or an array");
            }
        }
        return term;
    }

    private Term function(String name, int at) throws ConditionException {
        enter(at);
        pos++; // '('
        final Term result = switch (name) {
            case "any", "all" -> {
                final Term arg = comparison(term());
                if (arg.type() != Type.BOOL_ARRAY || !(arg.value() instanceof EachTest each)) {
                    throw error(arg.position(), name + "() of " + arg.describe(),
                            "an array of booleans, e.g. " + name + "(http.request.headers[\"x\"][*] == \"v\")");
                }
                yield new Term(name.equals("any") ? (Check) each::any : (Check) each::all, Type.BOOL, false, null,
                        at, name + "(…)");
            }
            case "lower" -> {
                final Term arg = stringArgument(name);
                final Value v = arg.value();
                final Value lowered = arg.each() ? in -> {
                    final List<?> list = (List<?>) v.get(in);
                    if (list == null) {
                        return null;
                    }
                    final List<String> out = new ArrayList<>(list.size());
                    for (Object s : list) {
                        out.add(s == null ? null : Ascii.lower((String) s));
                    }
                    return out;
                } : in -> {
                    final Object s = v.get(in);
                    return s == null ? null : Ascii.lower((String) s);
                };
                yield new Term(lowered, arg.each() ? Type.STRING_ARRAY : Type.STRING, false, null, at, name + "(…)");
            }
            default -> { // starts_with, ends_with
                final Term arg = stringArgument(name);
                expect(',', ", and the " + (name.equals("starts_with") ? "prefix" : "suffix") + " as a string");
                final String affix = string("a string literal such as \"/api\"");
                final ValueTest test = name.equals("starts_with") ? s -> ((String) s).startsWith(affix)
                        : s -> ((String) s).endsWith(affix);
                yield arg.each() ? new Term(new EachTest(arg.value(), test), Type.BOOL_ARRAY, false, null, at,
                        name + "(…)") : new Term(Comparisons.check(arg.value(), test), Type.BOOL, false, null, at,
                        name + "(…)");
            }
        };
        expect(')', ") closing " + name + "(");
        depth--;
        return new Term(result.value(), result.type(), false, null, at, source(at));
    }

    private Term stringArgument(String function) throws ConditionException {
        final Term arg = term();
        if (arg.type() != Type.STRING) {
            throw error(arg.position(), function + "() of " + arg.describe(),
                    "a string, or x[*] for every string of an array");
        }
        return arg;
    }

    // ---- comparisons -------------------------------------------------------------------------------------------

    /** {@code term op literal}, or the term itself when no operator follows (booleans, arrays of booleans). */
    private Term comparison(Term t) throws ConditionException {
        skipSpace();
        final int at = pos;
        final Op op = operator();
        if (op == null) {
            if ((t.type() == Type.BOOL || t.type() == Type.BOOL_ARRAY) && !t.each()) {
                return t;
            }
            final String next = pos < n && identifierStart(text.charAt(pos))
                    && !LOGIC_WORDS.contains(text.substring(pos, wordEnd(pos))) ? "unknown operator " + here()
                    : pos < n ? here() : "the end of the condition";
            throw error(at, next + " after " + t.describe(), operatorsFor(t));
        }
        if (t.type() == Type.STRING_MAP) {
            throw error(at, op.word + " on " + t.describe(), "an index such as " + t.text()
                    + "[\"name\"] before the operator");
        }
        if (t.type().isArray() && !t.each()) {
            throw error(at, op.word + " on " + t.describe(), "[0] or [*] before the operator, e.g. any("
                    + t.text() + "[*] " + op.word + " …)");
        }
        if (!op.appliesTo(t.type())) {
            throw error(at, op.word + " on " + t.describe(), operatorsFor(t));
        }
        final ValueTest test = rightHandSide(op, t.type());
        if (t.each()) {
            return new Term(new EachTest(t.value(), test), Type.BOOL_ARRAY, false, null, t.position(),
                    source(t.position()));
        }
        return new Term(Comparisons.check(t.value(), test), Type.BOOL, false, null, t.position(),
                source(t.position()));
    }

    private static String operatorsFor(Term t) {
        if (t.type() == Type.STRING_MAP) {
            return "an index such as " + t.text() + "[\"name\"]";
        }
        if (t.type().isArray() && !t.each()) {
            return "an index such as [0] or [*]";
        }
        return "an operator: " + Op.forType(t.type());
    }

    /** The operator that comes next, consumed; null (nothing consumed) when none does. */
    private Op operator() throws ConditionException {
        for (String symbol : new String[] {"==", "!=", "<=", ">=", "<", ">", "~"}) {
            if (text.startsWith(symbol, pos)) {
                pos += symbol.length();
                for (Op op : Op.values()) {
                    if (symbol.equals(op.symbol)) {
                        return op;
                    }
                }
            }
        }
        if (pos >= n || !identifierStart(text.charAt(pos))) {
            return null;
        }
        final int at = pos;
        final int end = wordEnd(pos);
        final String word = text.substring(pos, end);
        final Op op = Op.ofWord(word);
        if (op == null) {
            final String lower = word.toLowerCase(Locale.ROOT);
            if (!lower.equals(word) && (Op.ofWord(lower) != null || LOGIC_WORDS.contains(lower))) {
                throw error(at, "operator " + word + " in upper case", "operators in lower case: " + lower);
            }
            return null;
        }
        pos = end;
        if (op == Op.STRICT_WILDCARD) {
            skipSpace();
            if (!keyword("wildcard")) {
                throw error(pos, (pos < n ? here() : "the end of the condition") + " after strict",
                        "strict wildcard \"pattern\"");
            }
            pos += "wildcard".length();
        }
        return op;
    }

    private ValueTest rightHandSide(Op op, Type type) throws ConditionException {
        skipSpace();
        final int at = pos;
        return switch (type) {
            case STRING -> Comparisons.string(op, switch (op) {
                case IN -> set(type);
                case MATCHES -> Regex.compile(string("a regular expression in a string literal"), at);
                case WILDCARD, STRICT_WILDCARD -> Wildcard.compile(string("a wildcard pattern in a string literal"),
                        op == Op.WILDCARD, at);
                default -> string("a string literal such as \"text\" or r\"text\"");
            });
            case INT -> Comparisons.integer(op, op == Op.IN ? set(type) : integer("an integer"));
            case IP -> Comparisons.ip(op, op == Op.IN ? set(type) : ip(false));
            case BOOL -> Comparisons.bool(op, bool());
            default -> throw new IllegalStateException("no operator applies to " + type);
        };
    }

    /** {@code { v1 v2 … }}: strings and integers as a hash set, IP addresses and ranges as a list. */
    private Object set(Type type) throws ConditionException {
        final int at = pos;
        expect('{', "a set of values such as {" + example(type) + "}");
        final Set<Object> values = new HashSet<>();
        final List<IpRange> ranges = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos < n && text.charAt(pos) == '}') {
                pos++;
                break;
            }
            if (pos >= n) {
                throw error(at, "a set that is not closed", "} after the values");
            }
            if (text.charAt(pos) == ',') {
                throw error(pos, "a comma in a set", "values separated by spaces, e.g. {" + example(type) + "}");
            }
            switch (type) {
                case STRING -> values.add(string("a string literal"));
                case INT -> values.add(integer("an integer"));
                default -> ranges.add((IpRange) ip(true));
            }
        }
        if (values.isEmpty() && ranges.isEmpty()) {
            throw error(at, "an empty set", "at least one value, e.g. {" + example(type) + "}");
        }
        return type == Type.IP ? ranges : Set.copyOf(values);
    }

    private static String example(Type type) {
        return switch (type) {
            case STRING -> "\"GET\" \"HEAD\"";
            case INT -> "80 443";
            default -> "203.0.113.0/24 198.51.100.7";
        };
    }

    // ---- literals ----------------------------------------------------------------------------------------------

    /** A string literal: {@code "…"} with {@code \"} and {@code \\}, or raw {@code r"…"}, {@code r#"…"#}. */
    private String string(String expected) throws ConditionException {
        skipSpace();
        final int at = pos;
        if (rawStringAt(pos)) {
            int hashes = 0;
            pos++;
            while (pos < n && text.charAt(pos) == '#') {
                hashes++;
                pos++;
            }
            if (pos >= n || text.charAt(pos) != '"') {
                throw error(at, "a raw string without its opening quote", "r\"…\" or r#\"…\"#");
            }
            final String close = "\"" + "#".repeat(hashes);
            final int end = text.indexOf(close, pos + 1);
            if (end < 0) {
                throw error(at, "a raw string that is not closed", close + " at its end");
            }
            final String value = text.substring(pos + 1, end);
            pos = end + close.length();
            return value;
        }
        if (pos >= n || text.charAt(pos) != '"') {
            throw error(at, pos < n ? here() : "the end of the condition", expected);
        }
        final StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < n) {
            final char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                final char next = pos < n ? text.charAt(pos) : 0;
                if (next != '"' && next != '\\') {
                    throw error(pos - 1, "the escape \\" + (next == 0 ? "" : String.valueOf(next))
                            + " in a string", "\\\" or \\\\ only; a raw string r\"…\" takes backslashes as they are");
                }
                sb.append(next);
                pos++;
            } else {
                sb.append(c);
            }
        }
        throw error(at, "a string that is not closed", "\" at its end");
    }

    private long integer(String expected) throws ConditionException {
        skipSpace();
        final int at = pos;
        int end = pos;
        if (end < n && text.charAt(end) == '-') {
            end++;
        }
        final int digits = end;
        while (end < n && Character.isDigit(text.charAt(end))) {
            end++;
        }
        if (end == digits || end < n && (identifierPart(text.charAt(end)) || text.charAt(end) == '.')) {
            throw error(at, pos < n ? here() : "the end of the condition", expected);
        }
        try {
            final long value = Long.parseLong(text.substring(at, end));
            pos = end;
            return value;
        } catch (NumberFormatException e) {
            throw error(at, text.substring(at, end) + " out of range", "an integer of 64 bits");
        }
    }

    /** An IP address; with {@code allowRange}, also a CIDR range (returned as an {@link IpRange}). */
    private Object ip(boolean allowRange) throws ConditionException {
        skipSpace();
        final int at = pos;
        int end = pos;
        while (end < n && (Character.digit(text.charAt(end), 16) >= 0 || text.charAt(end) == ':'
                || text.charAt(end) == '.')) {
            end++;
        }
        final byte[] address = end == at ? null : IpText.parse(text.substring(at, end));
        if (address == null) {
            throw error(at, (end == at ? (pos < n ? here() : "the end of the condition")
                    : text.substring(at, end)) + " is not an IP address",
                    allowRange ? "an IP address or CIDR range such as 192.0.2.1, 203.0.113.0/24 or 2001:db8::/32"
                            : "an IP address such as 192.0.2.1 or 2001:db8::1 (ranges only inside in {…})");
        }
        int prefix = address.length * 8;
        if (end < n && text.charAt(end) == '/') {
            if (!allowRange) {
                throw error(at, "the range " + word(at), "a single IP address: use in {…} for a CIDR range");
            }
            int p = end + 1;
            while (p < n && Character.isDigit(text.charAt(p))) {
                p++;
            }
            final String bits = text.substring(end + 1, p);
            if (bits.isEmpty() || bits.length() > 3 || Integer.parseInt(bits) > address.length * 8) {
                throw error(at, "the prefix length in " + text.substring(at, p),
                        "a prefix of 0-" + address.length * 8 + " bits");
            }
            prefix = Integer.parseInt(bits);
            end = p;
        }
        pos = end;
        return allowRange ? new IpRange(address, prefix) : address;
    }

    private boolean bool() throws ConditionException {
        skipSpace();
        if (keyword("true")) {
            pos += 4;
            return true;
        }
        if (keyword("false")) {
            pos += 5;
            return false;
        }
        throw error(pos, pos < n ? here() : "the end of the condition", "true or false");
    }

    // ---- scanning ----------------------------------------------------------------------------------------------

    private void skipSpace() {
        while (pos < n && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    /** True when {@code word} stands at the cursor as a whole word (nothing consumed). */
    private boolean keyword(String word) {
        return text.startsWith(word, pos) && (pos + word.length() == n || !identifierPart(text.charAt(pos
                + word.length())));
    }

    private void expect(char c, String expected) throws ConditionException {
        skipSpace();
        if (pos >= n || text.charAt(pos) != c) {
            throw error(pos, pos < n ? here() : "the end of the condition", expected);
        }
        pos++;
    }

    private void enter(int at) throws ConditionException {
        if (++depth > Condition.MAX_DEPTH) {
            throw error(at, "more than " + Condition.MAX_DEPTH + " nested parentheses, not or function calls",
                    "a flatter condition");
        }
    }

    private boolean rawStringAt(int i) {
        return i + 1 < n && text.charAt(i) == 'r' && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '#');
    }

    private String identifier() {
        final int start = pos;
        pos = wordEnd(pos);
        return text.substring(start, pos);
    }

    /** Field names run over letters, digits, '_' and '.'. */
    private int wordEnd(int from) {
        int i = from;
        while (i < n && (identifierPart(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        return i;
    }

    private static boolean identifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean identifierPart(char c) {
        return identifierStart(c) || c >= '0' && c <= '9';
    }

    /** The token at the cursor, quoted, for messages. */
    private String here() {
        return '"' + word(pos) + '"';
    }

    private String word(int from) {
        int end = from;
        while (end < n && end - from < 24 && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return end == from ? text.substring(from, Math.min(n, from + 1)) : text.substring(from, end);
    }

    private String source(int from) {
        final String s = text.substring(from, pos).trim();
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    private ConditionException error(int at, String problem, String expected) {
        return new ConditionException(at, problem, expected);
    }
}
