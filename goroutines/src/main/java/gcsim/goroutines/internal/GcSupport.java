package gcsim.goroutines.internal;

import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.WaitReason;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Runtime operations only the garbage collector (gc-mark) may use; this
 * package is exported to {@code gcsim.gcmark} alone.
 *
 * <p>A GC worker running on an M whose user G is running (a mark assist from
 * the allocation hook, or a worker scanning its own G) must first move that G
 * to _Gwaiting, as Go's gcAssistAlloc1 and markroot do
 * ({@code casgstatus(gp, _Grunning, _Gwaiting)} with a wait reason): then
 * suspendG of other Gs is allowed and its own stack may be scanned.
 */
public final class GcSupport {
    private GcSupport() {}

    /** Package-private runtime state reached through the goroutines package (installed by it). */
    public interface Access {
        void setWaitreason(G gp, WaitReason reason);

        void setGcscandone(G gp, boolean done);

        void setPreemptShrink(G gp, boolean v);

        int gcScanState(G gp);

        boolean casGcScanState(G gp, int oldval, int newval);

        void resetGcScanState(G gp);

        void enterExternal(Sched rt);

        void exitExternal(Sched rt);

        void fatal(Sched rt, Throwable t);
    }

    /** gcScanState: nobody has handled this G's stack job yet in this cycle. */
    public static final int GC_SCAN_IDLE = 0;
    /** gcScanState: a worker asked the running G to scan its own stack at its next safe point. */
    public static final int GC_SCAN_SELF = 1;
    /** gcScanState: one scanner (the G itself or a worker) won the stack; nobody else may scan it. */
    public static final int GC_SCAN_CLAIMED = 2;

    private static volatile @Nullable Access access;

    /** Called once by the goroutines package when it initialises. */
    public static void install(Access a) {
        if (access != null) {
            throw new IllegalStateException("GcSupport already installed");
        }
        access = a;
    }

    private static Access access() {
        Access a = access;
        if (a == null) {
            G.class.getName(); // G's static initialiser installs the access
            a = access;
            if (a == null) {
                throw new IllegalStateException("GcSupport not installed");
            }
        }
        return a;
    }

    /**
     * The calling M's running user G goes to _Gwaiting with reason (Go's
     * {@code casgstatus(gp, _Grunning, _Gwaiting); gp.waitreason = reason}).
     * Called on gp's own M only. Returns gp.
     */
    public static G enterWaiting(WaitReason reason) {
        M mp = M.getm();
        G gp = mp == null ? null : mp.curg();
        if (gp == null) {
            throw new IllegalStateException("enterWaiting: not on an M running a G");
        }
        access().setWaitreason(gp, reason);
        GStatus.casgstatus(gp, GStatus.G_RUNNING, GStatus.G_WAITING);
        return gp;
    }

    /** Sets gp.gcscandone (markroot's stack job, gcResetMarkState). The caller owns gp's stack or the world. */
    public static void setGcscandone(G gp, boolean done) {
        access().setGcscandone(gp, done);
    }

    /** gp's stack-scan handshake state ({@link #GC_SCAN_IDLE}, ...). Any thread. */
    public static int gcScanState(G gp) {
        return access().gcScanState(gp);
    }

    /** CAS on gp's stack-scan handshake state; the winner of a move to CLAIMED scans gp. Any thread. */
    public static boolean casGcScanState(G gp, int oldval, int newval) {
        return access().casGcScanState(gp, oldval, newval);
    }

    /** Resets gp's handshake to IDLE (gcResetMarkState, world stopped). */
    public static void resetGcScanState(G gp) {
        access().resetGcScanState(gp);
    }

    /** Asks for a stack shrink at gp's next synchronous safe point (scanstack when shrinking is unsafe now). */
    public static void setPreemptShrink(G gp, boolean v) {
        access().setPreemptShrink(gp, v);
    }

    /**
     * From gcStart to the end of mark termination the collector counts as one
     * running M for checkdead: in Go its mark workers are Ms, so a program
     * whose goroutines all wait for the GC (assists parked in "GC assist
     * wait") is not dead. Pair with {@link #exitGcCycle}.
     */
    public static void enterGcCycle(Sched rt) {
        access().enterExternal(rt);
    }

    /** Ends {@link #enterGcCycle}; checkdead runs then if an M went idle meanwhile. */
    public static void exitGcCycle(Sched rt) {
        access().exitExternal(rt);
    }

    /**
     * A throw on a collector thread (a background mark worker, the trigger thread) ends the
     * process as a throw on an M does: the first one is recorded as the run's fatal error and
     * the runtime shuts down. Called by that thread, at its top level.
     */
    public static void fatal(Sched rt, Throwable t) {
        access().fatal(rt, t);
    }

    /** Undoes {@link #enterWaiting}: gp runs on (spins while a scanner holds its scan bit). */
    public static void exitWaiting(G gp) {
        GStatus.casgstatus(gp, GStatus.G_WAITING, GStatus.G_RUNNING);
        access().setWaitreason(gp, WaitReason.ZERO);
    }
}
