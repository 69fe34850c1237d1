package gcsim.gcmark;

import gcsim.goroutines.G;
import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.WaitReason;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * GC stress triggers, to shake out bugs that rare timing hides (MMTk's
 * GcEvery, HotSpot's *ALot flags, Go's GODEBUG stress switches). Not Go
 * behaviour: a debugging mode of the model.
 *
 * <p><b>GC every N allocations</b> ({@code gcEvery > 0}): allocations are
 * counted across all Ps; the goroutine whose allocation is the N-th, 2N-th,
 * ... takes a ticket, asks the trigger thread for a cycle and parks ("wait
 * for GC cycle", as runtime.GC's caller waits) until a stress cycle has run
 * for its ticket. Each ticket gets its own cycle, so a run with A
 * allocations runs at least {@code floor(A / N)} stress cycles before those
 * goroutines continue. (In Go the allocating goroutine would run gcStart
 * itself; our cycles run on the collector's trigger thread, see
 * {@link Collector}.) If the allocation also made the goroutine park for an
 * assist, it takes its ticket without waiting.
 *
 * <p><b>GC at every safe point</b> ({@code atSafepoints}): whenever a
 * goroutine reaches a cooperative safe point (a splittable function's
 * prologue, see {@link gcsim.goroutines.GcHooks#atSafePoint}) while no cycle
 * runs and none is requested, it requests one and goes on (it never waits).
 * Bounded by construction: at most one request is pending, and a cycle
 * starts only after the previous one ended, so cycles run back to back for
 * as long as goroutines reach safe points, never more than one at a time.
 *
 * <p>Threads: {@link #afterAllocate} and {@link #atSafePoint} on mutator Ms;
 * {@link #takeRequest} and {@link #cycleServed} on the collector's trigger
 * thread. {@code waitersLock} guards the waiter queue and {@code served}.
 */
final class StressTrigger {
    private final Sched rt;
    /** Start a cycle after every this many allocations; 0 = off. */
    private final long gcEvery;
    private final boolean atSafepoints;

    /** Allocations counted across all Ps (only when gcEvery is on). */
    private final AtomicLong allocs = new AtomicLong();
    /** Tickets handed out (gcEvery requests). */
    private final AtomicLong requested = new AtomicLong();
    /** Tickets whose cycle has started on the trigger thread (trigger thread only). */
    private long started;
    /** A safe-point request is pending (cleared when its cycle starts). */
    private volatile boolean safePointRequest;
    /** A collection cycle of any kind is running (set and cleared by the Collector). */
    private volatile boolean cycleRunning;
    // ---- guarded by waitersLock ----
    /** Tickets whose cycle has ended. */
    private long served;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /**
     * Guards served and waiters: a lock taken through the platform, not a
     * monitor, because ready (called with it held) may take sched.lock, a
     * scheduling point in the deterministic mode.
     */
    private final ReentrantLock waitersLock = new ReentrantLock();

    private record Waiter(G gp, long ticket) {}

    /** Stress cycles run so far (for tests and reports). */
    private final AtomicLong cycles = new AtomicLong();

    /** Wakes the collector's trigger thread (Collector.requestCycle). */
    private final Runnable post;

    StressTrigger(Sched rt, long gcEvery, boolean atSafepoints, Runnable post) {
        if (gcEvery < 0) {
            throw new IllegalArgumentException("gcEvery must be >= 0: " + gcEvery);
        }
        this.rt = rt;
        this.gcEvery = gcEvery;
        this.atSafepoints = atSafepoints;
        this.post = post;
    }

    boolean atSafepoints() {
        return atSafepoints;
    }

    boolean enabled() {
        return gcEvery > 0 || atSafepoints;
    }

    long cyclesRun() {
        return cycles.get();
    }

    /**
     * Counts one allocation; on every N-th, takes a ticket and, unless
     * {@code mayPark} is false, parks gp until its cycle has run (returns
     * {@link GoCode#PARK}). Returns 0 to continue. gp's M, gp running with its
     * state saved.
     */
    int afterAllocate(M mp, G gp, boolean mayPark) {
        if (gcEvery == 0 || allocs.incrementAndGet() % gcEvery != 0) {
            return 0;
        }
        // A requested cycle counts as a running M for checkdead until it has run
        // (in Go the requester itself runs gcStart): goroutines waiting for it are not dead.
        rt.gcSupport().enterGcCycle();
        long ticket = requested.incrementAndGet();
        post.run();
        if (!mayPark) {
            return 0;
        }
        // Queue only once gp is _Gwaiting (park_m runs this) so the trigger thread can
        // ready it; if the cycle already ran, ready it at once.
        Sched.gopark(mp, gp, () -> {
            rt.platform().lock(waitersLock);
            try {
                if (served >= ticket) {
                    rt.ready(gp, false);
                } else {
                    waiters.add(new Waiter(gp, ticket));
                }
            } finally {
                waitersLock.unlock();
            }
        }, WaitReason.WAIT_FOR_GC_CYCLE);
        return GoCode.PARK;
    }

    /** The safe-point hook: requests a cycle when none runs and none is pending. gp's M; never blocks. */
    void atSafePoint() {
        if (!cycleRunning && !safePointRequest) {
            safePointRequest = true;
            post.run();
        }
    }

    /** Whether a stress cycle is wanted now; claims it. Trigger thread. */
    boolean takeRequest() {
        if (started < requested.get()) {
            started++;
            return true;
        }
        if (safePointRequest) {
            safePointRequest = false;
            return true;
        }
        return false;
    }

    /** A cycle of any kind starts or ends (the Collector, under its startSema). */
    void setCycleRunning(boolean running) {
        cycleRunning = running;
    }

    /** The stress cycle claimed by {@link #takeRequest} ended: ready the goroutines it served. Trigger thread. */
    void cycleServed() {
        cycles.incrementAndGet();
        boolean servedTicket;
        rt.platform().lock(waitersLock);
        try {
            servedTicket = served < started;
            served = Math.min(served + 1, started);
            // Tickets may be queued out of order (park_m timing): look at all of them.
            for (var it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.ticket() <= served) {
                    it.remove();
                    rt.ready(w.gp(), false);
                }
            }
        } finally {
            waitersLock.unlock();
        }
        if (servedTicket) {
            rt.gcSupport().exitGcCycle(); // pairs with afterAllocate's enterGcCycle
        }
    }
}
