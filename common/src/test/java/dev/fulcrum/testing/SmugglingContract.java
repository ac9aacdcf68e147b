package dev.fulcrum.testing;

import org.eclipse.jetty.http.HttpField;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request smuggling through a whole node's proxy listener ({@link NodeUnderTest}), on every host: requests whose
 * framing two parsers could read differently (CL.TE, TE.CL, obfuscated Transfer-Encoding, two Content-Lengths,
 * underscore spellings of the framing headers) each carry a complete second request, {@code GET /smuggled}, where
 * a parser reading the other framing would find it, and are followed by an ordinary request on the same connection.
 * Written with raw sockets: a client library would refuse or repair every one of them.
 *
 * <p>Whatever the host's listener makes of a request (refuse it, or read one framing and drop the other), the
 * origin must never see {@code /smuggled}, never a request framed by both Content-Length and Transfer-Encoding,
 * never a header name with an underscore, and the client never a 5xx other than 501; a CONNECT never reaches the
 * origin at all.
 */
public abstract class SmugglingContract extends NodeContract {

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: " + LB_HOST + "\r\n\r\n";
    private static final String FOLLOW_UP = "GET /follow-up HTTP/1.1\r\nHost: " + LB_HOST
            + "\r\nConnection: close\r\n\r\n";

    /** Each request names its trick; its bytes end with the ordinary follow-up request. */
    private static Map<String, String> attacks() {
        final String zeroChunkThenSmuggled = "0\r\n\r\n" + SMUGGLED;
        final Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("CL.TE", post("Content-Length: " + zeroChunkThenSmuggled.length() + "\r\n"
                + "Transfer-Encoding: chunked\r\n", zeroChunkThenSmuggled));
        final String chunk = SMUGGLED + "x";
        attacks.put("TE.CL", post("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
                Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n"));
        for (String te : List.of("Transfer-Encoding: xchunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x",
                "Transfer-Encoding : chunked", "Transfer-Encoding: chunked, identity", "Transfer-Encoding:\tchunked",
                "Transfer-Encoding: \u000bchunked", "X-A: 1\r\n Transfer-Encoding: chunked",
                "Transfer-Encoding\r\n : chunked", "Transfer-Encoding: CHUNKED", "Transfer-Encoding: \"chunked\"",
                "Transfer-Encoding: identity, chunked")) {
            attacks.put("obfuscated TE: " + te.replace("\r\n", "⏎"), post("Content-Length: "
                    + zeroChunkThenSmuggled.length() + "\r\n" + te + "\r\n", zeroChunkThenSmuggled));
        }
        attacks.put("double CL", post("Content-Length: 0\r\nContent-Length: " + SMUGGLED.length() + "\r\n",
                SMUGGLED));
        attacks.put("double CL in one field", post("Content-Length: " + SMUGGLED.length() + ", 0\r\n", SMUGGLED));
        attacks.put("CL with sign", post("Content-Length: +0\r\n", SMUGGLED));
        attacks.put("underscore TE", post("Content-Length: " + zeroChunkThenSmuggled.length() + "\r\n"
                + "Transfer_Encoding: chunked\r\n", zeroChunkThenSmuggled));
        attacks.put("underscore CL", post("Content-Length: " + SMUGGLED.length() + "\r\nContent_Length: 0\r\n",
                SMUGGLED));
        attacks.put("underscore TE alone", post("Transfer_Encoding: chunked\r\n", zeroChunkThenSmuggled));
        attacks.put("GET with a body", "GET / HTTP/1.1\r\nHost: " + LB_HOST + "\r\nContent-Length: "
                + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED + FOLLOW_UP);
        attacks.put("CONNECT", "CONNECT www.example.com:80 HTTP/1.1\r\nHost: " + LB_HOST + "\r\n\r\n" + FOLLOW_UP);
        attacks.put("CONNECT to the load balancer", "CONNECT " + LB_HOST + ":80 HTTP/1.1\r\nHost: " + LB_HOST
                + "\r\n\r\n" + FOLLOW_UP);
        return attacks;
    }

    private static String post(String framing, String body) {
        return "POST / HTTP/1.1\r\nHost: " + LB_HOST + "\r\n" + framing + "\r\n" + body + FOLLOW_UP;
    }

    @Test
    void noFramingTrickSmugglesARequestToTheOrigin() throws Exception {
        final List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> attack : attacks().entrySet()) {
            final int seen = origin.requestCount();
            final RawExchange.Result result = RawExchange.send(node.proxyPort(),
                    attack.getValue().getBytes(StandardCharsets.UTF_8));
            for (RawExchange.Response answer : result.responses()) {
                if (HostileInputContract.failed(answer.status())) {
                    failures.add(attack.getKey() + ": answered " + answer);
                }
            }
            final RawExchange.Response first = result.first();
            if (attack.getKey().startsWith("CONNECT") && (first == null
                    || !(first.status() >= 400 && first.status() < 500 || first.status() == 501))) {
                failures.add(attack.getKey() + ": not refused, answered " + first);
            }
            final List<LoopbackOrigin.Seen> reached = origin.requests().subList(seen, origin.requestCount());
            for (LoopbackOrigin.Seen request : reached) {
                final String problem = problem(attack.getKey(), request);
                if (problem != null) {
                    failures.add(attack.getKey() + ": " + problem);
                }
            }
        }
        assertThat(failures).isEmpty();
        // Nothing was left in a connection toward the origin: the next request is answered as itself.
        final RawExchange.Response after = RawExchange.send(node.proxyPort(), FOLLOW_UP).first();
        assertThat(after.status()).isEqualTo(200);
        assertThat(origin.lastRequest().path()).isEqualTo("/follow-up");
    }

    /** What is wrong with a request that reached the origin during an attack, or null. */
    private static String problem(String attack, LoopbackOrigin.Seen request) {
        // The smuggled bytes may travel as the body of the request they came in (where a listener read them so);
        // read as a request of their own, they would arrive with their own path.
        if (request.path().startsWith("/smuggled")) {
            return "smuggled " + request.method() + " " + request.path();
        }
        if (attack.startsWith("CONNECT") && !request.path().equals("/follow-up")) {
            return "a CONNECT reached the origin as " + request.method() + " " + request.path();
        }
        if (request.header("Content-Length") != null && request.header("Transfer-Encoding") != null) {
            return "framed by both Content-Length and Transfer-Encoding";
        }
        for (HttpField field : request.headers()) {
            if (field.getName().indexOf('_') >= 0) {
                return "header " + field.getName() + " forwarded";
            }
        }
        final String te = request.header("Transfer-Encoding");
        if (te != null && !te.toLowerCase(Locale.ROOT).equals("chunked")) {
            return "Transfer-Encoding " + te + " forwarded";
        }
        return null;
    }
}
