package gcsim.goroutines;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How one simulated process ends (Go's {@code exit} and {@code fatalthrow}):
 * the main goroutine returns (exit code 0), a throw on any thread records the
 * run's fatal error, or the embedder calls {@link #shutdown}. Either way
 * {@code sched.exiting} is set, every M, the timer poller and sysmon are woken
 * so they unwind at their next scheduling point or instruction boundary
 * ({@link Sched#checkExiting}), and {@link #awaitExit} returns.
 *
 * <p><b>Callers and threads.</b> exit: the main G's M. fatal: any thread that
 * caught a throw at its top level (an M, sysmon, a collector thread through
 * gc-mark's GcSupport, checkdead). shutdown, awaitExit, joinMs and the readers:
 * any thread, usually the embedder's.
 *
 * <p><b>State.</b> The fatal error, its goroutine and the exit code are
 * volatile; the first throw wins under {@code synchronized (exited)}, which
 * keeps the error and its goroutine together. {@code exiting} itself stays in
 * {@link Sched}: every scheduling point reads it.
 */
final class ProcessExit {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    private volatile @Nullable Throwable fatal;
    /** The goroutine whose M threw {@link #fatal} (dopanic_m's gp), null when it was not thrown on an M. */
    private volatile @Nullable G fatalG;
    private volatile int exitCode = -1;
    private final CountDownLatch exited = new CountDownLatch(1);

    ProcessExit(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Waits until the process exits. Returns the exit code (0 when main
     * returned) or throws the fatal error (a {@link GoThrow} such as
     * "all goroutines are asleep - deadlock!"). Returns -1 on timeout
     * (the process keeps running; call {@link #shutdown}).
     */
    int awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        if (!exited.await(timeout, unit)) {
            return -1;
        }
        Throwable t = fatal;
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        return exitCode;
    }

    /** The fatal error that ended the process, if any. */
    @Nullable Throwable fatalError() {
        return fatal;
    }

    /** Whether the process has exited (main returned, a throw, or shutdown). */
    boolean hasExited() {
        return exited.getCount() == 0;
    }

    /** Go's exit(code): ends the process. Any thread. */
    void exit(int code) {
        if (exitCode == -1) {
            exitCode = code;
        }
        shutdown();
    }

    /**
     * The goroutine that was running on the M that threw the {@link #fatalError()}, for Go's
     * fatal-error traceback (dopanic_m prints it first); null when the throw came from a thread
     * that is not an M (a mark worker, the collector, an external caller) or nothing threw.
     */
    @Nullable G fatalGoroutine() {
        return fatal == null ? null : fatalG;
    }

    /** Records a throw: the first one wins and the process ends. Any thread. */
    void fatal(Throwable t) {
        synchronized (exited) { // the throw and its goroutine go together
            if (fatal == null && !hasExitedNormally()) {
                M mp = M.getm();
                fatalG = mp == null ? null : mp.curg;
                fatal = t;
            }
        }
        shutdown();
    }

    private boolean hasExitedNormally() {
        return exitCode != -1;
    }

    /** Stops every M (they exit at their next scheduling point or instruction boundary). */
    void shutdown() {
        sched.exiting = true;
        exited.countDown();
        List<M> ms;
        sched.platform.lock(sched.lock);
        try {
            ms = new ArrayList<>(sched.mps.allm);
        } finally {
            sched.lock.unlock();
        }
        for (M mp : ms) {
            mp.forceSignal();
            sched.platform.unpark(mp.thread);
        }
        Thread t = sched.timers.poller;
        if (t != null) {
            sched.platform.unpark(t);
        }
        Thread s = sched.sysmon.thread;
        if (s != null) {
            sched.platform.unpark(s);
        }
    }

    /** Waits (bounded) until every M thread has ended after an exit. For tests. */
    boolean joinMs(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (M mp : sched.allMs()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            mp.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (mp.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
