package dev.fulcrum.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay to one port that a test can cut (every connection closed, new ones refused: the port stops
 * listening) and restore on the same port: a network partition between one client and a server, without touching
 * the server.
 */
public final class TcpProxy implements AutoCloseable {

    private final int target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private volatile boolean closed;

    private TcpProxy(int target, ServerSocket server) {
        this.target = target;
        this.server = server;
        this.port = server.getLocalPort();
    }

    /** A relay on a free loopback port to {@code targetPort} on loopback. */
    public static TcpProxy start(int targetPort) throws IOException {
        final TcpProxy proxy = new TcpProxy(targetPort, bind(0));
        proxy.acceptOn(proxy.server);
        return proxy;
    }

    public int port() {
        return port;
    }

    /** Closes every relayed connection and stops listening, so that connections are refused. */
    public synchronized void cut() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    /** Listens again on the same port. */
    public synchronized void restore() throws IOException {
        if (server.isClosed()) {
            server = bind(port);
            acceptOn(server);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
    }

    private static ServerSocket bind(int port) throws IOException {
        final ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void acceptOn(ServerSocket listening) {
        final Thread acceptor = new Thread(() -> {
            while (!closed && !listening.isClosed()) {
                try {
                    final Socket client = listening.accept();
                    final Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // cut or closed
                }
            }
        }, "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pump(Socket from, Socket to) {
        final Thread thread = new Thread(() -> {
            final byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "tcp-proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }
}
