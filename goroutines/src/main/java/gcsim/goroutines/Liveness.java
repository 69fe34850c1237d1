package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_PREEMPTED;
import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_SYSCALL;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;

import gcsim.base.GoThrow;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;

/**
 * Liveness of one {@link Sched}: Go's checkdead, and the count of external
 * callers that stand in for Ms.
 *
 * <p><b>Why external callers.</b> A thread that is not an M (a test, a GC
 * worker of gc-mark, sysmon between retake's CAS and handoffp) may hold a
 * suspended G or a stopped world. In Go that caller would itself be an M, so
 * checkdead must count it as running: {@link #enterExternal} /
 * {@link #exitExternal} bracket such a stretch (deliberate difference from
 * Go, which needs no such count).
 *
 * <p><b>Protocol.</b> {@link #checkdead} runs with {@code sched.lock} held
 * when an M goes idle (mput). If only external callers keep the process
 * alive, it defers ({@link #checkdeadDeferred}) instead of walking allgs, and
 * the last {@link #exitExternal} runs it once, recording (not throwing) a
 * deadlock through {@code Sched.fatal}.
 *
 * <p><b>Callers and threads.</b> enterExternal / exitExternal: any non-M
 * thread (Suspension's suspendG/resumeG callers, StopTheWorld's non-M
 * stopper, Sysmon, GcSupport for gc-mark, tests). checkdead: an M in mput,
 * holding {@code sched.lock}. {@link #nexternal} and
 * {@link #checkdeadDeferred} are guarded by {@code sched.lock}; schedtrace
 * reads {@code nexternal} under it.
 */
final class Liveness {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    // ---- guarded by sched.lock ----
    /** Non-M threads currently counted as running Ms. */
    int nexternal;
    /** An M went idle while only external callers kept the process alive: re-check when they leave. */
    private boolean checkdeadDeferred;

    Liveness(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Counts a thread that is not an M as a running M for checkdead while it
     * holds a suspended G or a stopped world (in Go that caller is an M).
     */
    void enterExternal() {
        sched.platform.lock(sched.lock);
        try {
            nexternal++;
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Ends {@link #enterExternal}. If an M went idle meanwhile (its checkdead was
     * deferred), runs checkdead once now, recording (not throwing) a deadlock;
     * otherwise costs nothing, so a GC suspending a million blocked Gs does not
     * walk allgs a million times.
     */
    void exitExternal() {
        sched.platform.lock(sched.lock);
        try {
            nexternal--;
            if (nexternal == 0 && checkdeadDeferred) {
                // An M went idle while only external callers kept the process alive.
                checkdeadDeferred = false;
                checkdead();
            }
        } catch (GoThrow t) {
            sched.processExit.fatal(t);
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Go's checkdead: called with sched.lock held when an M goes idle; throws when
     * no M runs and no G can ever run again. Waiting and preempted Gs count
     * as blocked; a pending timer means someone will wake.
     */
    void checkdead() {
        if (sched.exiting || !sched.mainStarted) {
            return;
        }
        int run = sched.mps.mcount - sched.mps.nmidle + nexternal;
        if (run > 0) {
            if (sched.mps.mcount - sched.mps.nmidle == 0) {
                checkdeadDeferred = true; // re-check when the last external caller leaves
            }
            return;
        }
        if (run < 0) {
            throw Throw.fatal("runtime: checkdead: nmidle=" + sched.mps.nmidle + " mcount=" + sched.mps.mcount,
                    "checkdead: inconsistent counts");
        }
        if (sched.timers.timersPending()) {
            // Deliberate difference in order: Go walks allgs first and looks at the Ps' timers
            // after it. But in Go a pending timer keeps an M blocked in netpoll(delay) inside
            // findrunnable, counted as running, so Go seldom gets here with one pending; here the
            // M idles instead and this runs each time the last M does. The walk is O(goroutines)
            // under sched.lock (a 1,000,000-goroutine run stalled every wakeup behind it), and
            // with a timer pending it cannot end in a deadlock report. It still runs, as in Go,
            // whenever no timer is pending (its "runnable g" consistency check included).
            return;
        }
        int grunning = 0;
        for (G gp : sched.allgs()) {
            if (gp.systemGoroutine) {
                continue; // Go's isSystemGoroutine(gp, false): the GC's parked mark workers
            }
            int s = readgstatus(gp);
            switch (s & ~G_SCAN) {
                case G_WAITING, G_PREEMPTED -> grunning++;
                case G_RUNNABLE, G_RUNNING, G_SYSCALL ->
                    throw Throw.fatal("runtime: checkdead: find g " + gp.goid + " in status " + s + "\n" + sched.schedtrace(),
                            "checkdead: runnable g");
                default -> { }
            }
        }
        if (grunning == 0) { // possible if main goroutine calls runtime·Goexit()
            throw Throw.fatal("no goroutines (main called runtime.Goexit) - deadlock!");
        }
        throw Throw.fatal("all goroutines are asleep - deadlock!");
    }
}
