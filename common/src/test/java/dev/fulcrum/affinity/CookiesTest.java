package dev.fulcrum.affinity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Cookie header lookups (RFC 6265 §4.2, leniently). */
class CookiesTest {

    private static String value(String header, String name) {
        final long found = Cookies.find(header, name, 0);
        return found == Cookies.ABSENT ? null : header.substring(Cookies.start(found), Cookies.end(found));
    }

    @Test
    void findsNamedValues() {
        final String header = "a=1; session_id=abc; lang=\"en\";empty=;  spaced = v w ;noequals; x=y=z";
        assertThat(value(header, "a")).isEqualTo("1");
        assertThat(value(header, "session_id")).isEqualTo("abc");
        assertThat(value(header, "lang")).isEqualTo("en");
        assertThat(value(header, "empty")).isEmpty();
        assertThat(value(header, "spaced")).isEqualTo("v w");
        assertThat(value(header, "noequals")).isNull();
        assertThat(value(header, "x")).isEqualTo("y=z");
        assertThat(value(header, "A")).as("names are case-sensitive").isNull();
        assertThat(value(header, "session")).isNull();
        assertThat(value(header, "id")).isNull();
        assertThat(value("", "a")).isNull();
        assertThat(value(";;; ", "a")).isNull();
    }

    @Test
    void findsLaterCookiesOfTheSameName() {
        final String header = "k=1; other=2; k=3";
        final long first = Cookies.find(header, "k", 0);
        final long second = Cookies.find(header, "k", Cookies.end(first));
        assertThat(header.substring(Cookies.start(second), Cookies.end(second))).isEqualTo("3");
        assertThat(Cookies.find(header, "k", Cookies.end(second))).isEqualTo(Cookies.ABSENT);
    }
}
