package gcsim.goroutines;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The helper threads of one test (suspenders and the like), whose failures
 * reach the test thread: the first Throwable of any of them (an assertion,
 * a runtime throw, which is an Error) is kept and rethrown by
 * {@link #joinAll}. Created and joined by the test thread; owns the threads
 * it started.
 */
final class HelperThreads {
    /** A helper's body: may throw anything. */
    interface Body {
        void run() throws Exception;
    }

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code body} on a new daemon thread named {@code name}. The test thread. */
    Thread start(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                if (!failure.compareAndSet(null, e)) {
                    failure.get().addSuppressed(e);
                }
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    /** Whether a helper failed already (a helper loop may stop early on it). Any thread. */
    boolean failed() {
        return failure.get() != null;
    }

    /**
     * Joins every helper (at most {@code seconds} in all) and rethrows the
     * first failure, with the later ones suppressed. The test thread.
     */
    void joinAll(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new AssertionError("a helper thread failed: " + f, f);
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                throw new AssertionError("helper thread " + t.getName() + " still running after " + seconds + " s");
            }
        }
    }
}
