package gcsim.goroutines.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The collector's view of one goroutine: the per-G state only the GC keeps
 * (the stack-scan handshake, {@code gcscandone}, the assist credit) and the
 * GC-only operations on the G (a request to scan itself, shrinkstack, moving
 * the collector's own user G to waiting). Each G holds one, made with it
 * ({@code G.gc()}); the runtime implements the abstract operations. See
 * {@link GcSupport} for why this package mentions no goroutines type.
 *
 * <p><b>Stack-scan handshake</b> ({@code --stack-scan two-phase}):
 * {@link #GC_SCAN_IDLE} -> {@link #GC_SCAN_SELF} (a worker found the G
 * running and asked it to scan itself at its next safe point) ->
 * {@link #GC_SCAN_CLAIMED} (exactly one scanner, the G itself or a worker, won
 * the CAS and scans), or IDLE -> CLAIMED directly. Reset to IDLE with the world
 * stopped at the start of each cycle. Any thread (CAS).
 *
 * <p><b>Waiting for the GC.</b> A GC worker running on an M whose user G is
 * running (a mark assist from the allocation hook, or a G scanning its own
 * stack) must first move that G to _Gwaiting, as Go's gcAssistAlloc1 and
 * markroot do ({@code casgstatus(gp, _Grunning, _Gwaiting)} with a wait
 * reason): then suspendG of other Gs is allowed and its own stack may be
 * scanned.
 */
public abstract class GcGoroutine {
    /** Scan handshake: nobody has handled this G's stack job yet in this cycle. */
    public static final int GC_SCAN_IDLE = 0;
    /** Scan handshake: a worker asked the running G to scan its own stack at its next safe point. */
    public static final int GC_SCAN_SELF = 1;
    /** Scan handshake: one scanner (the G itself or a worker) won the stack; nobody else may scan it. */
    public static final int GC_SCAN_CLAIMED = 2;

    /** The stack-scan handshake; access through SCAN_STATE. */
    @SuppressWarnings("unused")
    private volatile int scanState;
    /** Set by the GC once this G's stack is scanned in the current cycle. */
    private volatile boolean gcscandone;
    /** GC assist credit in bytes (Go's gcAssistBytes). Read and written by the G's M (assists). */
    private volatile long assistBytes;

    /** For the runtime's own implementation. */
    protected GcGoroutine() {}

    /** The stack-scan handshake state ({@link #GC_SCAN_IDLE}, ...). Any thread. */
    public final int scanState() {
        return (int) SCAN_STATE.getVolatile(this);
    }

    /** CAS on the stack-scan handshake; the winner of a move to CLAIMED scans the G. Any thread. */
    public final boolean casScanState(int oldval, int newval) {
        return SCAN_STATE.compareAndSet(this, oldval, newval);
    }

    /** Resets the handshake to IDLE (gcResetMarkState, world stopped). */
    public final void resetScanState() {
        SCAN_STATE.setVolatile(this, GC_SCAN_IDLE);
    }

    /** Whether the GC has scanned this G's stack in this cycle. Any thread. */
    public final boolean gcscandone() {
        return gcscandone;
    }

    /** Sets gcscandone (markroot's stack job, gcResetMarkState). The caller owns the G's stack or the world. */
    public final void setGcscandone(boolean done) {
        gcscandone = done;
    }

    /** The G's assist credit in bytes (Go's gp.gcAssistBytes). The G's M, or with the world stopped. */
    public final long assistBytes() {
        return assistBytes;
    }

    /** Sets the G's assist credit. The G's M, or with the world stopped. */
    public final void setAssistBytes(long bytes) {
        assistBytes = bytes;
    }

    /**
     * Go's {@code gp.preempt}: a preemption request is pending (stopTheWorld's
     * preemptall, suspendG, the sysmon-like retake). Mark assists' gcDrainN stops
     * on it and gcAssistAlloc yields (Gosched). Any thread.
     */
    public abstract boolean preempt();

    /**
     * Asks for a stack shrink at the G's next synchronous safe point (scanstack,
     * when shrinking is unsafe now). The caller owns the G's stack.
     */
    public abstract void setPreemptShrink(boolean v);

    /**
     * {@code --stack-scan two-phase}: asks the running G to scan its own stack
     * at its next safe point (moves the handshake IDLE -> SELF under
     * scan|running and posts a plain preemption request). False, changing
     * nothing, when the G was not running. A GC worker.
     */
    public abstract boolean requestSelfScan();

    /** Go's isShrinkStackSafe: not in a syscall, not at an async safe point, not parking on a channel. */
    public abstract boolean isShrinkStackSafe();

    /**
     * Go's shrinkstack: halves the G's stack when it uses less than a quarter.
     * The caller owns the G's stack (it holds the scan bit).
     */
    public abstract void shrinkstack();

    /**
     * The G, running on the calling M, goes to _Gwaiting "GC assist marking"
     * (gcAssistAlloc1). The G's own M only; pair with {@link #exitWaiting}.
     */
    public abstract void enterWaitingAssist();

    /**
     * The G, running on the calling M, goes to _Gwaiting "garbage collection
     * scan" (markroot scanning its own G). The G's own M only; pair with
     * {@link #exitWaiting}.
     */
    public abstract void enterWaitingScan();

    /**
     * gcBgMarkWorker around its gcDrain: "Mark our goroutine preemptible so its stack can be
     * scanned. This lets two mark workers scan each other (otherwise, they would deadlock)."
     * The G, running on the calling M, goes to _Gwaiting keeping its wait reason (go1.14 sets
     * none here). The worker G's own M only; pair with {@link #exitWaiting}.
     */
    public abstract void enterWaitingMarkWorker();

    /**
     * gcMarkTermination with the world stopped: "We must not be in _Grunning so the stack can be
     * scanned" (the checkmark pass scans every G, the calling one too). The G, running on the
     * calling M, goes to _Gwaiting "garbage collection". The G's own M only; pair with
     * {@link #exitWaiting}.
     */
    public abstract void enterWaitingGarbageCollection();

    /** Undoes enterWaiting: the G runs on (spins while a scanner holds its scan bit). The G's own M. */
    public abstract void exitWaiting();

    /**
     * markroot's stack job, before it suspends the G: "remember when we've first observed
     * the G blocked; needed only to output in traceback". If the G's status (read as is,
     * scan bit included) is _Gwaiting or _Gsyscall and its waitsince is 0, waitsince
     * becomes {@code tstart}, the cycle's start (Go's {@code work.tstart}); otherwise
     * nothing changes. The only writer of a non-zero waitsince. A GC worker (or the
     * checkmark pass), any thread; a racy write as Go's, read only by the dump.
     */
    public abstract void noteBlockedAtCycleStart(long tstart);

    /** The G's waitsince (Go's {@code gp.waitsince}): 0, or the start of the cycle that first saw it blocked. Any thread. */
    public abstract long waitsince();

    private static final VarHandle SCAN_STATE;

    static {
        try {
            SCAN_STATE = MethodHandles.lookup().findVarHandle(GcGoroutine.class, "scanState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
