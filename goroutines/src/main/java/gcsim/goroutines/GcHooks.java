package gcsim.goroutines;

/**
 * What the garbage collector (gc-mark) plugs into the scheduler and the
 * mutator: goroutines declares it, gc-mark implements it (dependency
 * inversion, no arrow from goroutines to gc-mark). Installed with
 * {@link Sched#setGcHooks}.
 */
public interface GcHooks {
    /**
     * Called by the interpreter after each allocation (Go's mallocgc tail), on
     * the allocating G's M while the G is running: the place to start a cycle
     * when the heap reached its goal (gcTrigger) and to charge/perform mark
     * assists (gcAssistAlloc). The G's state is saved (pc/sp) so the hook may
     * suspend/scan other Gs; to scan its own stack the hook must first move the
     * G to waiting (see {@link gcsim.goroutines.internal.GcGoroutine#enterWaitingAssist}). Returns
     * 0 to continue, or a {@link GoCode} reason (e.g. {@link GoCode#PARK} after
     * {@link Sched#gopark}) to leave the M.
     */
    int afterAllocate(M mp, G gp, long bytes);

    /**
     * Called when a channel operation writes pointer {@code ptr} directly into
     * another goroutine's stack slot (Go's sendDirect write barrier): the GC
     * may have scanned that stack already, so the value must be shaded.
     */
    default void shadeStackWrite(long ptr) {}

    /**
     * Called at a safe point (newstack's preempt path, asyncPreempt2) of a G
     * whose stack-scan handshake is GC_SCAN_SELF (the two-phase stack scan):
     * the G, running on mp and owning its stack, may claim and scan it. After
     * return the G continues to gopreempt_m/preemptPark. Default nothing.
     */
    default void scanOwnStack(M mp, G gp) {}

    /**
     * Go's {@code gcController.findRunnableGCWorker}, called by {@link Sched#schedule} on pp's
     * M while {@link Sched#gcBlackenEnabled} (before the run queues): pp's background mark
     * worker, made _Grunnable, when the controller wants pp to mark now (dedicated or
     * fractional), else null. Default none.
     */
    default @org.checkerframework.checker.nullness.qual.Nullable G findRunnableGCWorker(P pp) {
        return null;
    }

    /**
     * findrunnable's idle-time marking ("We have nothing to do. If we're in the GC mark
     * phase, can safely scan and blacken objects, and have work to do, run idle-time marking
     * rather than give up the P"): pp's worker in idle mode, made _Grunnable, or null. pp's
     * M, while {@link Sched#gcBlackenEnabled}. Default none.
     */
    default @org.checkerframework.checker.nullness.qual.Nullable G findIdleGCWorker(P pp) {
        return null;
    }

    /**
     * findrunnable's second look after it gave up its P ("Check for idle-priority GC work
     * again"): whether global mark work is available (Go's {@code gcMarkWorkAvailable(nil)})
     * and, for a non-null {@code pp}, whether pp has a worker to run it. Any M. Default false.
     */
    default boolean idleMarkWorkFor(@org.checkerframework.checker.nullness.qual.Nullable P pp) {
        return false;
    }

    /**
     * Go's {@code runtime.GC()} (mgc.go {@code GC}), called by the interpreter for the mutator's
     * {@code gc} instruction on gp's M while gp runs, its state saved with the pc AT the
     * instruction: GC() is a sequence of waits (gcWaitOnMark, the sweep loop's Gosched), so gp
     * executes the instruction again each time it is resumed, and the collector keeps where gp
     * is in GC() (Go keeps it in GC()'s frame). Returns 0 when GC() returned (the interpreter
     * goes past the instruction), {@link GoCode#PARK} after {@link Sched#gopark} (gp waits for a
     * mark termination, {@link WaitReason#WAIT_FOR_GC_CYCLE}), or {@link GoCode#GOSCHED} (the
     * sweep loop's Gosched). gp is {@code _Gwaiting} while it waits, so the cycle scans its
     * stack like any other blocked G's.
     *
     * <p>Default 0: a runtime without a collector (goroutines' own tests) has no cycle to wait
     * for, so {@code gc} does nothing there (deliberately unlike Go, which always has one).
     */
    default int runtimeGC(M mp, G gp) {
        return 0;
    }

    /**
     * Go's acquirep tail: "Perform deferred mcache flush before this P can allocate from a
     * potentially stale mcache" ({@code _p_.mcache.prepareForSweep()}). Called on mp's thread
     * just after it acquired pp, which it owns now. Default nothing.
     */
    default void acquiredP(P pp) {}

    /** Called by goexit0 for a dead G (flush assist credit); default nothing. */
    default void goexit(G gp) {}

    /**
     * Whether {@link #atSafePoint} should be called. Read once by
     * {@link Sched#setGcHooks}; false (the default) costs the interpreter one
     * volatile read per call.
     */
    default boolean wantsSafePoints() {
        return false;
    }

    /**
     * Stress hook (gcsim's --gc-at-safepoints, HotSpot's *ALot): called on
     * gp's M at each cooperative safe point gp reaches, i.e. the prologue of a
     * call to a function that is not nosplit, before the stack check. gp is
     * running and its state is not saved: the hook must not block, park,
     * suspend or scan; it may only post a request.
     */
    default void atSafePoint(M mp, G gp) {}
}
