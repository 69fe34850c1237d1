package gcsim.goroutines.internal;

/**
 * One runtime's operations only its garbage collector (gc-mark) may use: the
 * collector counting as a running M for checkdead during a cycle, a throw on a
 * collector thread ending the process, gcMarkDone's ragged barrier (forEachP),
 * and markroot's "free G stacks" job.
 * The per-goroutine operations are {@link GcGoroutine}'s.
 *
 * <p><b>Layering.</b> This package is a lower layer the goroutines core
 * ({@code gcsim.goroutines}) builds on, not a view that reaches back into it:
 * it imports nothing from the core, so the dependency between the two packages
 * points one way (core -> internal) and there is no package cycle. Its types
 * declare what the collector may do in terms of the JDK alone; the core
 * implements them (package-private subclasses in {@code gcsim.goroutines}) and
 * hands one out per runtime ({@code Sched.gcSupport()}) and per goroutine
 * ({@code G.gc()}). {@code module-info} exports this package to
 * {@code gcsim.gcmark} alone, so only the collector can name these types and
 * call their methods: another module may call {@code Sched.gcSupport()} but can
 * do nothing with what it gets. The goroutines tests (same module) use them as
 * the collector does; the JMH benchmarks run on the class path.
 *
 * <p>Before this split the collector's view lived here as static methods over
 * core types and the core installed an accessor into it: goroutines and
 * goroutines.internal imported each other.
 */
public abstract class GcSupport {
    /** For the runtime's own implementation. */
    protected GcSupport() {}

    /**
     * From gcStart to the end of mark termination the collector counts as one
     * running M for checkdead: in Go its mark workers are Ms, so a program
     * whose goroutines all wait for the GC (assists parked in "GC assist
     * wait") is not dead. Pair with {@link #exitGcCycle}. The collector's
     * thread (not an M).
     */
    public abstract void enterGcCycle();

    /** Ends {@link #enterGcCycle}; checkdead runs then if an M went idle meanwhile. */
    public abstract void exitGcCycle();

    /**
     * A throw on a collector thread (a background mark worker, the trigger
     * thread) ends the process as a throw on an M does: the first one is
     * recorded as the run's fatal error and the runtime shuts down. Called by
     * that thread, at its top level.
     */
    public abstract void fatal(Throwable t);

    /**
     * Go's forEachP (proc.go), the ragged barrier of gcMarkDone: calls {@code fn} once for every P,
     * with the P's id, when that P reaches a GC safe point: on the M that holds the P (at its
     * next trip through the scheduler or as it enters a syscall; running Ps are preempted to get
     * there), or on the calling thread (or a handoffp caller) for a P that is idle or in a
     * syscall, while it cannot leave that state. Returns once every P ran it. Throws Go's
     * "forEachP: sched.safePointWait != 0", "forEachP: not done" and "forEachP: P did not run
     * fn". From go1.22 the calling M's G waits meanwhile with {@code waitReason}, Go's
     * waitReasonStrings text of an isWaitingForSuspendG reason (forEachP's wrapper; a string, as
     * this layer names no core class). The
     * collector's coordinator goroutine (any thread); not reentrant. fn must not
     * block: it runs on the P's owner, with the scheduler's lock held for an idle P.
     */
    public abstract void forEachP(String waitReason, java.util.function.IntConsumer fn);

    /**
     * go1.22's gcDrain condition past {@code gp.preempt}: {@code sched.gcwaiting.Load() ||
     * pp.runSafePointFn != 0}, someone wants to stop the world or the current M's P is asked to
     * run a forEachP function. Only the versions with {@code GoVersion.workersYieldToSafePoints()}
     * ask. A mark worker's M.
     */
    public abstract boolean drainShouldYield();

    /**
     * Go's markrootFreeGStacks (the GC's "free G stacks" root job): frees the
     * stacks of the dead Gs on the global free list with stacks and moves them
     * to the no-stack list (gfget allocates a new stack on reuse). Any thread;
     * returns how many stacks were freed.
     */
    public abstract int markrootFreeGStacks();

    /**
     * Go's {@code startingStackSize} (go1.19's adaptive stack start, 016d755213): the stack size
     * gfget gives a G reused from the free list, and the size gfput keeps (another size is
     * freed). gcComputeStartingStackSize sets it at mark termination, world stopped; never
     * called before go1.19, when it stays {@code _FixedStack}.
     */
    public abstract void setStartingStackSize(int size);

    /** The current {@link #setStartingStackSize} value (FIXED_STACK until set). Any thread. */
    public abstract int startingStackSize();

    /**
     * Go's {@code atomic.Store(&gcBlackenEnabled, v)}: while true, schedule asks the
     * collector's hooks for a background mark worker before it looks at the run queues, and
     * findrunnable for an idle-time one. gcStart sets it with the world stopped; mark
     * termination clears it with the world stopped. The collector's thread.
     */
    public abstract void setGcBlackenEnabled(boolean enabled);

    /**
     * Go's {@code schedEnableUser}: with false, the scheduler holds every user goroutine aside
     * (only system goroutines, the mark workers, run); with true it puts them back on the global
     * run queue and starts Ms for them. For stop-the-world mode cycles
     * ({@code GODEBUG=gcstoptheworld=1}). The collector's thread.
     */
    public abstract void schedEnableUser(boolean enable);

    /**
     * Go's {@code pollWork} (proc.go), for an idle-mode mark worker: whether the calling M's P
     * has other work (its local run queue or the global one). The worker's M.
     */
    public abstract boolean pollWork();

    /**
     * gcBgMarkWorker's dedicated mode after a preemption: "kick everything out of the run
     * queue so it can run somewhere else": every G of the calling M's P's local run queue goes
     * to the global queue (under sched.lock). The worker's M.
     */
    public abstract void kickLocalRunq();

    /**
     * Wakes an idle P (wakep) when one is idle and no M is spinning, so that its M schedules
     * and runs the P's mark worker. For the collector's cycle thread while mark work waits and
     * it has no P of its own to run it on (in Go the G running gcMarkDone, a worker or an
     * assist, goes back to its own P, which schedules the worker). Any thread.
     */
    public abstract void wakeIdleP();
}
