package gcsim.goroutines;

import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The global run queue of one runtime (Go's {@code sched.runq} and
 * {@code sched.runqsize}, with {@code globrunqput}, {@code globrunqputbatch}
 * and {@code globrunqget}): a FIFO of runnable Gs linked through
 * {@code schedlink}, next to each P's local queue ({@link P}). The scheduler
 * ({@link Sched#schedule}, findrunnable) takes a fair share of it into its
 * P; Gs land here from a caller without a P (ready, newproc), from Gosched and
 * preemption (goschedImpl), from a full local queue (runqputslow) and from a
 * syscall exit that found no P.
 *
 * <p><b>Locks.</b> Everything is guarded by {@code sched.lock}: the plain
 * methods need the caller to hold it, the {@code ...Locked} and batch ones
 * take it. {@link #runqsize} is volatile so the scheduler may peek at it
 * without the lock, as Go reads {@code sched.runqsize}.
 */
final class GlobalRunq {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    // ---- guarded by sched.lock ----
    private @Nullable G runqHead;
    private @Nullable G runqTail;
    /** Number of Gs queued; written under sched.lock, read racily by the scheduler. */
    volatile int runqsize;

    GlobalRunq(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /** Go's globrunqput: puts gp at the tail of the global queue. Caller holds lock. */
    void globrunqput(G gp) {
        gp.schedlink = null;
        G tail = runqTail;
        if (tail != null) {
            tail.schedlink = gp;
        } else {
            runqHead = gp;
        }
        runqTail = gp;
        runqsize++;
    }

    /**
     * Go's globrunqputhead (a later Go's; go1.14 has no caller without a P): puts gp at the
     * head of the global queue, taking sched.lock. For a system goroutine started by a caller
     * without a P (the collector's gcBgMarkStartWorkers): Go puts the new worker in the calling
     * P's runnext, where it runs at the next scheduling point; {@link #systemAtHead} makes
     * schedule look at the global queue first while one waits there, to the same effect.
     */
    void globrunqputheadSystem(G gp) {
        sched.platform.lock(sched.lock);
        try {
            gp.schedlink = runqHead;
            runqHead = gp;
            if (runqTail == null) {
                runqTail = gp;
            }
            runqsize++;
            systemAtHead = true;
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Whether a system goroutine was put at the head of the queue and not taken yet (see
     * {@link #globrunqputheadSystem}); written under sched.lock, read racily by schedule.
     */
    volatile boolean systemAtHead;

    /** globrunqput taking sched.lock itself. */
    void globrunqputLocked(G gp) {
        sched.platform.lock(sched.lock);
        try {
            globrunqput(gp);
        } finally {
            sched.lock.unlock();
        }
    }

    /** Go's globrunqputbatch, taking the lock itself (runqputslow). */
    void globrunqputbatch(G[] batch) {
        sched.platform.lock(sched.lock);
        try {
            for (G gp : batch) {
                globrunqput(gp);
            }
        } finally {
            sched.lock.unlock();
        }
    }

    @Nullable G globrunqpop() {
        G gp = runqHead;
        if (systemAtHead) {
            systemAtHead = false;
        }
        if (gp != null) {
            runqHead = gp.schedlink;
            if (runqHead == null) {
                runqTail = null;
            }
            gp.schedlink = null;
            runqsize--;
        }
        return gp;
    }

    /** Go's globrunqget: takes a fair share of the global queue into pp; returns one G. Holds lock. */
    @Nullable G globrunqget(P pp, int max) {
        int size = runqsize;
        if (size == 0) {
            return null;
        }
        int n = size / sched.gomaxprocs + 1;
        if (n > size) {
            n = size;
        }
        if (max > 0 && n > max) {
            n = max;
        }
        if (n > P.RUNQ_SIZE / 2) {
            n = P.RUNQ_SIZE / 2;
        }
        G gp = globrunqpop();
        n--;
        for (; n > 0; n--) {
            G gp1 = globrunqpop();
            if (gp1 == null) {
                break;
            }
            pp.runqput(gp1, false);
        }
        return gp;
    }
}
