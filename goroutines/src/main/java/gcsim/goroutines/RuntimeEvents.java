package gcsim.goroutines;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A listener for the runtime's events: every G status transition, each
 * suspendG from request to return, stack copies, G creation and exit, which
 * G an M runs, and GC phase changes (reported by gc-mark through
 * {@link Sched#runtimeEvents()}). The CLI's Chrome trace and a determinism
 * digest are built on it.
 *
 * <p>Installed with {@link Sched#setRuntimeEvents} before {@link Sched#start};
 * the default is {@link #NONE}, and every hook site tests
 * {@code events != RuntimeEvents.NONE} before computing anything, so a run
 * without a listener pays one field load and one compare per site.
 *
 * <p>Every method is called on the thread that made the event happen (an M,
 * a suspender, a GC worker), possibly from many threads at once, and often
 * with runtime locks or a G's scan bit held: an implementation must be
 * thread-safe, must not block and must not call back into the runtime.
 */
public interface RuntimeEvents {
    /** The listener that ignores everything (the default). */
    RuntimeEvents NONE = new RuntimeEvents() { };

    /** Kinds for {@link #stackCopied}. */
    int STACK_GROW = 0;
    /** Kinds for {@link #stackCopied}. */
    int STACK_SHRINK = 1;

    /**
     * gp's status moved from {@code oldval} to {@code newval} (a successful CAS
     * of one of {@link GStatus}'s helpers). {@code mp} is the M of the thread
     * that made the transition, or null for a thread that is not an M.
     * newproc's _Gdead -> _Grunnable comes before the G gets its goid (Go's
     * order), so it carries the previous goid (0 for a new G);
     * {@link #goroutineCreated} follows with the new one.
     */
    default void statusChanged(G gp, int oldval, int newval, @Nullable M mp) { }

    /** The current thread calls suspendG(gp). */
    default void suspendBegin(G gp) { }

    /**
     * The current thread's suspendG(gp) returns after {@code latencyNanos}:
     * {@code dead} (nothing suspended) or suspended ({@code stopped}: it moved
     * gp out of _Gpreempted and must ready it).
     */
    default void suspendEnd(G gp, boolean dead, boolean stopped, long latencyNanos) { }

    /** gp's stack was copied from {@code oldSize} to {@code newSize} bytes ({@link #STACK_GROW} or {@link #STACK_SHRINK}). */
    default void stackCopied(G gp, int kind, long oldSize, long newSize) { }

    /** newproc made gp runnable (its goid is assigned). */
    default void goroutineCreated(G gp) { }

    /** gp exited (goexit0; it is dead and about to be freed). */
    default void goroutineExited(G gp) { }

    /** mp starts running gp (execute), or stops running a G ({@code gp} null: dropg). mp's thread. */
    default void mRuns(M mp, @Nullable G gp) { }

    /** The collector's gcphase changed to {@code phase} ("_GCoff", "_GCmark", "_GCmarktermination"). */
    default void gcPhase(String phase) { }

    /**
     * A background mark worker goroutine finished one run in {@code mode} ("dedicated",
     * "fractional", "idle") that took {@code nanos} (Go's per-mode mark time). The worker's M,
     * the worker G still running on it.
     */
    default void gcMarkWorkerRun(String mode, long nanos) { }
}
