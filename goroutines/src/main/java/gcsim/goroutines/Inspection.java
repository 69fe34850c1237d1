package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;

import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Looking at one runtime from outside (Go's {@code schedtrace} with
 * {@code scheddetail=1}, and gcsim's own accounting checks): the scheduler's
 * counters and every P, M and G as text, whether every G is accounted for,
 * how many Ms run. Nothing here changes the runtime.
 *
 * <p><b>Callers and threads.</b> Any thread: the {@code --timeout} dump,
 * checkdead's throw text ({@link Liveness}, holding sched.lock: the lock is
 * reentrant), tests and soaks. Reads take sched.lock where Go's do; an M's
 * own fields are read without its lock, so a live dump is a snapshot, exact
 * only when the process is stuck. Owns no state but the clock origin.
 */
final class Inspection {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    /** When this process was made (Go's runtimeInitTime), for schedtrace's clock. */
    private final long startNanos = System.nanoTime();

    Inspection(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Go's schedtrace with scheddetail=1: a {@code SCHED} line with the
     * scheduler's counters (gomaxprocs, idle Ps, Ms, spinning and idle Ms,
     * global run queue), then one line per P, M and G. An M's state is read
     * without its lock, so a live dump is a snapshot, exact only when the
     * process is stuck. Any thread; takes sched.lock (reentrant: checkdead
     * calls it holding the lock).
     */
    String schedtrace() {
        StringBuilder sb = new StringBuilder();
        sched.platform.lock(sched.lock);
        try {
            sb.append("SCHED ").append((System.nanoTime() - startNanos) / 1_000_000).append("ms:")
                    .append(" gomaxprocs=").append(sched.gomaxprocs)
                    .append(" idleprocs=").append(sched.mps.npidle.get())
                    .append(" threads=").append(sched.mps.mcount)
                    .append(" spinningthreads=").append(sched.mps.nmspinning.get())
                    .append(" idlethreads=").append(sched.mps.nmidle)
                    .append(" runqueue=").append(sched.globrunq.runqsize)
                    .append(" gcwaiting=").append(sched.stw.gcwaiting ? 1 : 0)
                    .append(" stopwait=").append(sched.stw.stopwait)
                    .append(" external=").append(sched.liveness.nexternal).append('\n');
            for (P pp : sched.allp) {
                M mp = pp.m;
                sb.append("  P").append(pp.id).append(": status=").append(pp.status())
                        .append(" schedtick=").append(pp.schedtick).append(" syscalltick=").append(pp.syscalltick)
                        .append(" m=").append(mp == null ? -1 : mp.id)
                        .append(" runqsize=").append(pp.runqlen()).append(" gfreecnt=").append(pp.gFreeN).append('\n');
            }
            for (M mp : sched.mps.allm) {
                P pp = mp.p;
                G cg = mp.curg;
                sb.append("  M").append(mp.id).append(": p=").append(pp == null ? -1 : pp.id)
                        .append(" curg=").append(cg == null ? -1 : cg.goid)
                        .append(" mallocing=").append(mp.mallocing).append(" preemptoff=")
                        .append(mp.preemptoff == null ? "" : mp.preemptoff)
                        .append(" locks=").append(mp.locks).append(" spinning=").append(mp.spinning)
                        .append(" blocked=").append(mp.thread.getState() == Thread.State.WAITING
                                || mp.thread.getState() == Thread.State.TIMED_WAITING)
                        .append('\n');
            }
        } finally {
            sched.lock.unlock();
        }
        for (G gp : sched.allgs()) {
            M mp = gp.m;
            int s = readgstatus(gp);
            sb.append("  G").append(gp.goid).append(": status=").append(s).append('(')
                    .append(s == G_WAITING ? gp.waitreason.toString() : "").append(") m=")
                    .append(mp == null ? -1 : mp.id).append('\n');
        }
        return sb.toString();
    }

    /**
     * Reliability check for tests and soaks: every G is accounted for. None
     * holds the scan bit and the live ones (not dead) are exactly those created
     * and not exited. Returns null when so, else what is wrong. The caller has
     * stopped the world and no suspender (mark worker) is at work.
     */
    @Nullable String unaccountedGs() {
        long live = 0;
        for (G gp : sched.allgs()) {
            int s = readgstatus(gp);
            if ((s & G_SCAN) != 0) {
                return gp + " left with the scan bit (status " + Integer.toHexString(s) + ")";
            }
            if (s != G_DEAD && !gp.systemGoroutine) { // system Gs are sched.ngsys, not created
                live++;
            }
        }
        long expected = sched.goroutinesCreated.get() - sched.goroutinesExited.get();
        return live == expected ? null : live + " live Gs, but created - exited = " + expected;
    }

    /** The current value of {@code mcount - nmidle} (running Ms). Any thread. */
    int runningMs() {
        sched.platform.lock(sched.lock);
        try {
            return sched.mps.mcount - sched.mps.nmidle;
        } finally {
            sched.lock.unlock();
        }
    }
}
