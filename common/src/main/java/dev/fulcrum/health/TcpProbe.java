package dev.fulcrum.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.Channel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tcp probe (spec §3.1): the handshake must complete within the timeout, then the connection is closed.
 * Non-blocking: NIO.2 channels on a small shared group, the timeout on the health scheduler.
 */
final class TcpProbe implements Probe {

    private final AsynchronousChannelGroup group;
    private final ScheduledExecutorService scheduler;
    private final Executor blocking;
    private final Ticker ticker;

    TcpProbe(AsynchronousChannelGroup group, ScheduledExecutorService scheduler, Executor blocking, Ticker ticker) {
        this.group = group;
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.ticker = ticker;
    }

    @Override
    public CompletableFuture<ProbeResult> attempt(ProbeTarget target) {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        final long start = ticker.read();
        Addresses.resolve(target.address(), blocking).whenComplete((address, resolveFailure) -> {
            if (resolveFailure != null) {
                result.complete(ProbeResult.fail(Failures.classify(resolveFailure, FailureReason.TCP_TIMEOUT)));
                return;
            }
            connect(new InetSocketAddress(address, target.port()), target, start, result);
        });
        return result;
    }

    private void connect(InetSocketAddress address, ProbeTarget target, long start,
                         CompletableFuture<ProbeResult> result) {
        final AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open(group);
        } catch (IOException e) {
            result.complete(ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT)));
            return;
        }
        final long remaining = Math.max(0, target.timeout().toNanos() - (ticker.read() - start));
        final ScheduledFuture<?> timeout = scheduler.schedule(() -> {
            if (result.complete(ProbeResult.fail(FailureReason.TCP_TIMEOUT))) {
                closeQuietly(channel);
            }
        }, remaining, TimeUnit.NANOSECONDS);
        try {
            channel.connect(address, null, new CompletionHandler<Void, Void>() {
                @Override
                public void completed(Void ignored, Void attachment) {
                    timeout.cancel(false);
                    result.complete(ProbeResult.pass(0, ticker.read() - start));
                    closeQuietly(channel);
                }

                @Override
                public void failed(Throwable failure, Void attachment) {
                    timeout.cancel(false);
                    result.complete(ProbeResult.fail(Failures.classify(failure, FailureReason.TCP_TIMEOUT)));
                    closeQuietly(channel);
                }
            });
        } catch (RuntimeException e) {
            timeout.cancel(false);
            result.complete(ProbeResult.fail(Failures.classify(e, FailureReason.TCP_TIMEOUT)));
            closeQuietly(channel);
        }
    }

    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing left to do with a probe connection that fails to close.
        }
    }
}
