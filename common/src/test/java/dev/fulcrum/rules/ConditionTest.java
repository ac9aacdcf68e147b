package dev.fulcrum.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules language evaluated: every field, operator, function, literal form and the precedence (spec §6.1). */
class ConditionTest {

    private static boolean matches(String condition, FakeInput input) {
        try {
            return Condition.compile(condition).matches(input);
        } catch (ConditionException e) {
            throw new AssertionError(condition + ": " + e.getMessage(), e);
        }
    }

    private static FakeInput request() {
        return new FakeInput();
    }

    // ---- fields ------------------------------------------------------------------------------------------------

    @Test
    void everyFieldReadsItsPartOfTheRequest() {
        final FakeInput in = request().lb("lb.example.com", "ENAM").client("203.0.113.9").host("api.example.com")
                .method("POST").path("/v1/items").query("a=1&b=x%20y&a=2&flag").protocol("HTTP/2.0").at(1_700_000_000)
                .header("Cookie", "sid=1").header("Cookie", "theme=dark").header("Referer", "https://ref.example/")
                .header("X-Multi", "one").header("X-Multi", "two");

        assertThat(matches("cf.load_balancer.name eq \"lb.example.com\"", in)).isTrue();
        assertThat(matches("cf.load_balancer.region eq \"ENAM\"", in)).isTrue();
        assertThat(matches("ip.src eq 203.0.113.9", in)).isTrue();
        assertThat(matches("http.cookie eq \"sid=1; theme=dark\"", in)).as("Cookie fields joined").isTrue();
        assertThat(matches("http.host eq \"api.example.com\"", in)).isTrue();
        assertThat(matches("http.referer eq \"https://ref.example/\"", in)).isTrue();
        assertThat(matches("http.request.headers[\"x-multi\"][0] eq \"one\"", in)).isTrue();
        assertThat(matches("http.request.headers[\"x-multi\"][1] eq \"two\"", in)).isTrue();
        assertThat(matches("http.request.method eq \"POST\"", in)).isTrue();
        assertThat(matches("http.request.timestamp.sec eq 1700000000", in)).isTrue();
        assertThat(matches("http.request.uri eq \"/v1/items?a=1&b=x%20y&a=2&flag\"", in)).isTrue();
        assertThat(matches("http.request.uri.path eq \"/v1/items\"", in)).isTrue();
        assertThat(matches("http.request.uri.query eq \"a=1&b=x%20y&a=2&flag\"", in)).isTrue();
        assertThat(matches("http.request.uri.args[\"a\"][1] eq \"2\"", in)).isTrue();
        assertThat(matches("http.request.uri.args[\"b\"][0] eq \"x%20y\"", in)).as("not decoded").isTrue();
        assertThat(matches("http.request.uri.args[\"flag\"][0] eq \"\"", in)).isTrue();
        assertThat(matches("http.request.uri.args.names[3] eq \"flag\"", in)).isTrue();
        assertThat(matches("http.request.uri.args.values[2] eq \"2\"", in)).isTrue();
        assertThat(matches("http.request.version eq \"HTTP/2\"", in)).isTrue();
    }

    @Test
    void missingPartsAreEmptyStringsAndMissingIndexesMatchNothing() {
        final FakeInput in = request().lb("lb.example.com", null);
        assertThat(matches("http.referer eq \"\"", in)).isTrue();
        assertThat(matches("http.cookie eq \"\"", in)).isTrue();
        assertThat(matches("http.request.uri.query eq \"\"", in)).isTrue();
        assertThat(matches("http.request.uri eq \"/\"", in)).isTrue();
        assertThat(matches("cf.load_balancer.region eq \"\"", in)).isTrue();
        // An absent value fails every comparison, ne included.
        assertThat(matches("http.request.headers[\"x-none\"][0] eq \"a\"", in)).isFalse();
        assertThat(matches("http.request.headers[\"x-none\"][0] ne \"a\"", in)).isFalse();
        assertThat(matches("http.request.uri.args.names[0] ne \"a\"", in)).isFalse();
        assertThat(matches("ip.src ne 192.0.2.1", request().client(null))).isFalse();
        assertThat(matches("ip.src ne 192.0.2.1", request().client("unix-socket"))).isFalse();
    }

