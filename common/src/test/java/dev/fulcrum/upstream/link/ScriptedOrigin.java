package dev.fulcrum.upstream.link;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An origin on a loopback port that answers each request head it reads with the bytes a script gives for the
 * request's number (0, 1, …), then keeps the connection, or closes it when the script's answer is {@link #CLOSE} or
 * ends with it: for answers no well-behaved server would send.
 */
final class ScriptedOrigin implements AutoCloseable {

    /** Appended to an answer (or alone): close the connection after writing it. */
    static final String CLOSE = "<close>";

    private final ServerSocket server;
    private final IntFunction<String> script;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    ScriptedOrigin(IntFunction<String> script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        final Thread acceptor = new Thread(this::accept, "scripted-origin");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Connections the proxy side closed (read end of stream). */
    int closedByPeer() {
        return closedByPeer.get();
    }

    List<String> heads() {
        return heads;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                final Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                final Thread serving = new Thread(() -> serve(socket), "scripted-origin-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            while (true) {
                final String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                heads.add(head);
                skipBody(in, head);
                String answer = script.apply(requests.getAndIncrement());
                final boolean close = answer.endsWith(CLOSE);
                if (close) {
                    answer = answer.substring(0, answer.length() - CLOSE.length());
                }
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy side went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            final int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && (matched % 2 == 0) == (b == '\r') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }
}
