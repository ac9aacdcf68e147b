package dev.fulcrum.tls;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpsRedirectTest {

    @Test
    void keepsHostPathAndQueryOnTheTlsPort() {
        assertThat(HttpsRedirect.location("www.example.com:8080", 8443, "/a%20b?x=1&y"))
                .isEqualTo("https://www.example.com:8443/a%20b?x=1&y");
        assertThat(HttpsRedirect.location("www.example.com", 443, "/")).isEqualTo("https://www.example.com/");
        assertThat(HttpsRedirect.location("[2001:db8::1]:80", 443, "")).isEqualTo("https://[2001:db8::1]/");
    }

    @Test
    void getAndHeadMovePermanentlyOtherMethodsKeepTheirBody() {
        assertThat(HttpsRedirect.status("GET")).isEqualTo(301);
        assertThat(HttpsRedirect.status("HEAD")).isEqualTo(301);
        assertThat(HttpsRedirect.status("POST")).isEqualTo(308);
        assertThat(HttpsRedirect.status("DELETE")).isEqualTo(308);
    }

    @Test
    void acmeChallengesAreServedNotRedirected() {
        assertThat(HttpsRedirect.applies("/.well-known/acme-challenge/abc")).isFalse();
        assertThat(HttpsRedirect.applies("/.well-known/security.txt")).isTrue();
        assertThat(HttpsRedirect.applies("/")).isTrue();
    }
}
