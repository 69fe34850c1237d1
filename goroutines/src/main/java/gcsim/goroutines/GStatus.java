package gcsim.goroutines;

import gcsim.goroutines.platform.Platform;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The G status word of runtime2.go and the helpers of proc.go that change it.
 *
 * <p>Beyond indicating the general state of a G, the status acts like a lock
 * on the goroutine's stack (and hence its ability to execute user code). All
 * reads and writes of a G's status go through {@link #readgstatus},
 * {@link #casgstatus}, {@link #castogscanstatus}, {@link #casfromGscanstatus},
 * {@link #casGToPreemptScan}, {@link #casGFromPreempted} and
 * {@link #casgcopystack}; each throws Go's message on an illegal transition.
 *
 * <p>Values are Go's. 5 ({@code _Gmoribund_unused}) and 7
 * ({@code _Genqueue_unused}) are unused. {@code status & ~G_SCAN} is the
 * status the G returns to when the scan bit is cleared.
 *
 * <pre>
 * Legal transitions (who makes them):
 *   IDLE -> DEAD                   malg (newproc1)
 *   DEAD -> RUNNABLE               newproc1
 *   RUNNABLE -> RUNNING            execute
 *   RUNNING -> RUNNABLE            goschedImpl (Gosched, gopreempt_m)
 *   RUNNING -> WAITING             park_m (gopark); a GC worker scanning its own G
 *   WAITING -> RUNNABLE            ready
 *   RUNNING -> SYSCALL -> RUNNING  entersyscall / exitsyscall
 *   SYSCALL -> RUNNABLE            exitsyscall0
 *   RUNNING -> DEAD                goexit0
 *   RUNNING -> COPYSTACK -> RUNNING  newstack (stack growth)
 *   RUNNING -> SCAN|PREEMPTED -> PREEMPTED  preemptPark
 *   PREEMPTED -> WAITING           suspendG (claims the duty to ready it)
 *   X -> X|SCAN -> X               castogscanstatus / casfrom_Gscanstatus,
 *                                  X in {RUNNABLE, RUNNING, SYSCALL, WAITING}
 * </pre>
 */
public final class GStatus {
    private GStatus() {}

    /** {@code _Gidle}: just allocated, not yet initialized. */
    public static final int G_IDLE = 0;
    /** {@code _Grunnable}: on a run queue; the stack is not owned. */
    public static final int G_RUNNABLE = 1;
    /** {@code _Grunning}: may execute user code; owns its stack; has an M and a P. */
    public static final int G_RUNNING = 2;
    /** {@code _Gsyscall}: in a system call; owns its stack; has an M. */
    public static final int G_SYSCALL = 3;
    /** {@code _Gwaiting}: blocked in the runtime, recorded somewhere to be readied. */
    public static final int G_WAITING = 4;
    /** {@code _Gmoribund_unused}. */
    public static final int G_MORIBUND_UNUSED = 5;
    /** {@code _Gdead}: unused; owned by the M exiting it or taking it from the free list. */
    public static final int G_DEAD = 6;
    /** {@code _Genqueue_unused}. */
    public static final int G_ENQUEUE_UNUSED = 7;
    /** {@code _Gcopystack}: the stack is being moved by whoever set this status. */
    public static final int G_COPYSTACK = 8;
    /** {@code _Gpreempted}: stopped itself for suspendG; nothing is yet responsible for readying it. */
    public static final int G_PREEMPTED = 9;
    /** {@code _Gscan}: with any status but running the setter owns the stack. */
    public static final int G_SCAN = 0x1000;
    /** {@code _Gscanrunnable}. */
    public static final int G_SCANRUNNABLE = G_SCAN + G_RUNNABLE;
    /** {@code _Gscanrunning}: briefly blocks transitions of a running G. */
    public static final int G_SCANRUNNING = G_SCAN + G_RUNNING;
    /** {@code _Gscansyscall}. */
    public static final int G_SCANSYSCALL = G_SCAN + G_SYSCALL;
    /** {@code _Gscanwaiting}. */
    public static final int G_SCANWAITING = G_SCAN + G_WAITING;
    /** {@code _Gscanpreempted}. */
    public static final int G_SCANPREEMPTED = G_SCAN + G_PREEMPTED;

    /** Go's {@code gStatusStrings} (traceback.go), indexed by status without the scan bit. */
    private static final @Nullable String[] G_STATUS_STRINGS = {
        "idle", "runnable", "running", "syscall", "waiting", null, "dead", null, "copystack", "preempted",
    };

    /** Go's {@code gStatusStrings[s &^ _Gscan]}, or "???" for a status Go has no string for. */
    public static String statusString(int s) {
        int base = s & ~G_SCAN;
        String str = base >= 0 && base < G_STATUS_STRINGS.length ? G_STATUS_STRINGS[base] : null;
        return str == null ? "???" : str;
    }

    /** Go's {@code readgstatus}: an atomic load of gp's status. Any thread. */
    public static int readgstatus(G gp) {
        return gp.loadStatus();
    }

    /**
     * Go's {@code casfrom_Gscanstatus}: releases the scan "lock" taken by
     * {@link #castogscanstatus} (or by {@link #casGToPreemptScan}). Only the
     * five scan states may go to the same state without the bit; anything else
     * throws. Called by the owner of the scan bit.
     */
    public static void casfromGscanstatus(G gp, int oldval, int newval) {
        boolean success = false;
        switch (oldval) {
            case G_SCANRUNNABLE, G_SCANWAITING, G_SCANRUNNING, G_SCANSYSCALL, G_SCANPREEMPTED -> {
                if (newval == (oldval & ~G_SCAN)) {
                    success = gp.casStatus(oldval, newval);
                }
            }
            default -> {
                throw Throw.fatal(GStatus.dumpgstatus(gp) + "\n" + "runtime: casfrom_Gscanstatus bad oldval gp=" + gp + ", oldval="
                        + Throw.hex(oldval) + ", newval=" + Throw.hex(newval),
                        "casfrom_Gscanstatus:top gp->status is not in scan state");
            }
        }
        if (!success) {
            throw Throw.fatal(GStatus.dumpgstatus(gp) + "\n" + "runtime: casfrom_Gscanstatus failed gp=" + gp + ", oldval="
                    + Throw.hex(oldval) + ", newval=" + Throw.hex(newval),
                    "casfrom_Gscanstatus: gp->status is not in scan state");
        }
    }

    /**
     * Go's {@code castogscanstatus}: acquires the scan "lock". Only
     * runnable/running/waiting/syscall to the same state with the bit; returns
     * false when the CAS loses (gp was not in {@code oldval}); throws otherwise
     * (preempted is not allowed: {@link #casGFromPreempted} claims it).
     */
    public static boolean castogscanstatus(G gp, int oldval, int newval) {
        switch (oldval) {
            case G_RUNNABLE, G_RUNNING, G_WAITING, G_SYSCALL -> {
                if (newval == (oldval | G_SCAN)) {
                    return gp.casStatus(oldval, newval);
                }
            }
            default -> { }
        }
        throw Throw.fatal("runtime: castogscanstatus oldval=" + Throw.hex(oldval) + " newval="
                + Throw.hex(newval), "castogscanstatus");
    }

    /** casgstatus's yield delay (proc.go: 5 µs). */
    static final long CASGSTATUS_YIELD_DELAY = 5 * 1000;

    /**
     * Go's {@code casgstatus}: moves gp from {@code oldval} to {@code newval},
     * neither with the scan bit. Loops while gp is in a scan state, giving the
     * scanner time to finish and restore {@code oldval}: spins first, then
     * yields. Throws "casgstatus: bad incoming values" for scan values or
     * {@code oldval == newval}.
     */
    public static void casgstatus(G gp, int oldval, int newval) {
        if ((oldval & G_SCAN) != 0 || (newval & G_SCAN) != 0 || oldval == newval) {
            throw Throw.fatal("runtime: casgstatus: oldval=" + Throw.hex(oldval) + " newval="
                    + Throw.hex(newval), "casgstatus: bad incoming values");
        }
        if (gp.casStatus(oldval, newval)) {
            return;
        }
        casgstatusSlow(gp, oldval, newval);
    }

    private static void casgstatusSlow(G gp, int oldval, int newval) {
        Platform pl = gp.rt.platform;
        long nextYield = pl.nanoTime() + CASGSTATUS_YIELD_DELAY;
        while (!gp.casStatus(oldval, newval)) {
            int s = gp.loadStatus();
            if (oldval == G_WAITING && s == G_RUNNABLE) {
                throw Throw.fatal("casgstatus: waiting for Gwaiting but is Grunnable");
            }
            if ((s & ~G_SCAN) != oldval) {
                // Deliberate difference: Go spins forever here (a bug elsewhere). We
                // throw so a wrong transition in the model is reported, not hung on.
                throw Throw.fatal(GStatus.dumpgstatus(gp) + "\n" + "runtime: casgstatus: oldval=" + Throw.hex(oldval) + " newval="
                        + Throw.hex(newval) + " actual=" + Throw.hex(s), "bad g transition");
            }
            if (pl.nanoTime() < nextYield) {
                for (int x = 0; x < 10 && gp.loadStatus() != oldval; x++) {
                    pl.onSpinWait(); // procyield(1)
                }
            } else {
                pl.yield(); // osyield
                nextYield = pl.nanoTime() + CASGSTATUS_YIELD_DELAY / 2;
            }
        }
    }

    /**
     * go1.25's {@code casGToWaitingForSuspendG} (go1.23-go1.24: {@code casGToWaitingForGC}; go1.22.2's
     * sites call casGToWaiting, without the check): "transitions
     * gp from old to _Gwaiting, and sets the wait reason. The wait reason must be a valid
     * isWaitingForSuspendG wait reason. While a goroutine is in this state, it's stack is
     * effectively pinned. The garbage collector must not shrink or otherwise mutate the
     * goroutine's stack." gp's own M, which goes on running on the system stack; the G comes back
     * with {@code casgstatus(gp, _Gwaiting, _Grunning)}, which spins while a suspender holds its
     * scan bit. (gcsim's go1.14 sites that predate the helper set their reason and call
     * casgstatus themselves.)
     */
    public static void casGToWaitingForSuspendG(G gp, int old, WaitReason reason) {
        if (!reason.isWaitingForSuspendG()) {
            throw Throw.fatal("casGToWaitingForSuspendG with non-isWaitingForSuspendG wait reason");
        }
        // casGToWaiting: "Set the wait reason before calling casgstatus, because casgstatus will use it."
        gp.waitreason = reason;
        casgstatus(gp, old, G_WAITING);
    }

    /**
     * Go's {@code casgcopystack}: waiting or runnable to copystack, racing with
     * an asynchronous wakeup; returns the old status. Throws
     * "copystack: bad status, not Gwaiting or Grunnable" otherwise.
     */
    public static int casgcopystack(G gp) {
        for (;;) {
            int oldstatus = gp.loadStatus() & ~G_SCAN;
            if (oldstatus != G_WAITING && oldstatus != G_RUNNABLE) {
                throw Throw.fatal("copystack: bad status, not Gwaiting or Grunnable");
            }
            if (gp.casStatus(oldstatus, G_COPYSTACK)) {
                return oldstatus;
            }
        }
    }

    /**
     * Go's {@code casGToPreemptScan}: running to scan|preempted, spinning
     * until it wins (a suspender may hold scan|running for a moment). The only
     * operation that both changes the status and takes the scan bit. Called by
     * the G's own M in preemptPark.
     */
    public static void casGToPreemptScan(G gp, int old, int nw) {
        if (old != G_RUNNING || nw != (G_SCAN | G_PREEMPTED)) {
            throw Throw.fatal("bad g transition");
        }
        while (!gp.casStatus(G_RUNNING, G_SCAN | G_PREEMPTED)) {
            gp.rt.platform.onSpinWait();
        }
    }

    /**
     * Go's {@code casGFromPreempted}: tries preempted to waiting. On success
     * the caller is responsible for readying gp.
     */
    public static boolean casGFromPreempted(G gp, int old, int nw) {
        if (old != G_PREEMPTED || nw != G_WAITING) {
            throw Throw.fatal("bad g transition");
        }
        return gp.casStatus(G_PREEMPTED, G_WAITING);
    }

    /**
     * Go's {@code dumpgstatus}: the lines Go prints about gp's status (and the
     * caller's G if on an M); they become the detail of the throw that follows.
     */
    public static String dumpgstatus(G gp) {
        String s = "runtime: gp: gp=" + gp + ", goid=" + gp.goid + ", gp->atomicstatus=" + readgstatus(gp);
        M mp = M.getm();
        G cur = mp == null ? null : mp.curg;
        if (cur != null) {
            s += "\nruntime:  g:  g=" + cur + ", goid=" + cur.goid + ",  g->atomicstatus=" + readgstatus(cur);
        }
        return s;
    }
}
