package dev.fulcrum.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Conditions that must not compile, each with the column and the words its message must carry. */
class ConditionErrorsTest {

    private static ConditionException refusal(String condition) {
        try {
            Condition.compile(condition);
        } catch (ConditionException e) {
            return e;
        }
        throw new AssertionError("compiled: " + condition);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        // unknown or unavailable names
        "http.nope eq \"x\" => 1 => unknown field http.nope",
        "HTTP.HOST eq \"x\" => 1 => unknown field HTTP.HOST",
        "dns.qry.name eq \"x\" => 1 => DNS-only field",
        "len(http.host) eq 3 => 1 => unknown function len()",
        "lower eq \"x\" => 1 => function lower without arguments",
        "eq \"x\" => 1 => operator eq where a field was expected",
        // types
        "ip.src contains \"x\" => 8 => contains on ip.src (an IP address)",
        "ip.src lt 10.0.0.1 => 8 => lt on ip.src",
        "ip.src eq \"10.0.0.1\" => 11 => is not an IP address",
        "ip.src eq 10.0.0.0/8 => 11 => the range 10.0.0.0/8",
        "ip.src in {10.0.0.0/33} => 12 => the prefix length",
        "ip.src in {300.0.0.1} => 12 => 300.0.0.1 is not an IP address",
        "ip.src in {2001:db8:::1} => 12 => not an IP address",
        "http.request.timestamp.sec contains \"1\" => 28 => contains on http.request.timestamp.sec",
        "http.request.timestamp.sec eq \"1\" => 31 => an integer",
        "http.request.timestamp.sec eq 1.5 => 31 => an integer",
        "http.request.timestamp.sec eq 99999999999999999999 => 31 => out of range",
        "http.host eq 5 => 14 => a string literal",
        "http.host => 10 => the end of the condition after http.host (a string)",
        "http.host and true => 11 => after http.host",
        "http.request.headers eq \"x\" => 22 => eq on http.request.headers (a map of string arrays)",
        "http.request.headers[0] eq \"x\" => 22 => a key such as",
        "http.request.headers[*] eq \"x\" => 21 => [*] on http.request.headers",
        "http.request.headers[\"a\"] eq \"x\" => 27 => [0] or [*] before the operator",
        "http.request.headers[\"a\"][\"b\"] eq \"x\" => 27 => an index such as [0] or [*]",
        "http.request.headers[\"a\"][-1] eq \"x\" => 27 => index -1",
        "http.request.headers[\"a\"][*][0] eq \"x\" => 29 => an index after [*]",
        "http.host[0] eq \"x\" => 10 => an index on http.host",
        "http.request.headers[\"a\"][*] eq \"x\" => 1 => is an array of booleans",
        "any(http.host eq \"x\") => 5 => any() of http.host eq",
        "lower(ip.src) eq \"x\" => 7 => lower() of ip.src",
        "starts_with(http.host, 5) => 24 => a string literal",
        "starts_with(http.host \"x\") => 23 => , and the prefix",
        "true eq 1 => 9 => true or false",
        // literals
        "\"x\" eq http.host => 1 => a literal",
        "5 eq http.request.timestamp.sec => 1 => a literal",
        "http.host eq \"x => 14 => a string that is not closed",
        "http.host eq \"a\\n\" => 16 => the escape \\n",
        "http.host eq r#\"x\" => 14 => a raw string that is not closed",
        "http.host eq r\"x => 14 => a raw string that is not closed",
        "http.host in {} => 14 => an empty set",
        "http.host in {\"a\", \"b\"} => 18 => a comma in a set",
        "http.host in {\"a\" => 14 => a set that is not closed",
        "http.host in \"a\" => 14 => a set of values",
        "ip.src in $office => 11 => a set of values",
        "$office eq \"x\" => 1 => load balancer rules cannot use lists",
        // wildcard and regex
        "http.host wildcard \"a**\" => 20 => \"**\" in the wildcard pattern",
        "http.host wildcard r\"a\\b\" => 20 => a backslash not followed by * or \\",
        "http.host strict \"a\" => 18 => after strict",
        "http.host matches \"(\" => 19 => invalid regular expression",
        "http.host matches r\"(a)\\1\" => 19 => a backreference",
        "http.host matches r\"\\k<x>\" => 19 => a backreference",
        "http.host matches r\"a(?=b)\" => 19 => a look-around group",
        "http.host matches r\"(?<!a)b\" => 19 => a look-around group",
        "http.host matches r\"(?>a)\" => 19 => an atomic group",
        "http.host matches r\"a*+\" => 19 => a possessive quantifier",
        "http.host matches r\"a{2}+\" => 19 => a possessive quantifier",
        "http.host matches r\"(?U)a*\" => 19 => the inline flag 'U'",
        "http.host matches r\"\\Qa\\E\" => 19 => \\Q…\\E quoting",
        // operators and structure
        "http.host EQ \"x\" => 11 => operator EQ in upper case",
        "http.host eq \"x\" AND true => 18 => operator AND in upper case",
        "NOT true => 1 => operator NOT in upper case",
        "http.host Matches \"x\" => 11 => operator Matches in upper case",
        "http.host eqq \"x\" => 11 => unknown operator \"eqq\" after http.host",
        "http.host eq \"x\" true => 18 => unexpected \"true\"",
        "(true => 6 => a closing ) for the ( at column 1",
        "true) => 5 => unexpected \")\"",
        "not => 4 => the condition ends here",
        "true and => 9 => the condition ends here",
        "true | false => 6 => unexpected \"|\"",
        "@ => 1 => unexpected \"@\"",
    })
    void refused(String condition, int column, String fragment) {
        final ConditionException e = refusal(condition);
        assertThat(e.getMessage()).as(condition).contains(fragment).startsWith("at column " + column + ": ")
                .contains("(expected: ");
        assertThat(e.position()).isEqualTo(column - 1);
    }

    @Test
    void messagesNameWhatIsExpected() {
        assertThat(refusal("ip.src contains \"x\"").expected()).isEqualTo("an operator: eq (==), ne (!=), in");
        assertThat(refusal("http.nope eq \"x\"").expected()).startsWith("one of cf.load_balancer.name, ")
                .contains("http.request.uri.args.values");
        assertThat(refusal("http.host matches r\"(a)\\1\"").expected()).contains("Rust regex syntax");
    }

    @Test
    void lengthAndDepthAreBounded() {
        final String longest = "http.host eq \"" + "a".repeat(Condition.MAX_LENGTH - 15) + "\"";
        assertThat(longest).hasSize(Condition.MAX_LENGTH);
        assertThat(refusalOrNull(longest)).isNull();
        assertThat(refusal(longest + " ").getMessage()).contains("a condition of 4097 characters")
                .contains("at most 4096 characters");

        final String deep = "(".repeat(Condition.MAX_DEPTH) + "true" + ")".repeat(Condition.MAX_DEPTH);
        assertThat(refusalOrNull(deep)).isNull();
        assertThat(refusal("(" + deep + ")").getMessage()).contains("more than 32 nested");
        assertThat(refusal("not ".repeat(Condition.MAX_DEPTH + 1) + "true").getMessage())
                .contains("more than 32 nested");
        // A hostile condition within the length cap fails cleanly instead of exhausting the stack.
        assertThat(refusal("(".repeat(4000)).getMessage()).contains("more than 32 nested");
        assertThat(refusal("!".repeat(4000) + "true").getMessage()).contains("more than 32 nested");
        assertThat(refusal("lower(".repeat(600)).getMessage()).contains("more than 32 nested");
    }

    @Test
    void aDeeplyNestedRegexIsRefusedNotFatal() {
        final String nested = "(".repeat(1900) + "a" + ")".repeat(1900);
        final ConditionException e = refusal("http.host matches r\"" + nested + "\"");
        assertThat(e.getMessage()).contains("a regular expression nested too deeply");
    }

    @Test
    void nestingUpToRustsLimitIsAccepted() {
        final String atLimit = "(?:".repeat(Regex.MAX_NESTING) + "a" + ")".repeat(Regex.MAX_NESTING);
        assertThat(refusalOrNull("http.host matches r\"" + atLimit + "\"")).isNull();
        final String beyond = "(" + atLimit + ")";
        assertThat(refusal("http.host matches r\"" + beyond + "\"").getMessage()).contains("nested too deeply");
        final String classesDoNotCount = "[(]".repeat(300) + "(a)";
        assertThat(refusalOrNull("http.host matches r\"" + classesDoNotCount + "\"")).isNull();
    }

    @Test
    void longFlatChainsAreFine() {
        final String chain = "http.host eq \"a\"" + " or http.host eq \"a\"".repeat(200);
        assertThat(refusalOrNull(chain)).isNull();
    }

    @Test
    void blankIsAlways() throws ConditionException {
        assertThat(Condition.compile(null)).isSameAs(Condition.ALWAYS);
        assertThat(Condition.compile(" \n\t")).isSameAs(Condition.ALWAYS);
        assertThatThrownBy(() -> Condition.compile("()")).isInstanceOf(ConditionException.class);
    }

    private static ConditionException refusalOrNull(String condition) {
        try {
            Condition.compile(condition);
            return null;
        } catch (ConditionException e) {
            return e;
        }
    }
}
