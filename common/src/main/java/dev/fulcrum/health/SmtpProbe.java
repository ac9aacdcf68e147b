package dev.fulcrum.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The smtp probe (spec §3.1): connect, read the 220 greeting, {@code HELO} expects 250, {@code QUIT} expects 221.
 * The whole conversation shares one deadline (the monitor timeout). A wrong reply code is a
 * {@code Response code mismatch error} carrying the SMTP code; a passing probe reports 221.
 */
final class SmtpProbe implements Probe {

    private static final int MAX_REPLY = 4096;

    private final Dialer dialer;
    private final Ticker ticker;

    SmtpProbe(Dialer dialer, Ticker ticker) {
        this.dialer = dialer;
        this.ticker = ticker;
    }

    @Override
    public CompletableFuture<ProbeResult> attempt(ProbeTarget target) {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        final long start = ticker.read();
        // The deadline covers the whole conversation; its end, whatever decides it, closes the connection.
        dialer.connect(target, start, result, channel -> new Conversation(channel, result, start).greeting());
        return result;
    }

    /** One SMTP exchange; each step runs on the channel group's thread after the previous one completed. */
    private final class Conversation {

        private final AsynchronousSocketChannel channel;
        private final CompletableFuture<ProbeResult> result;
        private final long start;
        private final ByteBuffer in = ByteBuffer.allocate(1024);
        private final StringBuilder received = new StringBuilder();

        Conversation(AsynchronousSocketChannel channel, CompletableFuture<ProbeResult> result, long start) {
            this.channel = channel;
            this.result = result;
            this.start = start;
        }

        /** Connected: the server speaks first. */
        void greeting() {
            expect(220, this::helo);
        }

        private void helo() {
            String local;
            try {
                local = ((InetSocketAddress) channel.getLocalAddress()).getAddress().getHostAddress();
            } catch (IOException | RuntimeException e) {
                local = "127.0.0.1";
            }
            // An address literal is a valid HELO argument and needs no DNS name for this node.
            final String literal = local.indexOf(':') >= 0 ? "IPv6:" + local : local;
            send("HELO [" + literal + "]\r\n", () -> expect(250, this::quit));
        }

        private void quit() {
            send("QUIT\r\n", () -> expect(221, () -> result.complete(ProbeResult.pass(221, ticker.read() - start))));
        }

        private void expect(int code, Runnable next) {
            readReply(reply -> {
                if (reply == code) {
                    next.run();
                } else {
                    result.complete(ProbeResult.fail(FailureReason.RESPONSE_CODE_MISMATCH, reply));
                }
            });
        }

        private void readReply(IntConsumer onReply) {
            final int code = completeReply();
            if (code == -2) {
                result.complete(ProbeResult.fail(FailureReason.OTHER));
            } else if (code >= 0) {
                onReply.accept(code);
            } else if (!result.isDone()) {
                in.clear();
                try {
                    channel.read(in, null, handler(count -> {
                        if (count < 0) {
                            result.complete(ProbeResult.fail(FailureReason.CONNECTION_RESET));
                            return;
                        }
                        in.flip();
                        received.append(StandardCharsets.ISO_8859_1.decode(in));
                        readReply(onReply);
                    }));
                } catch (RuntimeException e) {
                    fail(e);
                }
            }
        }

        /**
         * The code of the complete reply at the head of {@link #received} (consumed), -1 when more bytes are
         * needed, -2 when the bytes are not an SMTP reply.
         */
        private int completeReply() {
            int lineStart = 0;
            while (true) {
                final int end = received.indexOf("\n", lineStart);
                if (end < 0) {
                    return received.length() > MAX_REPLY ? -2 : -1;
                }
                final String line = received.substring(lineStart, end).stripTrailing();
                if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                        || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
                    return -2;
                }
                lineStart = end + 1;
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    received.delete(0, lineStart);
                    return Integer.parseInt(line.substring(0, 3));
                }
            }
        }

        private void send(String command, Runnable next) {
            final ByteBuffer out = ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII));
            write(out, next);
        }

        private void write(ByteBuffer out, Runnable next) {
            if (result.isDone()) {
                return;
            }
            try {
                channel.write(out, null, handler(count -> {
                    if (out.hasRemaining()) {
                        write(out, next);
                    } else {
                        next.run();
                    }
                }));
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private <V> CompletionHandler<V, Void> handler(Consumer<V> onSuccess) {
            return Dialer.handler(result, onSuccess);
        }

        private void fail(Throwable failure) {
            Dialer.fail(result, failure);
        }
    }
}
