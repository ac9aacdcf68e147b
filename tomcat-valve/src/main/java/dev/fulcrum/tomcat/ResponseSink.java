package dev.fulcrum.tomcat;

import java.io.IOException;

/** Where the origin's response bytes go: the client's stream, written without blocking or on the valve's thread. */
interface ResponseSink {

    /** Writes a chunk, then runs {@code demander} (possibly later, possibly on another thread) to ask for the next. */
    void write(byte[] bytes, Runnable demander) throws IOException;

    /** Runs {@code done} once everything written has been handed to the container. */
    void finish(Runnable done);

    /** True once any byte was written: the answer can no longer be replaced by a failure page. */
    boolean written();
}
