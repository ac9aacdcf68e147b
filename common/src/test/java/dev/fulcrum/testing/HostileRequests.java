package dev.fulcrum.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated corpus of malformed HTTP/1.1 requests, as raw bytes, for {@link HostileInputContract}: request targets
 * that are ambiguous, illegal or too long, request lines that are not HTTP, header sections that are broken or too
 * large, framing that contradicts itself, and (for the API) bodies that no write may accept. Every request ends with
 * {@code Connection: close}, so the exchange ends when the server has answered it.
 *
 * <p>Each family is crossed with the methods, credentials and bodies that matter to it, so a new mutation is tested
 * in every combination without being listed again.
 */
final class HostileRequests {

    /** One request of the corpus, named for the failure message. */
    record Case(String name, byte[] bytes) {

        /**
         * Whether the request line has no version (HTTP/0.9): a listener may close such a connection without any
         * answer (Tomcat does), as there is no HTTP/1 answer it could give.
         */
        boolean http09() {
            return name.startsWith("GET /") && !name.contains(" HTTP") && name.indexOf(' ', 4) < 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Targets no listener may read as an ordinary path: ambiguous, illegal or malformed escapes, too long. */
    static final List<String> MALFORMED_TARGETS = List.of(
            "%2e%2e/%2e%2e/etc/passwd", "a/%2E%2E/b", "..;/accounts", "a/..%3B/b", "a%2Fb", "a%2fb", "a%5Cb",
            "%2e%2e%2f", "<script>", "a\"b", "a{b}", "a|b", "a^b", "a`b", "a\\b", "a b", "%", "%z", "%zz", "%%41",
            "%ff%fe", "%c0%af", "%ed%a0%80", "%00", "a%0d%0aX-Injected:%20y", "\u0080\u00ff", "a\u0001b", "a\u007fb",
            "a".repeat(9_000), "a/".repeat(5_000), "?" + "q".repeat(9_000));

    /** Request lines that are not HTTP/1.1 request lines. */
    static final List<String> MALFORMED_REQUEST_LINES = List.of(
            "GARBAGE", "GET", "GET /", "GET / HTTP/1.1 extra", "GET / HTTP/1.1x", "GET / HTTQ/1.1", "GET / http/1.1",
            "get / HTTP/1.1", "G\u0000T / HTTP/1.1", " GET / HTTP/1.1", "GET\t/\tHTTP/1.1", "M".repeat(9_000) + " / HTTP/1.1",
            "\u00ff\u00fe / HTTP/1.1");

    /** Header sections that are broken, smuggling-prone or too large (each is added after a valid Host). */
    static final List<String> MALFORMED_HEADERS = List.of(
            "Bad Header: 1", "Bad:Header:: 1\r\nX\u0000Y: 1", "X-A: 1\r\n folded: 2", "X-A\r\n", ": empty-name",
            "X-\u00e9: 1", "X-A: a\u0000b", "X-A: a\rb", "X-Big: " + "a".repeat(9_000),
            "X-Many: " + "b".repeat(100) + ("\r\nX-Many: " + "b".repeat(100)).repeat(120),
            "Content-Length: 1\r\nContent-Length: 2", "Content-Length: 1, 2", "Content-Length: abc",
            "Content-Length: -1", "Content-Length: +1", "Content-Length: 0x1", "Content-Length: 99999999999999999999",
            "Transfer-Encoding: chunked\r\nContent-Length: 3", "Content-Length: 3\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: chunked, identity", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding : chunked", "Transfer-Encoding:\u000bchunked", "Host: second.example",
            "Expect: 200-ok");

    /**
     * Mutations the API listener must still answer in its envelope, but which a proxy may forward: a well-formed
     * long path or query, an escaped {@code ;} (a segment {@code ..;}, not a path parameter), an unknown method
     * token ({@code get} is not {@code GET}, and methods are forwarded as they are), and what RFC 9112 lets a
     * recipient repair: a lower-case {@code http} (Jetty), tabs between the request line's parts and a folded
     * header line (Tomcat), Transfer-Encoding with Content-Length (Tomcat drops the length, reads the chunks and
     * closes the connection; {@link SmugglingContract} checks what the origin then gets).
     */
    private static final List<String> TOLERATED_BY_PROXIES = List.of("?" + "q".repeat(9_000), "a/".repeat(5_000),
            "a/..%3B/b", "get / HTTP/1.1", "GET / http/1.1", "GET\t/\tHTTP/1.1", "X-A: 1\r\n folded: 2",
            "Transfer-Encoding: chunked\r\nContent-Length: 3", "Content-Length: 3\r\nTransfer-Encoding: chunked");

    private HostileRequests() {
    }

    /**
     * Requests for the API listener: every malformed target under {@code /client/v4} with and without credentials,
     * every malformed request line, every broken header section, every body no write may accept.
     *
     * @param writable an existing collection to write to (e.g. {@code /client/v4/accounts/<id>/load_balancers/pools}),
     *                 so that bodies reach validation
     */
    static List<Case> forApi(String host, String token, String writable) {
        final String auth = "Authorization: Bearer " + token;
        final List<Case> cases = new ArrayList<>();
        for (String target : MALFORMED_TARGETS) {
            final String path = target.startsWith("?") ? "/client/v4/accounts" + target : "/client/v4/" + target;
            cases.add(request("GET " + path + " (anonymous)", "GET " + path + " HTTP/1.1", host));
            cases.add(request("GET " + path, "GET " + path + " HTTP/1.1", host, auth));
            cases.add(body("POST " + path, "POST " + path + " HTTP/1.1", host, "{}", auth,
                    "Content-Type: application/json"));
        }
        for (String line : MALFORMED_REQUEST_LINES) {
            cases.add(request(line, line, host, auth));
        }
        cases.add(request("CONNECT", "CONNECT www.example.com:80 HTTP/1.1", host, auth));
        cases.add(request("TRACE", "TRACE /client/v4/accounts HTTP/1.1", host, auth));
        cases.add(request("absolute-form elsewhere", "GET http://elsewhere.example/client/v4/x HTTP/1.1", host, auth));
        for (String headers : MALFORMED_HEADERS) {
            cases.add(request("GET with " + headers, "GET /client/v4/accounts HTTP/1.1", host, auth, headers));
        }
        cases.add(request("no Host", "GET /client/v4/accounts HTTP/1.1", null, auth));
        cases.add(request("bad Host", "GET /client/v4/accounts HTTP/1.1", "<x>", auth));
        cases.add(request("Authorization too long", "GET /client/v4/accounts HTTP/1.1", host,
                "Authorization: Bearer " + "t".repeat(600)));
        cases.add(request("Authorization not Bearer", "GET /client/v4/accounts HTTP/1.1", host,
                "Authorization: Basic Zm9vOmJhcg=="));
        cases.add(request("X-Auth pair malformed", "GET /client/v4/accounts HTTP/1.1", host,
                "X-Auth-Email: not-an-address", "X-Auth-Key: \u00ff"));
        for (String[] write : refusedWrites(writable)) {
            cases.add(body(write[0] + " " + write[1] + " " + write[2], write[0] + " " + write[1] + " HTTP/1.1", host,
                    write[3], auth, write[2]));
        }
        return cases;
    }

    /** Requests for the proxy listener, all addressed to a load balancer: none of them may reach its origin. */
    static List<Case> forProxy(String host) {
        final List<Case> cases = new ArrayList<>();
        for (String target : MALFORMED_TARGETS) {
            if (!TOLERATED_BY_PROXIES.contains(target)) {
                cases.add(request("GET /" + target, "GET /" + target + " HTTP/1.1", host));
            }
        }
        for (String line : MALFORMED_REQUEST_LINES) {
            if (!TOLERATED_BY_PROXIES.contains(line)) {
                cases.add(request(line, line, host));
            }
        }
        cases.add(request("CONNECT", "CONNECT www.example.com:80 HTTP/1.1", host));
        cases.add(request("TRACE", "TRACE / HTTP/1.1", host));
        for (String headers : MALFORMED_HEADERS) {
            if (!headers.startsWith("Host:") && !headers.startsWith("Expect:")
                    && !TOLERATED_BY_PROXIES.contains(headers)) {
                cases.add(request("GET with " + headers, "GET / HTTP/1.1", host, headers));
            }
        }
        cases.add(request("no Host", "GET / HTTP/1.1", null));
        return cases;
    }

    /** Method, path, content type header, body: each refused by validation or protocol, so nothing is stored. */
    private static List<String[]> refusedWrites(String writable) {
        final String json = "Content-Type: application/json";
        final List<String[]> writes = new ArrayList<>();
        for (String body : List.of("", "{", "{\"name\":}", "[1,]", "{\"a\":1,\"a\":2}", "{\"a\":1}{}", "nul",
                "\"text\"", "[]", "null", "1e999999", "{\"name\":\"" + "p".repeat(70_000) + "\",\"origins\":[]}",
                "{\"name\":\"p\\ud800\",\"origins\":[{\"name\":\"a\",\"address\":\"h\"}]}",
                "{\"name\":\"p\",\"origins\":[{\"name\":\"a\",\"address\":\"h\"},{\"name\":\"a\",\"address\":\"i\"}]}",
                "{\"name\":\"p\",\"origins\":[{\"name\":\"a\",\"address\":\"h\",\"header\":{\"Host\":[\"<script> x\"]}}]}",
                "{\"name\":\"p\",\"origins\":[{\"name\":\"a\",\"address\":\"h\",\"header\":{\"Host\":[\"' OR 1=1 --\"]}}]}",
                "{\"name\":\"p\",\"origins\":[{\"name\":\"a\",\"address\":\"h\",\"header\":{\"Host\":[\"\uD83D\uDE00\"]}}]}",
                "{\"name\":\"p\",\"origins\":[{\"name\":\"a\",\"address\":\"<x>\"}]}",
                "{\"name\":\"p q\",\"origins\":[{\"name\":\"a\",\"address\":\"h\"}]}",
                "[".repeat(100_000), "{\"n\":" + "9".repeat(2_000) + "}")) {
            writes.add(new String[]{"POST", writable, json, body});
        }
        final String valid = "{\"name\":\"p\",\"origins\":[{\"name\":\"a\",\"address\":\"h\"}]}";
        for (String type : List.of("Content-Type: application/json; charset=ebcdic",
                "Content-Type: application/problem+json", "Content-Type: text/plain", "X-No-Type: 1",
                "Content-Type: application/x-www-form-urlencoded", "Content-Type: application/json; charset=utf-16")) {
            writes.add(new String[]{"POST", writable, type, valid});
        }
        writes.add(new String[]{"POST", writable, json, "{\"name\":\"" + "x".repeat(1_100_000) + "\"}"});
        writes.add(new String[]{"PUT", writable, json, valid});
        writes.add(new String[]{"DELETE", writable, json, valid});
        writes.add(new String[]{"PATCH", writable, json, "{\"notification_email\":\"\\udc00@example.com\"}"});
        writes.add(new String[]{"PATCH", writable + "/" + "0".repeat(32), json, "{\"name\":\"q\"}"});
        writes.add(new String[]{"DELETE", writable + "/" + "z".repeat(32), json, ""});
        return writes;
    }

    private static Case request(String name, String requestLine, String host, String... headers) {
        return body(name, requestLine, host, null, headers);
    }

    private static Case body(String name, String requestLine, String host, String body, String... headers) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        if (host != null) {
            head.append("Host: ").append(host).append("\r\n");
        }
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        final byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        // ISO-8859-1: each char of the head is one byte, as the mutations spell them (raw 0x80-0xff included).
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(content);
        if (body == null && head.toString().contains("chunked")) {
            // A listener that reads the body as chunked (Transfer-Encoding wins over Content-Length) gets its end.
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        return new Case(name.length() > 120 ? name.substring(0, 120) + "…" : name, out.toByteArray());
    }
}
