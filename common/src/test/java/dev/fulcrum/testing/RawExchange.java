package dev.fulcrum.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bytes sent on a fresh TCP connection exactly as given, then every response read until the server closes the
 * connection: what a test needs for requests a client library would refuse or repair (two Content-Lengths, a
 * Transfer-Encoding with Content-Length, a CONNECT, illegal characters). The last request of a test's bytes should
 * carry {@code Connection: close}, so that the server ends the exchange rather than the read timeout.
 */
public final class RawExchange {

    /** The status of an HTTP/0.9 answer, which has none. */
    public static final int HTTP_09 = 0;

    /** One response: status ({@link #HTTP_09} for an HTTP/0.9 answer), header lines and body as bytes. */
    public record Response(int status, List<String[]> headers, byte[] body) {

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            final StringBuilder text = new StringBuilder().append(status);
            for (String[] h : headers) {
                text.append(' ').append(h[0]).append(": ").append(h[1]).append(';');
            }
            final String shown = bodyText();
            return text.append(' ').append(shown.length() > 300 ? shown.substring(0, 300) + "…" : shown).toString();
        }
    }

    /** What came back: the responses read, and whether the server closed the connection. */
    public record Result(List<Response> responses, boolean closed) {

        public Response first() {
            return responses.isEmpty() ? null : responses.get(0);
        }
    }

    private RawExchange() {
    }

    public static Result send(int port, String request) throws IOException {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends {@code request}, then reads responses until the server closes (or 10 s pass without a byte). */
    public static Result send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // The server may close before it has read everything (e.g. after refusing the head); its answer,
                // if any, is still there to read.
            }
            final InputStream in = socket.getInputStream();
            final List<Response> responses = new ArrayList<>();
            boolean closed = false;
            try {
                while (true) {
                    final Response response = read(in);
                    if (response == null) {
                        closed = true;
                        break;
                    }
                    responses.add(response);
                }
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true; // reset
            }
            return new Result(List.copyOf(responses), closed);
        }
    }

    /** One response, or null at a clean end of stream before its first byte. */
    private static Response read(InputStream in) throws IOException {
        final String statusLine = line(in, true);
        if (statusLine == null) {
            return null;
        }
        if (!statusLine.startsWith("HTTP/")) {
            // An HTTP/0.9 answer (to an HTTP/0.9 request): no status line, no headers, the body up to the end.
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes((statusLine + "\n").getBytes(StandardCharsets.ISO_8859_1));
            in.transferTo(body);
            return new Response(HTTP_09, List.of(), body.toByteArray());
        }
        final String[] parts = statusLine.split(" ", 3);
        final int status = Integer.parseInt(parts[1]);
        final List<String[]> headers = new ArrayList<>();
        for (String line = line(in, false); !line.isEmpty(); line = line(in, false)) {
            final int colon = line.indexOf(':');
            headers.add(new String[]{line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        final Response head = new Response(status, headers, new byte[0]);
        if (status < 200 && status != 101) {
            return read(in); // an interim answer (100 Continue): the final one follows
        }
        final String length = head.header("Content-Length");
        final String encoding = head.header("Transfer-Encoding");
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            for (int size = chunkSize(line(in, false)); size > 0; size = chunkSize(line(in, false))) {
                body.write(in.readNBytes(size));
                line(in, false);
            }
            while (!line(in, false).isEmpty()) {
                // trailers
            }
        } else if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length.trim())));
        } else if (status != 204 && status != 304 && status != 101) {
            in.transferTo(body); // delimited by the end of the connection
        }
        return new Response(status, headers, body.toByteArray());
    }

    private static int chunkSize(String line) {
        return Integer.parseInt(line.split(";")[0].trim(), 16);
    }

    private static String line(InputStream in, boolean endAllowed) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (endAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a response");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
