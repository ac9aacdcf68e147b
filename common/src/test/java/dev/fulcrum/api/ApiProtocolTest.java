package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fulcrum.config.ConfigSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Envelope, authentication, routing and body handling of the API, over real HTTP. */
class ApiProtocolTest {

    @TempDir
    Path dir;

    private ApiServer api;
    private String account;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dir);
        account = api.accountId();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void successEnvelopeForASingleObjectAndForACollection() {
        final ApiServer.Reply one = api.get("/accounts/" + account);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("success").asBoolean()).isTrue();
        assertThat(one.json().get("errors")).isEmpty();
        assertThat(one.json().get("messages")).isEmpty();
        assertThat(one.json().has("result_info")).isFalse();
        assertThat(one.result().get("id").asText()).isEqualTo(account);
        assertThat(one.result().get("name").asText()).isEqualTo("Fulcrum");
        assertThat(one.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));

        final ApiServer.Reply list = api.get("/accounts/" + account + "/load_balancers/pools");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.result().isArray()).isTrue();
        final JsonNode info = list.json().get("result_info");
        assertThat(info.get("page").asInt()).isEqualTo(1);
        assertThat(info.get("count").asInt()).isZero();
        assertThat(info.get("total_count").asInt()).isZero();
        assertThat(info.has("per_page")).isTrue();
        assertThat(info.has("total_pages")).isTrue();
    }

    @Test
    void missingCredentialsAre403AuthenticationError() {
        final ApiServer.Reply reply = api.raw("GET", "/accounts", Map.of(), null);
        assertFailure(reply, 403, 10000, "Authentication error");
    }

    @Test
    void wrongTokenIs403() {
        final ApiServer.Reply reply = api.raw("GET", "/accounts",
                Map.of("Authorization", "Bearer " + ApiServer.TOKEN + "x"), null);
        assertFailure(reply, 403, 10000, "Authentication error");
        final ApiServer.Reply globalKey = api.raw("GET", "/accounts",
                Map.of("X-Auth-Email", "a@example.com", "X-Auth-Key", "0123456789abcdef0123456789abcdef01234"), null);
        assertFailure(globalKey, 403, 10000, "Authentication error");
    }

    @Test
    void malformedAuthorizationIs6003WithChain6111() {
        for (String header : List.of("Basic dXNlcjpwYXNz", "Bearer", "Bearer two words", "Bearer a,b", "token")) {
            final ApiServer.Reply reply = api.raw("GET", "/accounts", Map.of("Authorization", header), null);
            assertFailure(reply, 400, 6003, "Invalid request headers");
            final JsonNode chain = reply.json().get("errors").get(0).get("error_chain");
            assertThat(chain.get(0).get("code").asInt()).as(header).isEqualTo(6111);
            assertThat(chain.get(0).get("message").asText()).isEqualTo("Invalid format for Authorization header");
        }
    }

    @Test
    void everyRouteNeedsCredentialsEvenUnknownOnes() {
        assertThat(api.raw("GET", "/no/such/route", Map.of(), null).status()).isEqualTo(403);
        assertThat(api.raw("POST", "/zones", Map.of("Content-Type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);
    }

    @Test
    void verifyTokenAnswersInCloudflaresShape() {
        final ApiServer.Reply reply = api.get("/user/tokens/verify");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.result().get("status").asText()).isEqualTo("active");
        assertThat(reply.result().get("id").asText()).matches("[0-9a-f]{32}");
        assertThat(reply.json().get("messages").get(0).get("message").asText())
                .isEqualTo("This API Token is valid and active");
    }

    @Test
    void unknownRoutesAndIdsAre7003And7000() {
        final String zeros = "0".repeat(32);
        for (String path : List.of("/nope", "/zones/" + zeros, "/zones/" + zeros + "/load_balancers",
                "/zones/not-an-id/load_balancers", "/accounts/" + zeros + "/load_balancers/pools",
                "/accounts/" + account + "/load_balancers/pools/" + zeros,
                "/accounts/" + account + "/load_balancers/pools/ABCDEF", "/accounts/" + account + "/load_balancers/x",
                "/accounts/" + account + "/load_balancers/monitors/" + zeros + "/references")) {
            final ApiServer.Reply reply = api.get(path);
            assertFailure(reply, 404, 7003, "Could not route to " + path
                    + ", perhaps your object identifier is invalid?");
            assertThat(reply.json().get("errors").get(1).get("code").asInt()).isEqualTo(7000);
            assertThat(reply.json().get("errors").get(1).get("message").asText()).isEqualTo("No route for that URI");
        }
    }

    @Test
    void healthAndPreviewsAreNotRoutedYet() {
        final String zeros = "0".repeat(32);
        final String lb = "/accounts/" + account + "/load_balancers";
        assertThat(api.get(lb + "/pools/" + zeros + "/health").status()).isEqualTo(404);
        assertThat(api.post(lb + "/pools/" + zeros + "/preview", "{}").errorCode()).isEqualTo(7003);
        assertThat(api.post(lb + "/monitors/" + zeros + "/preview", "{}").errorCode()).isEqualTo(7003);
        assertThat(api.get(lb + "/preview/" + zeros).errorCode()).isEqualTo(7003);
    }

    @Test
    void wrongMethodIs405WithAllow() {
        final ApiServer.Reply reply = api.call("DELETE", "/accounts", null);
        assertFailure(reply, 405, 10405, "Method not allowed");
        assertThat(reply.raw().headers().firstValue("Allow")).hasValue("GET");
        assertThat(api.post("/accounts/" + account, "{}").status()).isEqualTo(405);
    }

    @Test
    void bodyWithoutJsonContentTypeIs9207() {
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + ApiServer.TOKEN);
        final byte[] body = "{\"name\":\"example.com\"}".getBytes(StandardCharsets.UTF_8);
        assertFailure(api.raw("POST", "/zones", headers, body), 400, 9207, "Content-type must be application/json.");
        headers.put("Content-Type", "text/plain");
        assertFailure(api.raw("POST", "/zones", headers, body), 400, 9207, "Content-type must be application/json.");
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        assertFailure(api.raw("POST", "/zones", headers, body), 400, 9207, "Content-type must be application/json.");
        headers.put("Content-Type", "application/json; charset=ebcdic");
        assertFailure(api.raw("POST", "/zones", headers, body), 400, 9207, "Content-type must be application/json.");
        headers.put("Content-Type", "application/problem+json");
        assertFailure(api.raw("POST", "/zones", headers, body), 400, 9207, "Content-type must be application/json.");
        headers.put("Content-Type", "Application/JSON; charset=utf-8");
        final ApiServer.Reply ok = api.raw("POST", "/zones", headers,
                ("{\"name\":\"example.com\",\"account\":{\"id\":\"" + account + "\"}}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    @Test
    void aLoneSurrogateAnywhereIs1002NamingTheFieldAndStoresNothing() {
        final String pools = "/accounts/" + account + "/load_balancers/pools";
        assertFailure(api.post(pools, "{\"name\":\"p\",\"origins\":[{\"name\":\"a\\ud800\","
                + "\"address\":\"h\"}]}"), 400, 1002, "origins[0].name: a string with a lone UTF-16 surrogate "
                + "(expected: Unicode text, where a \\ud800-\\udfff escape only comes as half of a pair): validation "
                + "failed");
        assertRefused(api.post(pools, "{\"name\":\"p\",\"description\":\"\\udc00x\",\"origins\":[]}"),
                "description: a string with a lone UTF-16 surrogate");
        assertFailure(api.post(pools, "{\"name\":\"p\",\"\\ud83d\":1,\"origins\":[]}"), 400, 6007,
                "Malformed JSON in request body");
        // A pair is a character (U+1F600), not a surrogate: the name is then refused for its pattern only.
        assertRefused(api.post(pools, "{\"name\":\"\\ud83d\\ude00\",\"origins\":[{\"name\":\"a\","
                + "\"address\":\"h\"}]}"), "name: \"\ud83d\ude00\" (expected: a name of at most 255 characters");
        assertThat(api.get(pools).result()).isEmpty();
    }

    @Test
    void malformedJsonIs6007() {
        final String pools = "/accounts/" + account + "/load_balancers/pools";
        for (String body : List.of("", "{", "{\"name\":}", "nul", "{\"a\":1}{}", "{\"a\":1,\"a\":2}", "[1,]",
                "{'name':'x'}")) {
            assertFailure(api.post(pools, body), 400, 6007, "Malformed JSON in request body");
        }
    }

    @Test
    void bodyThatIsNotAnObjectIs1002() {
        final String pools = "/accounts/" + account + "/load_balancers/pools";
        for (String body : List.of("[]", "\"pool\"", "42", "null", "true")) {
            final ApiServer.Reply reply = api.post(pools, body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.errorCode()).as(body).isEqualTo(1002);
            assertThat(reply.errorMessage()).endsWith(": validation failed");
        }
    }

    @Test
    void oversizedBodyIs413AndChangesNothing() {
        final long revision = api.fulcrum().store().current().revision();
        final byte[] big = new byte[ApiRouter.MAX_BODY_BYTES + 10];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        final Map<String, String> headers = Map.of("Authorization", "Bearer " + ApiServer.TOKEN,
                "Content-Type", "application/json");
        final ApiServer.Reply reply =
                api.raw("POST", "/accounts/" + account + "/load_balancers/monitors", headers, big);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("success").asBoolean()).isFalse();
        assertThat(api.fulcrum().store().current().revision()).isEqualTo(revision);
    }

    @Test
    void nastyBodiesNeverGiveA5xxNorChangeState() throws Exception {
        final ConfigSnapshot before = api.fulcrum().store().current();
        final String base = "/accounts/" + account + "/load_balancers";
        final String deep = "[".repeat(5000) + "]".repeat(5000);
        final String nested = "[".repeat(900) + "]".repeat(900);
        // Deep but within Jackson's nesting limit, in a field every resource reads.
        final String deepObject = "{\"origins\":" + nested + ",\"header\":" + nested + ",\"name\":" + nested
                + ",\"type\":" + nested + ",\"account\":" + nested + "}";
        final List<String> anywhere = List.of(deep, deepObject,
                "{\"name\":\"\\u0000\",\"type\":\"\\u0000\",\"origins\":null}");
        final Map<String, List<String>> bodies = Map.of(
                base + "/pools", List.of(
                        "{\"name\":\"p\",\"origins\":\"not a list\"}",
                        "{\"name\":12,\"origins\":[{\"name\":{},\"address\":[]}]}",
                        "{\"name\":\"p\",\"origins\":[{\"name\":\"o\",\"address\":\"10.0.0.1\",\"weight\":\"heavy\"}]}",
                        "{\"name\":\"p\",\"origins\":[{\"name\":\"o\",\"address\":\"10.0.0.1\",\"weight\":1e999999}]}",
                        "{\"name\":\"p\",\"origins\":[{\"name\":\"o\",\"address\":\"10.0.0.1\","
                                + "\"port\":99999999999999999999}]}",
                        "{\"name\":\"p\",\"origins\":[],\"minimum_origins\":-1}"),
                base + "/monitors", List.of(
                        "{\"type\":\"http\",\"interval\":-5,\"timeout\":\"x\",\"header\":{\"Host\":\"notalist\"}}",
                        "{\"type\":[],\"expected_codes\":{},\"retries\":1.5}",
                        "{\"port\":1e400}"),
                "/zones", List.of(
                        "{\"name\":[\"example.com\"],\"account\":{\"id\":\"" + account + "\"}}",
                        "{\"name\":\"example.com\",\"account\":\"" + account + "\"}",
                        "{\"name\":\"ex\u00e4mple.com\",\"account\":{\"id\":\"" + account + "\"}}"));
        bodies.forEach((path, specific) -> {
            final List<String> all = new ArrayList<>(anywhere);
            all.addAll(specific);
            for (String body : all) {
                final ApiServer.Reply reply = api.post(path, body);
                assertThat(reply.status()).as(path + " " + body.substring(0, Math.min(80, body.length())))
                        .isBetween(400, 499);
                assertThat(reply.json().get("success").asBoolean()).isFalse();
            }
        });
        final byte[] badUtf8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        final ApiServer.Reply reply = api.raw("POST", base + "/pools",
                Map.of("Authorization", "Bearer " + ApiServer.TOKEN, "Content-Type", "application/json"), badUtf8);
        assertFailure(reply, 400, 6007, "Malformed JSON in request body");
        final String auth = "\r\nAuthorization: Bearer " + ApiServer.TOKEN;
        assertThat(api.rawSocket("GET /client/v4" + base + "/search?page=%zz&per_page=%FF%FE HTTP/1.1" + auth,
                new byte[0])).isEqualTo(400);
        assertThat(api.rawSocket("GET /client/v4" + base + "/search?search_params[query]=%C3%28 HTTP/1.1" + auth,
                new byte[0])).isEqualTo(200);
        assertThat(api.rawSocket("GET /client/v4/zones?name=%00%ff HTTP/1.1" + auth, new byte[0])).isEqualTo(200);
        assertThat(api.rawSocket("GET /client/v4/accounts HTTP/1.1\r\nAuthorization: Bearer \u00ff\u00fe",
                new byte[0])).isEqualTo(400);
        assertThat(api.rawSocket("POST /client/v4" + base + "/pools HTTP/1.1" + auth
                + "\r\nContent-Type: application/json; charset=ebcdic", "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(400);
        assertThat(api.fulcrum().store().current()).isEqualTo(before);
    }

    private static void assertRefused(ApiServer.Reply reply, String messageStart) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.errorCode()).as(reply.toString()).isEqualTo(1002);
        assertThat(reply.errorMessage()).startsWith(messageStart).endsWith(": validation failed");
    }

    static void assertFailure(ApiServer.Reply reply, int status, int code, String message) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.json().get("success").asBoolean()).isFalse();
        assertThat(reply.json().get("result").isNull()).isTrue();
        assertThat(reply.json().get("messages")).isEmpty();
        assertThat(reply.errorCode()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.errorMessage()).isEqualTo(message);
    }
}
