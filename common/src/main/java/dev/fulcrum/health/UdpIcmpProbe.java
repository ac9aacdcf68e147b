package dev.fulcrum.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The udp_icmp probe (spec §3.1): the {@link IcmpProbe} ping first, then a one-byte (NUL) UDP datagram to the port
 * from a connected, non-blocking {@link DatagramChannel}. The kernel reports an ICMP port-unreachable reply to a
 * connected socket as an error on its next read, which surfaces as {@link java.net.PortUnreachableException}; the
 * channel is polled every {@value #POLL_MILLIS} ms on the scheduler for up to the timeout. No error within the
 * timeout (or any answer datagram) passes. A port-unreachable is reported as {@code TCP connection failed}, the
 * nearest Cloudflare wording. The round-trip time is the ping's.
 */
final class UdpIcmpProbe implements Probe {

    static final long POLL_MILLIS = 100;

    private final IcmpProbe ping;
    private final ScheduledExecutorService scheduler;
    private final Executor blocking;

    UdpIcmpProbe(IcmpProbe ping, ScheduledExecutorService scheduler, Executor blocking) {
        this.ping = ping;
        this.scheduler = scheduler;
        this.blocking = blocking;
    }

    @Override
    public CompletableFuture<ProbeResult> attempt(ProbeTarget target) {
        return ping.attempt(target).thenCompose(pinged -> {
            if (!pinged.passed()) {
                return CompletableFuture.completedFuture(pinged);
            }
            return Addresses.resolve(target.address(), blocking)
                    .thenCompose(address -> sendAndWatch(new InetSocketAddress(address, target.port()), target,
                            pinged.rttNanos()))
                    .exceptionally(e -> ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT)));
        });
    }

    private CompletableFuture<ProbeResult> sendAndWatch(InetSocketAddress address, ProbeTarget target, long rtt) {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        final DatagramChannel channel;
        try {
            channel = DatagramChannel.open();
            channel.configureBlocking(false);
            channel.connect(address);
            // One NUL byte: the JDK does not send an empty buffer at all, and a byte is the least a service can mind.
            channel.write(ByteBuffer.allocate(1));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.completedFuture(
                    ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT)));
        }
        result.whenComplete((done, ignored) -> Dialer.closeQuietly(channel));
        poll(channel, Math.max(1, target.timeout().toMillis() / POLL_MILLIS), rtt, result);
        return result;
    }

    private void poll(DatagramChannel channel, long pollsLeft, long rtt, CompletableFuture<ProbeResult> result) {
        scheduler.schedule(() -> {
            try {
                // 0 = nothing yet; > 0 = the service answered, which settles it early.
                if (channel.read(ByteBuffer.allocate(512)) > 0 || pollsLeft <= 1) {
                    result.complete(ProbeResult.pass(0, rtt));
                } else {
                    poll(channel, pollsLeft - 1, rtt, result);
                }
            } catch (IOException | RuntimeException e) {
                result.complete(ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT)));
            }
        }, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
}
