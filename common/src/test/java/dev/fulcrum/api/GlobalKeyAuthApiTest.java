package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.fulcrum.api.ApiProtocolTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code X-Auth-Email} plus {@code X-Auth-Key} (spec §7.3, §7.4), and how they meet {@code Authorization}. */
class GlobalKeyAuthApiTest {

    private static final String EMAIL = "ops@example.com";
    /** A Cloudflare global API key: 37 hex characters, well-formed but not Fulcrum's token. */
    private static final String CLOUDFLARE_KEY = "0123456789abcdef0123456789abcdef01234";

    @TempDir
    Path dir;

    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void emailAndTheAdminTokenAsKeyAreTheAdmin() {
        final ApiServer.Reply accounts = api.getWithHeaders("/accounts",
                "X-Auth-Email", EMAIL, "X-Auth-Key", ApiServer.TOKEN);
        assertThat(accounts.status()).as(accounts.toString()).isEqualTo(200);
        assertThat(accounts.result().get(0).get("name").asText()).isEqualTo("Fulcrum");

        // A write, too: the pair is the admin, not a read-only credential.
        final String monitors = "/accounts/" + api.accountId() + "/load_balancers/monitors";
        final ApiServer.Reply created = api.raw("POST", monitors, Map.of("X-Auth-Email", EMAIL,
                        "X-Auth-Key", ApiServer.TOKEN, "Content-Type", "application/json"),
                "{\"type\":\"http\",\"description\":\"by key\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(api.get(monitors).result().get(0).get("description").asText()).isEqualTo("by key");
    }

    @Test
    void malformedEmailIs6003WithChain6102() {
        final List<String> emails = new ArrayList<>(List.of("", "ops", "ops@", "@example.com", "ops@@example.com",
                "o ps@example.com", "ops@exa mple.com", "ops@example..com", "ops@-example.com", "ops.@example.com",
                "ops@[127.0.0.1]", "\"ops\"@example.com", "ops@example.com,dev@example.com"));
        emails.add("o".repeat(65) + "@example.com");
        emails.add("ops@" + "e".repeat(63) + "." + "x".repeat(63) + "." + "a".repeat(63) + "." + "b".repeat(63));
        for (String email : emails) {
            final ApiServer.Reply reply = api.getWithHeaders("/accounts",
                    "X-Auth-Email", email, "X-Auth-Key", ApiServer.TOKEN);
            assertFailure(reply, 400, 6003, "Invalid request headers");
            assertChain(reply, email, 6102);
        }
        assertChain(api.getWithHeaders("/accounts", "X-Auth-Email", EMAIL, "X-Auth-Email", EMAIL,
                "X-Auth-Key", ApiServer.TOKEN), "the email twice", 6102);
        // Only the header sent counts as malformed; the missing key does not add 6103.
        assertChain(api.getWithHeaders("/accounts", "X-Auth-Email", "ops"), "without a key", 6102);
    }

    @Test
    void wellFormedEmailsAreAccepted() {
        for (String email : List.of("ops@example.com", "First.Last+lb@sub.example.co.uk", "o@localhost",
                "a!#$%&'*/=?^_`{|}~-@x-1.example", "o".repeat(64) + "@example.com")) {
            final ApiServer.Reply reply = api.getWithHeaders("/accounts",
                    "X-Auth-Email", email, "X-Auth-Key", ApiServer.TOKEN);
            assertThat(reply.status()).as(email + ": " + reply).isEqualTo(200);
        }
    }

    @Test
    void malformedKeyIs6003WithChain6103() {
        // Anything that could not be a Fulcrum token: under 16 or over 512 RFC 6750 characters, or other characters.
        for (String key : List.of("", "abc", "x".repeat(15), "x".repeat(513), "has space in it 0123",
                "comma,0123456789abcdef", "0123456789abcdef\u00e9", "=0123456789abcdef", ApiServer.TOKEN + ";")) {
            final ApiServer.Reply reply = api.getWithHeaders("/accounts", "X-Auth-Email", EMAIL, "X-Auth-Key", key);
            assertFailure(reply, 400, 6003, "Invalid request headers");
            assertChain(reply, key, 6103);
        }
        assertChain(api.getWithHeaders("/accounts", "X-Auth-Email", EMAIL, "X-Auth-Key", ApiServer.TOKEN,
                "X-Auth-Key", ApiServer.TOKEN), "the key twice", 6103);
        assertChain(api.getWithHeaders("/accounts", "X-Auth-Key", "short"), "without an email", 6103);
    }

    @Test
    void bothMalformedNameBothHeaders() {
        final ApiServer.Reply reply = api.getWithHeaders("/accounts", "X-Auth-Email", "ops", "X-Auth-Key", "short");
        assertFailure(reply, 400, 6003, "Invalid request headers");
        assertChain(reply, "both", 6102, 6103);
        assertThat(reply.json().get("errors")).hasSize(1);
    }

    @Test
    void aWellFormedKeyThatIsNotTheTokenIs403() {
        for (String key : List.of(CLOUDFLARE_KEY, ApiServer.TOKEN + "x", "x".repeat(16), "x".repeat(512),
                ApiServer.TOKEN.toUpperCase(Locale.ROOT))) {
            assertFailure(api.getWithHeaders("/accounts", "X-Auth-Email", EMAIL, "X-Auth-Key", key),
                    403, 10000, "Authentication error");
        }
    }

    @Test
    void halfAPairIs403() {
        assertFailure(api.getWithHeaders("/accounts", "X-Auth-Email", EMAIL), 403, 10000, "Authentication error");
        assertFailure(api.getWithHeaders("/accounts", "X-Auth-Key", ApiServer.TOKEN), 403, 10000,
                "Authentication error");
        // The key in the email's place is no credential either.
        assertFailure(api.getWithHeaders("/accounts", "X-Auth-Email", EMAIL, "X-Auth-Token", ApiServer.TOKEN),
                403, 10000, "Authentication error");
    }

    @Test
    void withAuthorizationOnlyTheBearerTokenCounts() {
        // A good token with a stray X-Auth-Email (older SDKs send it whenever an email is configured) or a bad pair.
        final ApiServer.Reply stray = api.getWithHeaders("/accounts", "Authorization", "Bearer " + ApiServer.TOKEN,
                "X-Auth-Email", "not an email", "X-Auth-Key", "short");
        assertThat(stray.status()).as(stray.toString()).isEqualTo(200);
        final ApiServer.Reply wrongKey = api.getWithHeaders("/accounts",
                "Authorization", "Bearer " + ApiServer.TOKEN, "X-Auth-Email", EMAIL, "X-Auth-Key", CLOUDFLARE_KEY);
        assertThat(wrongKey.status()).as(wrongKey.toString()).isEqualTo(200);

        // A wrong or malformed token is refused even when the pair beside it is right.
        assertFailure(api.getWithHeaders("/accounts", "Authorization", "Bearer " + CLOUDFLARE_KEY,
                "X-Auth-Email", EMAIL, "X-Auth-Key", ApiServer.TOKEN), 403, 10000, "Authentication error");
        final ApiServer.Reply malformed = api.getWithHeaders("/accounts", "Authorization", "Basic dXNlcjpwYXNz",
                "X-Auth-Email", EMAIL, "X-Auth-Key", ApiServer.TOKEN);
        assertFailure(malformed, 400, 6003, "Invalid request headers");
        assertChain(malformed, "Basic", 6111);
    }

    private static void assertChain(ApiServer.Reply reply, String what, int... codes) {
        assertThat(reply.status()).as(what + ": " + reply).isEqualTo(400);
        final JsonNode error = reply.json().get("errors").get(0);
        assertThat(error.get("code").asInt()).as(what).isEqualTo(6003);
        final JsonNode chain = error.get("error_chain");
        assertThat(chain).as(what).hasSize(codes.length);
        for (int i = 0; i < codes.length; i++) {
            assertThat(chain.get(i).get("code").asInt()).as(what).isEqualTo(codes[i]);
            assertThat(chain.get(i).get("message").asText()).isEqualTo(codes[i] == 6102
                    ? "Invalid format for X-Auth-Email header" : codes[i] == 6103
                    ? "Invalid format for X-Auth-Key header" : "Invalid format for Authorization header");
        }
    }
}
