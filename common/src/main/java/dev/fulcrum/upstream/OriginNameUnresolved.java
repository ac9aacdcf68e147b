package dev.fulcrum.upstream;

import java.net.UnknownHostException;

/**
 * An origin's host name did not resolve (no such name, no address, or no answer in time): the request is steered
 * away from that origin, and answered 530 with error 1016 when no other origin is left (spec §8.3).
 */
final class OriginNameUnresolved extends UnknownHostException {

    private static final long serialVersionUID = 1L;

    OriginNameUnresolved(String host, Throwable cause) {
        super("origin host name " + host + " did not resolve: " + cause);
        initCause(cause);
    }
}
