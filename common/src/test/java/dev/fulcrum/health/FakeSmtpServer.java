package dev.fulcrum.health;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A tiny scripted SMTP server on 127.0.0.1: greets with {@link #greeting}, answers HELO with {@link #heloReply}
 * and QUIT with 221. A null greeting means it accepts and stays silent. Records the commands it received.
 */
final class FakeSmtpServer implements AutoCloseable {

    volatile String greeting = "220-smtp.test ESMTP\r\n220 ready\r\n";
    volatile String heloReply = "250 smtp.test\r\n";
    final Queue<String> commands = new ConcurrentLinkedQueue<>();

    private final ServerSocket server;
    private final Thread acceptor;

    FakeSmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "fake-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(5_000);
                final OutputStream out = socket.getOutputStream();
                final String hello = greeting;
                if (hello == null) {
                    // Silent: hold the connection until the client gives up.
                    socket.getInputStream().read();
                    continue;
                }
                out.write(hello.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                final BufferedReader in = new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    if (line.startsWith("HELO")) {
                        out.write(heloReply.getBytes(StandardCharsets.US_ASCII));
                    } else if (line.equals("QUIT")) {
                        out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        break;
                    } else {
                        out.write("502 unknown\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // The client went away or the server is closing: next connection.
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(5_000);
    }
}
