package dev.fulcrum.forwarding;

import dev.fulcrum.upstream.ClientResponseHeaders;

/**
 * The head of the answer to the client as the loop composed it: the origin's status, and its headers by common's
 * rules ({@link ClientResponseHeaders}) followed by the decision's. Read by {@link ClientSide#head} and
 * {@link ClientSide#upgrade} while they run.
 */
public interface ResponseHead {

    int status();

    /** Writes the headers to the host's response. */
    void headers(ClientResponseHeaders.Target target);
}
