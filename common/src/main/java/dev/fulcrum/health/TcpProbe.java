package dev.fulcrum.health;

import java.util.concurrent.CompletableFuture;

/**
 * The tcp probe (spec §3.1): the handshake must complete within the timeout, then the connection is closed.
 * Non-blocking: see {@link Dialer}.
 */
final class TcpProbe implements Probe {

    private final Dialer dialer;
    private final Ticker ticker;

    TcpProbe(Dialer dialer, Ticker ticker) {
        this.dialer = dialer;
        this.ticker = ticker;
    }

    @Override
    public CompletableFuture<ProbeResult> attempt(ProbeTarget target) {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        final long start = ticker.read();
        // Passing completes the result, which closes the connection (Dialer's contract).
        dialer.connect(target, start, result, channel -> result.complete(ProbeResult.pass(0, ticker.read() - start)));
        return result;
    }
}
