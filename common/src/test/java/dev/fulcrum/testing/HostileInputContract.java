package dev.fulcrum.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a whole node ({@link NodeUnderTest}) answers to a generated corpus of malformed requests
 * ({@link HostileRequests}), on every host: on the API listener, Cloudflare's envelope for every answer, whoever
 * refused the request (the listener or the API), never a 5xx, and nothing stored; on the proxy listener, never a
 * 5xx and never a request reaching the origin. The corpus is sent with raw sockets, so nothing between the test and
 * the node repairs it.
 *
 * <p>In the WAR ({@link NodeUnderTest#ownsTheApiListener()} false) a 4xx outside the envelope is the container's
 * own refusal, before the web application sees the request, and is allowed; everything else holds there too.
 *
 * <p>Two 5xx are protocol answers about the client's request rather than failures, and are allowed: 505 (the
 * request's HTTP version is not one the listener speaks: {@code HTTP/0.9}, {@code HTTP/1.1x}) and 501 (a method
 * or transfer coding the container does not implement, e.g. Tomcat's answer to CONNECT).
 *
 * <p>Subclasses supply the host ({@link #newNode()}).
 */
public abstract class HostileInputContract extends NodeContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private String account;

    @BeforeEach
    void findTheAccount() throws Exception {
        account = JSON.readTree(api.send("GET", "/accounts", null).body()).get("result").get(0).get("id").asText();
    }

    @Test
    void everyAnswerOfTheApiListenerIsAnEnvelopeAndNothingIsStored() throws Exception {
        final String before = state();
        final int originBefore = origin.requestCount();
        final List<String> failures = new ArrayList<>();
        final List<HostileRequests.Case> corpus = HostileRequests.forApi("127.0.0.1", TOKEN,
                "/client/v4/accounts/" + account + "/load_balancers/pools");
        for (HostileRequests.Case hostile : corpus) {
            final RawExchange.Result result = RawExchange.send(node.apiPort(), hostile.bytes());
            String problem = result.responses().isEmpty() && result.closed() && hostile.http09() ? null
                    : envelopeProblem(result);
            if (problem != null && !node.ownsTheApiListener() && containersOwn(result.first())) {
                problem = null;
            }
            if (problem != null) {
                failures.add(hostile + ": " + problem);
            }
        }
        assertThat(failures).as("%d of %d requests", failures.size(), corpus.size()).isEmpty();
        assertThat(state()).isEqualTo(before);
        assertThat(origin.requestCount()).isEqualTo(originBefore);
    }

    @Test
    void noMalformedRequestThroughTheProxyListenerReachesTheOriginOrGetsA5xx() throws Exception {
        final String before = state();
        final List<String> failures = new ArrayList<>();
        final List<HostileRequests.Case> corpus = HostileRequests.forProxy(LB_HOST);
        for (HostileRequests.Case hostile : corpus) {
            final int seen = origin.requestCount();
            final RawExchange.Result result = RawExchange.send(node.proxyPort(), hostile.bytes());
            final RawExchange.Response answer = result.first();
            if (origin.requestCount() != seen) {
                failures.add(hostile + ": reached the origin as " + origin.lastRequest().method() + " "
                        + origin.lastRequest().path() + ", answered " + answer);
            } else if (answer != null && failed(answer.status())) {
                failures.add(hostile + ": " + answer);
            } else if (answer == null && !result.closed()) {
                failures.add(hostile + ": no answer, connection left open");
            }
        }
        assertThat(failures).as("%d of %d requests", failures.size(), corpus.size()).isEmpty();
        assertThat(state()).isEqualTo(before);
        // The load balancer still serves well-formed requests.
        final RawExchange.Response ok = RawExchange.send(node.proxyPort(),
                "GET /after HTTP/1.1\r\nHost: " + LB_HOST + "\r\nConnection: close\r\n\r\n").first();
        assertThat(ok.status()).as(String.valueOf(ok)).isEqualTo(200);
        assertThat(origin.lastRequest().path()).isEqualTo("/after");
    }

    /** Why an API listener's answer breaks the contract, or null when it keeps it. */
    private static String envelopeProblem(RawExchange.Result result) {
        final RawExchange.Response answer = result.first();
        if (answer == null) {
            return result.closed() ? "closed without an answer" : "no answer, connection left open";
        }
        if (failed(answer.status())) {
            return "a 5xx: " + answer;
        }
        final String type = answer.header("Content-Type");
        // An HTTP/0.9 answer has no headers: its body must still be the envelope.
        if (answer.status() != RawExchange.HTTP_09
                && (type == null || !type.replace(" ", "").toLowerCase().startsWith("application/json"))) {
            return "not JSON: " + answer;
        }
        final JsonNode envelope;
        try {
            envelope = JSON.readTree(answer.body());
        } catch (IOException e) {
            return "unreadable JSON: " + answer;
        }
        if (envelope == null || !envelope.has("success") || !envelope.get("errors").isArray()
                || !envelope.get("messages").isArray() || !envelope.has("result")) {
            return "not Cloudflare's envelope: " + answer;
        }
        if (!envelope.get("success").asBoolean() && (envelope.get("errors").isEmpty()
                || envelope.get("errors").get(0).get("code").asInt() < 1000
                || !envelope.get("result").isNull())) {
            return "a failure without a code: " + answer;
        }
        return null;
    }

    /**
     * A refusal the container answered itself where the node does not own the API listener (the WAR): a 4xx, or
     * one of the protocol refusals (501, 505), or Tomcat's HTTP/0.9-style answer (a recycled request processor
     * that last served an HTTP/0.9 request answers the next malformed request line that way).
     */
    private static boolean containersOwn(RawExchange.Response answer) {
        return answer != null && (answer.status() == RawExchange.HTTP_09 || answer.status() >= 400
                && !failed(answer.status()));
    }

    /** A 5xx other than the protocol refusals 501 and 505. */
    static boolean failed(int status) {
        return status >= 500 && status != 501 && status != 505;
    }

    /** Everything the API stores, as it lists it. */
    private String state() throws Exception {
        final StringBuilder all = new StringBuilder();
        for (String path : List.of("/zones", "/accounts/" + account + "/load_balancers/pools",
                "/accounts/" + account + "/load_balancers/monitors")) {
            final HttpResponse<String> list = api.send("GET", path, null);
            assertThat(list.statusCode()).isEqualTo(200);
            all.append(JSON.readTree(list.body()).get("result")).append('\n');
        }
        for (JsonNode zone : JSON.readTree(api.send("GET", "/zones", null).body()).get("result")) {
            all.append(JSON.readTree(api.send("GET", "/zones/" + zone.get("id").asText() + "/load_balancers", null)
                    .body()).get("result")).append('\n');
        }
        return all.toString();
    }
}
