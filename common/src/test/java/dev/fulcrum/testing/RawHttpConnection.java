package dev.fulcrum.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One client TCP connection speaking HTTP/1.1 by hand, so a test controls exactly which requests share a connection
 * (no client pool in between). Requests are sent one at a time; each response is read in full (Content-Length or
 * chunked) before the next request goes out.
 */
public final class RawHttpConnection implements AutoCloseable {

    /** One response: status, header lines (name and value) and body text. */
    public record Response(int status, List<String[]> headers, String body) {

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** Every value of a header (case-insensitive), in order. */
        public List<String> headers(String name) {
            final List<String> values = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    values.add(h[1]);
                }
            }
            return values;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttpConnection(int port) throws IOException {
        this(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Over a socket already connected, e.g. a TLS one. */
    public RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The local port: the same for every request of this connection. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Sends {@code GET path} with the given extra header lines ({@code "Name: value"}) and reads the response. */
    public Response get(String host, String path, String... headerLines) throws IOException {
        final StringBuilder request = new StringBuilder();
        request.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        final String statusLine = line();
        final int status = Integer.parseInt(statusLine.split(" ")[1]);
        final List<String[]> headers = new ArrayList<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            final int colon = line.indexOf(':');
            headers.add(new String[]{line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        final Response head = new Response(status, headers, "");
        final String length = head.header("Content-Length");
        final String encoding = head.header("Transfer-Encoding");
        final byte[] body;
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                chunks.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = chunks.toByteArray();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else {
            body = new byte[0];
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
