package gcsim.goroutines;

import gcsim.goroutines.internal.GcGoroutine;
import gcsim.stacks.Stack;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A goroutine: data, never a Java thread (Go's {@code g}, runtime2.go). An M
 * runs a G by calling its {@link GoCode} with the G's saved state; every piece
 * of execution state (pc, sp, frames on the simulated stack, wait records)
 * lives here or on the G's stack, so any M can continue any G.
 *
 * <p><b>Status.</b> {@code atomicstatus} is the lock on the G's stack; see
 * {@link GStatus} for the values and the legal transitions, which are made
 * only by the helpers there:
 * <pre>
 *   IDLE -> DEAD -> RUNNABLE -> RUNNING -> {RUNNABLE, WAITING, SYSCALL, DEAD,
 *   COPYSTACK -> RUNNING, SCAN|PREEMPTED -> PREEMPTED -> WAITING}
 *   WAITING -> RUNNABLE;  SYSCALL -> {RUNNING, RUNNABLE};  X <-> X|SCAN
 * </pre>
 *
 * <p><b>Ownership of the other fields.</b> Fields describing the stack
 * ({@link #stack}, {@code stackLo/stackHi}, saved {@code pc/sp}, frames) are
 * owned by whoever owns the stack per the status (the running M, the holder of
 * the scan bit, the M that set copystack or took the G from the free list).
 * {@link #stackguard0}, {@link #preempt}, {@link #preemptStop} and
 * {@link #preemptShrink} are written by the owner and, for a running G, by a
 * suspender holding scan|running; they are volatile because the running M
 * polls them. Each G belongs to one {@link Sched} and stays in its
 * {@code allgs} for ever (Gs are reused, never freed).
 */
public final class G {
    /** The runtime this G belongs to. */
    final Sched rt;

    /** Goroutine id; a new one each time the G is (re)used by newproc. */
    volatile long goid;

    /** Status word; see the class comment and {@link GStatus}. Access only through STATUS. */
    @SuppressWarnings("unused")
    private int atomicstatus;

    /** The stack memory, or null when the G has none (a dead G whose stack was freed). */
    @Nullable Stack stack;
    /** Go's {@code g.stack.lo}/{@code hi}: bounds of {@link #stack}, 0 when none. */
    long stackLo;
    long stackHi;

    /** The prologue compares sp with this; {@code StackConstants.STACK_PREEMPT} requests preemption. */
    volatile long stackguard0;

    /** The M running this G (set before running, cleared by dropg). */
    volatile @Nullable M m;

    /** A preemption request is pending (stackguard0 poisoned). */
    volatile boolean preempt;
    /** Transition to _Gpreempted on preemption; otherwise just deschedule. */
    volatile boolean preemptStop;
    /** Shrink the stack at the next synchronous safe point. */
    volatile boolean preemptShrink;
    /** The G is stopped at an asynchronous safe point (its top frame is asyncPreempt). */
    volatile boolean asyncSafePoint;

    /**
     * The execution tracer's place in its traceAdvance ({@link TraceAdvance}): the next allgs index
     * whose status to record, or -1 once every goroutine is done (the per-P part is next). Only
     * the G itself, on its M.
     */
    int traceAdvanceNext;

    /** Why the G waits, when waiting or preempted. */
    volatile WaitReason waitreason = WaitReason.ZERO;
    /**
     * Approximate time the G became blocked (platform nanoTime), 0 when unknown; only the
     * dump reads it (Go's {@code g.waitsince}). As in go1.14 only markroot's stack job sets it,
     * to the cycle's start ({@code work.tstart}), for a G it finds _Gwaiting or _Gsyscall with
     * waitsince 0 ({@link gcsim.goroutines.internal.GcGoroutine#noteBlockedAtCycleStart});
     * execute and exitsyscall clear it. gopark does not set it, so a G blocked before any
     * cycle has none. A stale value can survive goexit, as in Go (nothing prints it then).
     */
    volatile long waitsince;

    /** Saved execution state (Go's {@code g.sched} gobuf): pc and sp of the innermost frame. */
    long pc;
    long sp;
    /** Saved sp/pc for the GC while in a syscall. */
    long syscallsp;
    long syscallpc;
    /**
     * The G left its syscall through exitsyscall0 and has not run since: the rest of Go's
     * exitsyscall (after {@code mcall(exitsyscall0)} returns, "Scheduler returned, so we're
     * allowed to run now": syscallsp = 0, syscalltick++) runs when it next runs. Its M's thread.
     */
    boolean exitsyscallTailPending;

    /** What the G runs. */
    @Nullable GoCode code;
    /** Link in run queues and free lists (Go's schedlink), guarded by whoever owns the list. */
    @Nullable G schedlink;
    /** Go's param (wakeup parameter); unused by the channel model, cleared by goexit0. */
    @Nullable Object param;
    /**
     * Channel wait record while blocked on a channel, for copystack's adjustment
     * (Go's gp.waiting). Written only by the G itself: set before it parks (the
     * status CAS to _Gwaiting publishes it), cleared when it runs again, never by
     * the partner that wakes it, so a shrinker holding the scan bit always finds it.
     */
    @Nullable Sudog waiting;
    /** Between a channel op's decision to park and the unlock in park_m (Go's parkingOnChan). */
    volatile boolean parkingOnChan;
    /**
     * Go's activeStackChans: set by chanparkcommit before it unlocks the channel, cleared
     * by the G itself when it runs again. While set, a partner may copy into this G's
     * stack under the channel lock, so copystack takes that lock (syncadjustsudogs);
     * while clear it adjusts the wait record without it.
     */
    volatile boolean activeStackChans;
    /** Wake time of a sleeping G (its timer), 0 when none. */
    long timerWhen;
    /**
     * suspendG callers parked until this G's status changes (the {@code --suspend park}
     * strategy, see {@link Suspension}). {@link #suspendWaiters} is the count, read on
     * every status CAS; the list itself is guarded by {@code synchronized (this)}.
     * Transitions: a parker adds itself (count++), then re-checks the status; whoever
     * changes the status afterwards sees count != 0 and wakes every parker (list
     * cleared, count = 0); a parker whose safety-net timeout expired removes itself.
     */
    volatile int suspendWaiters;
    private Suspension.@Nullable Waiter suspendWaitList;
    /** Whether this G is the program's main goroutine. */
    boolean isMain;
    /**
     * Go's {@code isSystemGoroutine}: a goroutine the runtime started for itself (here the GC's
     * background mark workers), not the program. Skipped by checkdead, by the dumps
     * (tracebackothers at the default GOTRACEBACK) and by the goroutine counts (Go's
     * {@code sched.ngsys}); never held back when user scheduling is disabled (STW mode). Set by
     * newproc before the G is published, cleared when a G is reused.
     */
    volatile boolean systemGoroutine;
    /**
     * Whether this G is a GC background mark worker (Go compares {@code gp.startpc} with
     * {@code gcBgMarkWorkerPC}): shrinkstack leaves its stack alone, as Go's does, because the
     * worker reads its own stack while it is _Gwaiting and may be scanned.
     */
    volatile boolean gcBgMarkWorker;
    /**
     * The collector's state and operations for this G (gcscandone, the stack-scan handshake,
     * the assist credit; see {@link GcGoroutine}). Made with the G; the G is still being
     * constructed then, and the view reads it only once called.
     */
    private final @NotOnlyInitialized GcGoroutine gc;

    G(Sched rt) {
        this.rt = rt;
        this.gc = new GcViews.Goroutine(this);
    }

    /**
     * The collector's view of this G. Any thread. Its type is in
     * {@code gcsim.goroutines.internal}, exported to gc-mark alone: other modules cannot use it.
     */
    public GcGoroutine gc() {
        return gc;
    }

    /** Goroutine id. Any thread. */
    /** Whether the runtime started this G for itself (Go's isSystemGoroutine); see {@link #systemGoroutine}. Any thread. */
    public boolean isSystemGoroutine() {
        return systemGoroutine;
    }

    /** Whether this G is a GC background mark worker; see {@link #gcBgMarkWorker}. Any thread. */
    public boolean isGcBgMarkWorker() {
        return gcBgMarkWorker;
    }

    public long goid() {
        return goid;
    }

    /** The status word ({@link GStatus#readgstatus}). Any thread. */
    public int status() {
        return loadStatus();
    }

    /** The stack, or null; stable only for the stack's owner (e.g. after suspendG). */
    public @Nullable Stack stack() {
        return stack;
    }

    /** Saved pc of the innermost frame; valid for the stack's owner. */
    public long savedPc() {
        return pc;
    }

    /** Saved sp of the innermost frame; valid for the stack's owner. */
    public long savedSp() {
        return sp;
    }

    /** Whether the GC has scanned this G's stack in this cycle. */
    public boolean gcscandone() {
        return gc.gcscandone();
    }

    /** Whether the next synchronous safe point should shrink the stack. */
    public boolean preemptShrink() {
        return preemptShrink;
    }

    /** The wait reason (meaningful when waiting or preempted). */
    public WaitReason waitreason() {
        return waitreason;
    }

    /**
     * Wakes every suspendG caller parked on this G (the park strategy). Called after
     * each status change by whoever made it, and by the G's M when it handled a
     * preemption signal without stopping (so the suspender may signal again).
     */
    void wakeSuspender() {
        if (suspendWaiters != 0) {
            wakeSuspendersSlow();
        }
    }

    private void wakeSuspendersSlow() {
        Suspension.Waiter w;
        synchronized (this) {
            w = suspendWaitList;
            suspendWaitList = null;
            suspendWaiters = 0;
        }
        for (; w != null; w = w.next) {
            w.wake();
        }
    }

    /** Registers w as parked on this G (publish; the caller re-checks the status next). */
    synchronized void addSuspendWaiter(Suspension.Waiter w) {
        w.next = suspendWaitList;
        suspendWaitList = w;
        suspendWaiters++;
    }

    /** Removes w if still registered (its timeout expired or the status changed before it parked). */
    synchronized void removeSuspendWaiter(Suspension.Waiter w) {
        Suspension.Waiter prev = null;
        for (Suspension.Waiter x = suspendWaitList; x != null; prev = x, x = x.next) {
            if (x == w) {
                if (prev == null) {
                    suspendWaitList = x.next;
                } else {
                    prev.next = x.next;
                }
                suspendWaiters--;
                return;
            }
        }
    }

    int loadStatus() {
        return (int) STATUS.getVolatile(this);
    }

    /** Every status change goes through here; a successful one wakes parked suspenders. */
    boolean casStatus(int oldval, int newval) {
        if (!STATUS.compareAndSet(this, oldval, newval)) {
            return false;
        }
        wakeSuspender();
        RuntimeEvents ev = rt.events;
        if (ev != RuntimeEvents.NONE) {
            ev.statusChanged(this, oldval, newval, M.getm());
        }
        return true;
    }

    /** Only for a G not yet published (malg). */
    void initStatus(int s) {
        STATUS.setVolatile(this, s);
    }

    void setStack(@Nullable Stack s) {
        stack = s;
        stackLo = s == null ? 0 : s.lo();
        stackHi = s == null ? 0 : s.hi();
    }

    @Override
    public String toString() {
        return "g" + goid;
    }

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(G.class, "atomicstatus", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
