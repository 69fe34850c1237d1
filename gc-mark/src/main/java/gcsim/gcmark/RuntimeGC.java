package gcsim.gcmark;

import gcsim.goroutines.G;
import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.WaitReason;
import gcsim.heap.internal.HeapGcSupport;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code runtime.GC()} as a goroutine calls it (mgc.go {@code GC}, {@code gcWaitOnMark}, the
 * {@code gcTriggerCycle} test of {@code gcStart}, and the wake-up of {@code work.sweepWaiters} in
 * {@code gcMarkTermination}), with the bookkeeping it needs: {@code work.cycles} and whether the
 * collector is in {@code _GCmark}.
 *
 * <p><b>GC(), step by step</b> (the mutator's {@code gc} instruction, {@link #gc}):
 * <ol>
 *   <li>{@code n := work.cycles}; {@code gcWaitOnMark(n)}: if cycle n is still marking, park
 *       on {@code sweepWaiters} ("wait for GC cycle") until its mark termination;
 *   <li>{@code gcStart(gcTrigger{kind: gcTriggerCycle, n: n+1})}: only if the trigger test holds
 *       ({@code gcphase == _GCoff} and cycle n+1 has not started: someone else may have started
 *       it meanwhile, then this G starts nothing and waits for that one);
 *   <li>{@code gcWaitOnMark(n+1)}: park until cycle n+1's mark termination;
 *   <li>the sweep loop: while {@code work.cycles == n+1}, sweep one span and Gosched.
 * </ol>
 * A wait re-tests its condition when the G runs again (Go's {@code for} loop in gcWaitOnMark):
 * the collector may have moved on by several cycles meanwhile.
 *
 * <p><b>Deliberate differences.</b> Go's G runs gcStart itself, on its own stack. Here the cycle
 * is run by the collector's trigger thread (as every cycle is, see {@link Collector}): step 2
 * posts a request for cycle n+1 and goes straight on to step 3, where it parks; the trigger
 * thread re-tests the trigger under {@code work.startSema} as gcStart does, and runs the cycle.
 * While such a request is pending it counts as a running M for checkdead (Go's requester is
 * one), so the G waiting for it is not a deadlock. Where the G is in GC() ({@code n} and the
 * step) is kept here per G, where Go keeps it in GC()'s frame; the G's pc stays at the
 * {@code gc} instruction, which it executes again after each wait. Waiters are readied with
 * {@link Sched#ready} (Go's injectglist puts them on the global run queue). The second sweep
 * loop (waiting for {@code mheap_.sweepers} to drop to 0) and the heap profile are not modelled:
 * our sweepOne finishes its span before it returns.
 *
 * <p><b>Threads.</b> {@link #gc} on the calling G's M, the G running with its state saved;
 * {@link #cycleStarted} on the cycle's coordinator goroutine with the world stopped; {@link #markTerminated}
 * on it after the restart and the mcache flush (see Collector.markTermination);
 * {@link #serveRequests} on the trigger thread. {@link #lock} (Go's
 * {@code work.sweepWaiters.lock}) guards everything below it; it is taken through the platform,
 * not a monitor, because ready (called with it held) may take sched.lock, a scheduling point in
 * the deterministic mode.
 */
final class RuntimeGC {
    private final Sched rt;
    private final HeapGcSupport heapGc;
    /** Wakes the collector's trigger thread. */
    private final Runnable post;

    /** Go's work.sweepWaiters.lock; guards the fields below. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Go's work.cycles: cycles started (bumped in gcStart, world stopped). */
    private long cycles;
    /** gcphase == _GCmark: from gcStart to mark termination. */
    private boolean marking;
    /** Go's work.sweepWaiters.list: Gs parked in gcWaitOnMark. */
    private final ArrayDeque<G> sweepWaiters = new ArrayDeque<>();
    /** Where each G inside GC() is (Go: GC()'s frame). */
    private final IdentityHashMap<G, Call> calls = new IdentityHashMap<>();
    /** Requests for a gcTriggerCycle start not yet served by the trigger thread. */
    private int requests;
    /** The highest cycle number those requests asked for. */
    private long requestedCycle;

    /** The steps of GC(). */
    private enum Step { WAIT_CURRENT, START, WAIT_NEW, SWEEP }

    /** One G's call of GC(): its {@code n} and the step it is at. Touched only by that G (under lock). */
    private static final class Call {
        final long n;
        Step step = Step.WAIT_CURRENT;

        Call(long n) {
            this.n = n;
        }
    }

    /** A claim of the pending requests: how many, and the cycle they want started. */
    private record Request(int count, long cycle) {}

    RuntimeGC(Sched rt, HeapGcSupport heapGc, Runnable post) {
        this.rt = rt;
        this.heapGc = heapGc;
        this.post = post;
    }

    /**
     * Go's GC() for gp, from where gp last left it. Returns 0 when GC() returned,
     * {@link GoCode#PARK} after parking gp, {@link GoCode#GOSCHED} for the sweep loop's Gosched;
     * after either gp runs the same instruction again. gp's M, gp running, its state saved.
     */
    int gc(M mp, G gp) {
        Call c;
        rt.platform().lock(lock);
        try {
            c = calls.computeIfAbsent(gp, g -> new Call(cycles)); // n := atomic.Load(&work.cycles)
        } finally {
            lock.unlock();
        }
        for (;;) {
            switch (c.step) {
                case WAIT_CURRENT -> {
                    if (!gcWaitOnMark(mp, gp, c.n)) {
                        return GoCode.PARK;
                    }
                    c.step = Step.START;
                }
                case START -> {
                    gcStartCycle(c.n + 1);
                    c.step = Step.WAIT_NEW;
                }
                case WAIT_NEW -> {
                    if (!gcWaitOnMark(mp, gp, c.n + 1)) {
                        return GoCode.PARK;
                    }
                    c.step = Step.SWEEP;
                }
                case SWEEP -> {
                    if (cycles() == c.n + 1 && heapGc.sweepOne()) {
                        return GoCode.GOSCHED; // sweep.nbgsweep++; Gosched()
                    }
                    rt.platform().lock(lock);
                    try {
                        calls.remove(gp);
                    } finally {
                        lock.unlock();
                    }
                    return 0;
                }
            }
        }
    }

    /**
     * Go's gcWaitOnMark(n): true when mark n is done (nothing to wait for); else parks gp on
     * sweepWaiters and returns false. Go holds sweepWaiters.lock from the test to the park
     * (goparkunlock); here the park's unlock function, run once gp is {@code _Gwaiting}, tests
     * again under the lock and queues gp, or readies it at once when the mark ended meanwhile.
     */
    private boolean gcWaitOnMark(M mp, G gp, long n) {
        rt.platform().lock(lock);
        try {
            if (markDone(n)) {
                return true;
            }
        } finally {
            lock.unlock();
        }
        Sched.gopark(mp, gp, () -> {
            rt.platform().lock(lock);
            try {
                if (markDone(n)) {
                    rt.ready(gp, false);
                } else {
                    sweepWaiters.add(gp);
                }
            } finally {
                lock.unlock();
            }
        }, WaitReason.WAIT_FOR_GC_CYCLE);
        return false;
    }

    /** gcWaitOnMark's test: nMarks := work.cycles, +1 unless gcphase == _GCmark; done when nMarks > n. Under lock. */
    private boolean markDone(long n) {
        long nMarks = marking ? cycles : cycles + 1;
        return nMarks > n;
    }

    /**
     * gcStart(gcTrigger{kind: gcTriggerCycle, n: cycle}) from gp's M: when the trigger test
     * holds, asks the trigger thread to start that cycle (see the class comment) and returns.
     */
    private void gcStartCycle(long cycle) {
        rt.platform().lock(lock);
        try {
            if (!triggerTestLocked(cycle)) {
                return;
            }
            // Counts as a running M for checkdead until the trigger thread has served it.
            rt.gcSupport().enterGcCycle();
            requests++;
            requestedCycle = Math.max(requestedCycle, cycle);
        } finally {
            lock.unlock();
        }
        post.run();
    }

    /** gcTrigger.test for gcTriggerCycle: gcphase == _GCoff and cycle n not yet started. Under lock. */
    private boolean triggerTestLocked(long n) {
        return !marking && n > cycles;
    }

    /**
     * Runs the cycles goroutines' runtime.GC() asked for: gcStart with a gcTriggerCycle trigger,
     * re-tested under {@code startSema} (Go's work.startSema, held by every cycle) as Go does, so
     * a cycle someone else started meanwhile is not started twice; {@code runCycle} runs one
     * ("(forced)" in gctrace: work.userForced); it returns false when it started none because
     * the collector was closed meanwhile. Each request is served after its cycle started, or was
     * not needed. Once {@code stopped} (the collector closed, the process exited), requests stay
     * unserved: each still counts as a running M, so the goroutines waiting for them are not
     * reported as a deadlock while the process shuts down. That includes a request taken just
     * before close() whose cycle then did not start: marking it served let checkdead find every
     * goroutine asleep in GC() ("all goroutines are asleep - deadlock!" at the end of a run). The
     * trigger thread.
     */
    void serveRequests(BooleanSupplier stopped, ReentrantLock startSema, BooleanSupplier runCycle) {
        for (Request r; !stopped.getAsBoolean() && (r = takeRequest()) != null; ) {
            boolean served = true;
            rt.platform().lock(startSema);
            try {
                if (triggerTest(r.cycle())) {
                    served = runCycle.getAsBoolean();
                }
            } finally {
                startSema.unlock();
                if (served) {
                    served(r);
                }
            }
        }
    }

    /** The trigger test for cycle n, as gcStart re-checks it under work.startSema. */
    private boolean triggerTest(long n) {
        rt.platform().lock(lock);
        try {
            return triggerTestLocked(n);
        } finally {
            lock.unlock();
        }
    }

    /** work.cycles now. */
    private long cycles() {
        rt.platform().lock(lock);
        try {
            return cycles;
        } finally {
            lock.unlock();
        }
    }

    /** Claims every pending request, or returns null when there is none. The trigger thread. */
    private @Nullable Request takeRequest() {
        rt.platform().lock(lock);
        try {
            if (requests == 0) {
                return null;
            }
            Request r = new Request(requests, requestedCycle);
            requests = 0;
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** The claimed requests were served (their cycle started, or was not needed): pairs with their enterGcCycle. */
    private void served(Request r) {
        for (int i = 0; i < r.count(); i++) {
            rt.gcSupport().exitGcCycle();
        }
    }

    /** gcStart: {@code work.cycles++}, then {@code setGCPhase(_GCmark)}. The cycle's thread, world stopped. */
    void cycleStarted() {
        rt.platform().lock(lock);
        try {
            cycles++;
            marking = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * gcMarkTermination: "Bump GC cycle count and wake goroutines waiting on sweep"
     * ({@code injectglist(&work.sweepWaiters.list)} under its lock). Go does it after
     * {@code setGCPhase(_GCoff)} and before the world starts; here after the restart and the mcache
     * flush (a deliberate difference, see Collector.markTermination). The coordinator goroutine.
     */
    void markTerminated() {
        rt.platform().lock(lock);
        try {
            marking = false;
            for (G gp; (gp = sweepWaiters.poll()) != null; ) {
                rt.ready(gp, false);
            }
        } finally {
            lock.unlock();
        }
    }
}
