package dev.fulcrum.upstream.link;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's call on its way through {@link OriginLinks}: it may wait for a connection, then runs on one link.
 * It ends exactly once, whichever comes first of the link's end, a connect failure and an {@link #abort} from the
 * client's side, so that the call hears one {@link OriginCall#complete} or {@link OriginCall#failed}.
 */
final class Send implements OriginLinks.InFlight {

    final OriginCall call;
    final LinkPool pool;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The link carrying it, once it has one. */
    private volatile OriginLink link;
    private volatile boolean failed;
    /** The origin's status once its answer began, else 0. */
    volatile int status;

    Send(OriginCall call, LinkPool pool) {
        this.call = call;
        this.pool = pool;
    }

    /** Binds it to {@code carrier}; false if it ended already (aborted while connecting). */
    boolean bind(OriginLink carrier) {
        link = carrier;
        return !ended.get();
    }

    boolean ended() {
        return ended.get();
    }

    void head(int code, HttpFields headers) {
        if (!ended.get()) {
            call.head(code, headers);
        }
    }

    void content(Content.Chunk chunk, Runnable demand) {
        if (!ended.get()) {
            call.content(chunk, demand);
        }
    }

    /** Takes the right to end it successfully (then the caller completes the call); false if it had ended. */
    boolean claim() {
        return ended.compareAndSet(false, true);
    }

    /** Whether it ended by a failure or an abort (its request need not be written on). */
    boolean failed() {
        return failed;
    }

    /** Ends it with {@code cause}; false if it had ended already. */
    boolean fail(Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        failed = true;
        call.failed(cause, status);
        return true;
    }

    @Override
    public void abort(Throwable cause) {
        if (fail(cause)) {
            final OriginLink carrier = link;
            if (carrier != null) {
                carrier.abandon(this); // half an exchange: the link cannot serve another
            }
        }
    }
}
