package dev.fulcrum.health;

import java.util.concurrent.CompletableFuture;

/**
 * One probe attempt of one kind (http/https, tcp, smtp, icmp_ping, udp_icmp), spec §3.1.
 *
 * <p>Contract: {@link #attempt} never blocks the caller and the returned future always completes normally, within
 * about the target's timeout, with a {@link ProbeResult}; a failure is a result, not an exception.
 */
interface Probe {

    CompletableFuture<ProbeResult> attempt(ProbeTarget target);
}
