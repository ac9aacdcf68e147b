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
import java.util.function.Consumer;

/**
 * Opens the TCP connection of a tcp or smtp probe without blocking: the origin's address is resolved by
 * {@link Addresses} (host names on the blocking pool), the channel connects on the small shared NIO.2 group, and the
 * monitor's timeout, counted from the probe's start, is one deadline on the health scheduler for the whole probe.
 *
 * <p>Contract: whatever completes the probe's result first (the deadline, a failure, the probe's own verdict) closes
 * the channel and cancels the deadline. Failures before the connection is up complete the result with their
 * classified reason (a timeout there is {@code TCP connection timed out}).
 */
final class Dialer {

    private final AsynchronousChannelGroup group;
    private final ScheduledExecutorService scheduler;
    private final Executor blocking;
    private final Ticker ticker;

    Dialer(AsynchronousChannelGroup group, ScheduledExecutorService scheduler, Executor blocking, Ticker ticker) {
        this.group = group;
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.ticker = ticker;
    }

    /**
     * Connects to {@code target}'s address and port, then runs {@code connected} with the open channel on the
     * group's thread, unless {@code result} is complete by then.
     *
     * @param start the probe's start, by the ticker: the deadline is the target's timeout after it
     */
    void connect(ProbeTarget target, long start, CompletableFuture<ProbeResult> result,
                 Consumer<AsynchronousSocketChannel> connected) {
        Addresses.resolve(target.address(), blocking).whenComplete((address, resolveFailure) -> {
            if (resolveFailure != null) {
                fail(result, resolveFailure);
                return;
            }
            final AsynchronousSocketChannel channel;
            try {
                channel = AsynchronousSocketChannel.open(group);
            } catch (IOException e) {
                fail(result, e);
                return;
            }
            final long remaining = Math.max(0, target.timeout().toNanos() - (ticker.read() - start));
            final ScheduledFuture<?> deadline = scheduler.schedule(
                    () -> result.complete(ProbeResult.fail(FailureReason.TCP_TIMEOUT)), remaining,
                    TimeUnit.NANOSECONDS);
            result.whenComplete((done, ignored) -> {
                deadline.cancel(false);
                closeQuietly(channel);
            });
            try {
                channel.connect(new InetSocketAddress(address, target.port()), null,
                        handler(result, ignored -> connected.accept(channel)));
            } catch (RuntimeException e) {
                fail(result, e);
            }
        });
    }

    /**
     * A channel operation's handler within a probe: {@code onSuccess} runs only while the probe is undecided (the
     * deadline may have passed meanwhile); a failure decides it.
     */
    static <V> CompletionHandler<V, Void> handler(CompletableFuture<ProbeResult> result, Consumer<V> onSuccess) {
        return new CompletionHandler<>() {
            @Override
            public void completed(V value, Void attachment) {
                if (!result.isDone()) {
                    onSuccess.accept(value);
                }
            }

            @Override
            public void failed(Throwable failure, Void attachment) {
                fail(result, failure);
            }
        };
    }

    /** Completes {@code result} with the reason {@code failure} stands for; a timeout is a TCP one. */
    static void fail(CompletableFuture<ProbeResult> result, Throwable failure) {
        result.complete(ProbeResult.fail(Failures.classify(failure, FailureReason.TCP_TIMEOUT)));
    }

    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing left to do with a probe connection that fails to close.
        }
    }
}
