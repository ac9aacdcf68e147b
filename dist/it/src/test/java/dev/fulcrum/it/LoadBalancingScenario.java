package dev.fulcrum.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every deliverable must do once installed: a load balancer created through the API is served toward real
 * origins, spread over its pool; every other host reaches the server's own content, untouched; deleting the load
 * balancer gives its host back to the server.
 *
 * @param port     the server's public (data-plane) port
 * @param lbPath   the path requested on the load balancer's host
 * @param ownPath  the path of the server's own content
 * @param own      what the server itself answers on {@code ownPath} (and what a non-LB host gets)
 */
record LoadBalancingScenario(Api api, int port, String lbPath, String ownPath, Own own) {

    static final String LB_HOST = "www.example.test";
    static final String OTHER_HOST = "other.example.test";
    private static final int REQUESTS = 40;

    /**
     * HTTP/1.1, where a Host header names the load balancer: the JDK's client would otherwise ask a server that
     * speaks h2c (the standalone's plain port) to upgrade, and over HTTP/2 a Host other than the request's
     * {@code :authority} is a malformed request (Http2Check covers HTTP/2, naming the host as the authority).
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The server's own answer: its status and a piece of its body. */
    record Own(int status, String bodyContains) {

        void check(HttpResponse<String> response, String what) {
            assertThat(response.statusCode()).as("%s: %s", what, response.body()).isEqualTo(status);
            assertThat(response.body()).as(what).contains(bodyContains).doesNotStartWith("origin ");
        }
    }

    void run(Origin a, Origin b) throws Exception {
        assertThat(System.getProperty("jdk.httpclient.allowRestrictedHeaders")).as("set by failsafe").isEqualTo("host");
        own.check(get(LB_HOST, ownPath), "the load balancer's host before it exists");

        final Api.LoadBalancer lb = api.createLoadBalancer(LB_HOST, List.of(a, b));
        final List<HttpResponse<String>> responses = IntStream.range(0, REQUESTS).mapToObj(i -> {
            try {
                return get(i % 2 == 0 ? LB_HOST : "WWW.Example.Test:" + port, lbPath + "?n=" + i);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isIn("origin " + a.name(), "origin " + b.name());
            assertThat(response.headers().firstValue("CF-Ray")).isPresent();
        }
        // Random origin steering over two equal origins: both serve a share (all 40 on one: p = 2^-39).
        assertThat(a.seen()).isNotEmpty();
        assertThat(b.seen()).isNotEmpty();
        assertThat(a.seen().size() + b.seen().size()).isEqualTo(REQUESTS);
        for (Origin.Seen seen : a.seen()) {
            assertThat(seen.path()).isEqualTo(lbPath);
            // The client's Host goes to the origin as sent (the port too); the origin steering saw no other host.
            assertThat(seen.host().toLowerCase(java.util.Locale.ROOT)).isIn(LB_HOST, LB_HOST + ":" + port);
            assertThat(seen.forwardedFor()).isEqualTo("127.0.0.1");
        }

        own.check(get(OTHER_HOST, ownPath), "another host");
        own.check(get("127.0.0.1:" + port, ownPath), "the server's address");
        assertThat(a.seen().size() + b.seen().size()).as("other hosts never reach an origin").isEqualTo(REQUESTS);

        // The scrape on the API listener counts them under the load balancer's name, and forgets it with it.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(answered(api.scrape())).isEqualTo(REQUESTS));

        api.delete(lb);
        assertThat(api.scrape().body()).doesNotContain("lb=\"" + LB_HOST + "\"");
        final HttpResponse<String> after = get(LB_HOST, lbPath);
        assertThat(after.body()).as("after the delete").doesNotStartWith("origin ");
        assertThat(a.seen().size() + b.seen().size()).isEqualTo(REQUESTS);
    }

    /** The sum of {@code fulcrum_origin_requests_total} samples of the load balancer answered with 2xx. */
    private static long answered(HttpResponse<String> scrape) {
        assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
        long total = 0;
        for (String line : scrape.body().split("\n")) {
            if (line.startsWith("fulcrum_origin_requests_total{lb=\"" + LB_HOST + "\"")
                && line.contains("outcome=\"responded\"") && line.contains("status=\"2xx\"")) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    HttpResponse<String> get(String host, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Host", host).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