    @Test
    void headerKeysAreLowerCaseAndMissOtherwise() {
        final FakeInput in = request().header("X-Key", "v");
        assertThat(matches("http.request.headers[\"x-key\"][0] eq \"v\"", in)).isTrue();
        assertThat(matches("http.request.headers[\"X-Key\"][0] eq \"v\"", in)).isFalse();
    }

    @Test
    void clientAddressesInEveryForm() {
        assertThat(matches("ip.src eq 192.0.2.1", request().client("::ffff:192.0.2.1"))).as("mapped").isTrue();
        assertThat(matches("ip.src eq 2001:db8::1", request().client("[2001:db8:0:0:0:0:0:1]"))).isTrue();
        assertThat(matches("ip.src eq fe80::1", request().client("fe80::1%eth0"))).as("zone dropped").isTrue();
        assertThat(matches("ip.src in {192.0.2.0/24}", request().client("2001:db8::1"))).isFalse();
    }

    // ---- operators ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "http.request.method eq \"GET\" => true",
        "http.request.method == \"GET\" => true",
        "http.request.method ne \"GET\" => false",
        "http.request.method != \"POST\" => true",
        "http.request.uri.path lt \"/b\" => true",
        "http.request.uri.path < \"/a\" => false",
        "http.request.uri.path le \"/a/b\" => true",
        "http.request.uri.path <= \"/a/a\" => false",
        "http.request.uri.path gt \"/a\" => true",
        "http.request.uri.path > \"/b\" => false",
        "http.request.uri.path ge \"/a/b\" => true",
        "http.request.uri.path >= \"/a/c\" => false",
        "http.request.uri.path contains \"a/\" => true",
        "http.request.uri.path contains \"A\" => false",
        "http.request.uri.path matches \"^/a/[a-z]$\" => true",
        "http.request.uri.path ~ \"^/b\" => false",
        "http.request.uri.path ~ \".*b$\" => true",
        "http.request.uri.path in {\"/x\" \"/a/b\"} => true",
        "http.request.uri.path in {\"/x\"} => false",
        "http.request.uri.path wildcard \"/A/*\" => true",
        "http.request.uri.path strict wildcard \"/A/*\" => false",
        "http.request.uri.path strict wildcard \"/a/*\" => true",
        "http.request.timestamp.sec eq 100 => true",
        "http.request.timestamp.sec ne 100 => false",
        "http.request.timestamp.sec lt 101 => true",
        "http.request.timestamp.sec le 99 => false",
        "http.request.timestamp.sec gt -5 => true",
        "http.request.timestamp.sec >= 100 => true",
        "http.request.timestamp.sec in {1 100 5} => true",
        "http.request.timestamp.sec in {1 5} => false",
        "ip.src eq 198.51.100.7 => true",
        "ip.src != 198.51.100.7 => false",
        "ip.src in {203.0.113.0/24 198.51.100.7} => true",
        "ip.src in {198.51.100.0/25} => true",
        "ip.src in {198.51.100.9/32 10.0.0.0/8} => false",
        "ip.src in {0.0.0.0/0} => true",
    })
    void operators(String condition, boolean expected) {
        assertThat(matches(condition, request().path("/a/b").at(100))).as(condition).isEqualTo(expected);
    }

    @Test
    void ipv6Ranges() {
        final FakeInput in = request().client("2001:db8:abcd::5");
        assertThat(matches("ip.src in {2001:db8::/32}", in)).isTrue();
        assertThat(matches("ip.src in {2001:db9::/32 ::1}", in)).isFalse();
        assertThat(matches("ip.src in {2001:db8:abcd::/48}", in)).isTrue();
        assertThat(matches("ip.src in {2001:db8:abcd::4/127}", in)).as("host bits ignored").isTrue();
        assertThat(matches("ip.src eq 2001:db8:abcd:0:0:0:0:5", in)).isTrue();
    }

    @Test
    void wildcardRules() {
        final FakeInput in = request().path("/Img/a*b\\c.PNG");
        assertThat(matches("http.request.uri.path wildcard \"/img/*.png\"", in)).isTrue();
        assertThat(matches("http.request.uri.path strict wildcard \"/img/*.png\"", in)).isFalse();
        assertThat(matches("http.request.uri.path wildcard \"*\"", in)).isTrue();
        assertThat(matches("http.request.uri.path wildcard r\"/img/a\\*b*\"", in)).as("escaped star").isTrue();
        assertThat(matches("http.request.uri.path wildcard r\"/img/a\\*c*\"", in)).isFalse();
        assertThat(matches("http.request.uri.path wildcard r\"*\\\\c.png\"", in)).as("escaped backslash").isTrue();
        assertThat(matches("http.request.uri.path wildcard \"/img\"", in)).as("whole value").isFalse();
        assertThat(matches("http.request.uri.path wildcard \"*a*b*c*\"", in)).isTrue();
        assertThat(matches("http.request.uri.path wildcard \"*b*a*\"", in)).isFalse();
        assertThat(matches("http.request.uri.path wildcard \"/i*g*\"", request().path("/ig"))).isTrue();
        assertThat(matches("http.request.uri.path wildcard \"/i*i\"", request().path("/i"))).as("no overlap")
                .isFalse();
    }

    @Test
    void regexIsASearchWithRustSpellings() {
        final FakeInput in = request().path("/Users/42/Edit");
        assertThat(matches("http.request.uri.path matches \"/\\\\d+/\"", in)).isTrue();
        assertThat(matches("http.request.uri.path matches r\"(?i)/users/\\d+/edit$\"", in)).isTrue();
        assertThat(matches("http.request.uri.path matches r\"(?P<id>\\d+)\"", in)).as("Rust named group").isTrue();
        assertThat(matches("http.request.uri.path matches r\"[]x]\"", in)).isFalse();
        assertThat(matches("http.request.uri.path matches r\"^.*\"", in)).isTrue();
        assertThat(matches("http.request.uri.path matches \".*\"", in)).isTrue();
        assertThat(matches("http.request.uri.path matches r\".*Edit\"", in)).isTrue();
        assertThat(matches("http.request.uri.path matches r\".*edit\"", in)).isFalse();
    }

    @Test
    void aCatastrophicPatternGivesUpInsteadOfHanging() {
        final FakeInput in = request().path("/" + "a".repeat(5_000) + "!");
        assertThat(matches("http.request.uri.path matches r\"^/(a+)+$\"", in)).isFalse();
        assertThat(matches("http.request.uri.path matches r\"^/(a|aa)+$\"", in)).isFalse();
        assertThat(matches("http.request.uri.path matches r\"a!$\"", in)).as("ordinary search, long value").isTrue();
    }

    // ---- logic -------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "true => true",
        "false => false",
        "not false => true",
        "!true => false",
        "! ! true => true",
        "true and false => false",
        "true && true => true",
        "true or false => true",
        "false || false => false",
        "true xor true => false",
        "true ^^ false => true",
        "true xor true xor true => true",
        // not binds tighter than and, and tighter than xor, xor tighter than or
        "not true and false => false",
        "not (true and false) => true",
        "true or true and false => true",
        "(true or true) and false => false",
        "false and false or true => true",
        "true xor true or true => true",
        "true xor (true or true) => false",
        "true or true xor true => true",
        "false xor true and false => false",
        "true and false xor true => true",
        "((((true)))) => true",
        "not(false)and(true) => true",
    })
    void logicAndPrecedence(String condition, boolean expected) {
        assertThat(matches(condition, request())).as(condition).isEqualTo(expected);
    }

    @Test
    void logicShortCircuitsOnFields() {
        final FakeInput in = request();
        assertThat(matches("false and http.request.headers[\"a\"][0] eq \"x\"", in)).isFalse();
        assertThat(in.headerReads).isZero();
        assertThat(matches("true or http.request.headers[\"a\"][0] eq \"x\"", in)).isTrue();
        assertThat(in.headerReads).isZero();
    }

    // ---- functions ---------------------------------------------------------------------------------------------

    @Test
    void functions() {
        final FakeInput in = request().path("/API/V\u00c9").header("accept", "text/html")
                .header("accept", "IMAGE/png").query("id=7&id=8");
        assertThat(matches("lower(http.request.uri.path) eq \"/api/v\u00c9\"", in)).as("A-Z only").isTrue();
        assertThat(matches("lower(http.request.uri.path) == \"/API/V\u00c9\"", in)).isFalse();
        assertThat(matches("starts_with(http.request.uri.path, \"/API\")", in)).isTrue();
        assertThat(matches("starts_with(http.request.uri.path, \"/api\")", in)).isFalse();
        assertThat(matches("ends_with(http.request.uri.path, \"V\u00c9\")", in)).isTrue();
        assertThat(matches("not ends_with(http.request.uri.path, \"/API\")", in)).isTrue();
        assertThat(matches("starts_with(lower(http.request.uri.path), \"/api\")", in)).isTrue();
        assertThat(matches("starts_with(http.request.uri.path, \"/API\") eq false", in)).isFalse();
        assertThat(matches("any(http.request.headers[\"accept\"][*] == \"text/html\")", in)).isTrue();
        assertThat(matches("any(http.request.headers[\"accept\"][*] == \"image/png\")", in)).isFalse();
        assertThat(matches("any(lower(http.request.headers[\"accept\"][*])[*] == \"image/png\")", in)).isTrue();
        assertThat(matches("any(starts_with(http.request.headers[\"accept\"][*], \"IMAGE\"))", in)).isTrue();
        assertThat(matches("all(ends_with(http.request.headers[\"accept\"][*], \"l\"))", in)).isFalse();
        assertThat(matches("all(http.request.uri.args[\"id\"][*] in {\"7\" \"8\"})", in)).isTrue();
        assertThat(matches("all(http.request.uri.args[\"id\"][*] contains \"7\")", in)).isFalse();
        assertThat(matches("any(http.request.uri.args.names[*] wildcard \"I*\")", in)).isTrue();
        assertThat(matches("any(http.request.headers[\"none\"][*] eq \"x\")", in)).isFalse();
        assertThat(matches("all(http.request.headers[\"none\"][*] eq \"x\")", in)).as("vacuous").isTrue();
        assertThat(matches("any(starts_with(http.request.headers[\"accept\"][*], \"IMAGE\")[*] == true)", in))
                .isTrue();
    }

    // ---- literals ----------------------------------------------------------------------------------------------

    @Test
    void literals() {
        final FakeInput in = request().path("/a\"b\\c").header("x-raw", "r#\"x\"#");
        assertThat(matches("http.request.uri.path eq \"/a\\\"b\\\\c\"", in)).as("escapes").isTrue();
        assertThat(matches("http.request.uri.path eq r#\"/a\"b\\c\"#", in)).as("raw with hash").isTrue();
        assertThat(matches("http.request.uri.path contains r\"\\c\"", in)).as("raw").isTrue();
        assertThat(matches("http.request.headers[\"x-raw\"][0] eq r##\"r#\"x\"#\"##", in)).isTrue();
        assertThat(matches("http.request.headers[r\"x-raw\"][0] eq r##\"r#\"x\"#\"##", in)).isTrue();
        assertThat(matches("http.request.timestamp.sec gt -9223372036854775808", in)).isTrue();
        assertThat(matches("http.request.uri.path eq \"\"", request().path(""))).isTrue();
        assertThat(matches("  http.request.method\n\teq\r\n\"GET\"  ", in)).as("whitespace").isTrue();
        assertThat(matches("", in)).isTrue();
        assertThat(Condition.ALWAYS.always()).isTrue();
    }

    @Test
    void constantConditionsNeedNoRequest() throws ConditionException {
        assertThat(Condition.compile("true").always()).isTrue();
        assertThat(Condition.compile("(true)").matches(null)).isTrue();
        assertThat(Condition.compile("not false").always()).isFalse();
        assertThat(Condition.compile("http.host eq \"a\"").always()).isFalse();
        assertThat(Condition.compile("http.host eq \"a\"").text()).isEqualTo("http.host eq \"a\"");
    }
}
