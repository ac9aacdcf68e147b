package dev.fulcrum.tomcat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Runs the blocking work of one exchange on the valve's own thread, for a request Tomcat mapped to no Context (a
 * Host without webapps), which cannot go async. The upstream client's callbacks only post tasks here and return, so
 * they never block and may run on the client's selectors; the valve thread, which Tomcat lends to the request
 * anyway, writes the answer and reads the body with blocking streams in between, in the order they were posted.
 *
 * <p>Thread safety: {@link #execute} and {@link #end} from any thread; {@link #run} on the valve thread only.
 */
final class ValveThreadLoop implements Executor {

    private static final Runnable WAKE_UP = () -> { };

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    @Override
    public void execute(Runnable task) {
        if (!ended) {
            tasks.add(task);
        }
    }

    /** Stops {@link #run}; tasks still queued or posted later are dropped: they belong to an answered request. */
    void end() {
        ended = true;
        tasks.add(WAKE_UP);
    }

    /** Runs posted tasks on the calling thread until {@link #end}; a task that throws is reported to {@code failed}. */
    void run(Consumer<RuntimeException> failed) throws InterruptedException {
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
