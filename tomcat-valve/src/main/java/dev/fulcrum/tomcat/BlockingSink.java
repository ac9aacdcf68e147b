package dev.fulcrum.tomcat;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Writes with the response's blocking stream. Used only on the valve's own thread ({@link ValveThreadLoop}), for a
 * request Tomcat mapped to no Context, which cannot go async.
 */
final class BlockingSink implements ResponseSink {

    private final HttpServletResponse response;
    private volatile boolean written;

    BlockingSink(HttpServletResponse response) {
        this.response = response;
    }

    @Override
    public void write(byte[] bytes, Runnable demander) throws IOException {
        written = true;
        response.getOutputStream().write(bytes);
        demander.run();
    }

    @Override
    public void finish(Runnable done) {
        done.run();
    }

    @Override
    public boolean written() {
        return written;
    }
}
