package dev.fulcrum.forwarding;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Runs one exchange's client-side work on the thread that dispatched the request, for a host that may touch its
 * request and response only there: a Tomcat request mapped to no Context (which cannot go async), or a WebSocket
 * handshake, whose connection the servlet container switches only during the request's own dispatch. The loop's
 * callbacks only post here and return, so they never block and may run on the upstream client's selectors; the
 * dispatching thread, which the container lends to the request anyway, writes the answer and reads the body with
 * blocking streams in between, in the order they were posted.
 *
 * <p>Thread safety: {@link #execute}, {@link #offer} and {@link #end} from any thread; {@link #run} on the
 * dispatching thread only.
 */
public final class ThreadLoop implements Executor {

    private static final Runnable WAKE_UP = () -> { };

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    @Override
    public void execute(Runnable task) {
        offer(task);
    }

    /** Posts {@code task}; false when the loop already ended (the request is answered and no longer the host's). */
    public boolean offer(Runnable task) {
        if (ended) {
            return false;
        }
        tasks.add(task);
        return true;
    }

    /** Stops {@link #run}; tasks still queued or posted later are dropped: they belong to an answered request. */
    public void end() {
        ended = true;
        tasks.add(WAKE_UP);
    }

    /** Runs posted tasks on the calling thread until {@link #end}; a task that throws is reported to {@code failed}. */
    public void run(Consumer<RuntimeException> failed) throws InterruptedException {
        while (!ended) {
            final Runnable task = tasks.take();
            try {
                task.run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }
    }
}
