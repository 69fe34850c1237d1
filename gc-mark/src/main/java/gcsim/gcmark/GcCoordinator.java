package gcsim.gcmark;

import gcsim.base.GoThrow;
import gcsim.goroutines.G;
import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.WaitReason;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The system goroutine on which the collector's stop-the-world phases run, so that whoever stops
 * the world is an M holding a P, as in Go.
 *
 * <p>In go1.14 sweep termination runs on the goroutine that starts the cycle (mallocgc's or
 * runtime.GC's gcStart, or forcegchelper's), and gcMarkDone with mark termination on the last
 * background worker or assist to go idle: always a G with its M and its P. stopTheWorldWithSema
 * then counts the caller's own P as stopped at once, so with one P nothing needs stopping, and
 * startTheWorldWithSema leaves the caller running on its P while it wakes Ms for the others. The
 * collector here is driven by a cycle thread (the trigger thread, or the embedder's thread in
 * {@link Collector#gc()}) that is not an M; it hands each phase to this goroutine and waits.
 *
 * <p><b>Protocol.</b> The goroutine is started once, with the first cycle's mark workers
 * (gcBgMarkStartWorkers), and parks at once "force gc (idle)", as Go's forcegchelper does. The
 * cycle thread calls {@link #call}: it publishes the phase, readies the goroutine
 * ({@link Sched#readySystem}) and waits; the goroutine runs the phase on whichever M and P
 * schedule it, then parks again, and gopark's unlock function (run once the G is _Gwaiting, so
 * the next {@code call} can ready it) releases the cycle thread. A throw in a phase is the M's
 * fatal error (the process ends with it, on this goroutine, as Go's throw would end it on the
 * cycle's goroutine); the cycle thread, seeing the process gone, rethrows it. When the program
 * ends while a phase runs (runtime.GC's caller, woken by mark termination, may return and end
 * it), the cycle thread waits for the phase to return or throw before it gives up: the G may
 * never park, but a phase that returned is a cycle done.
 *
 * <p>Deliberate difference: one goroutine runs both kinds of phase (Go runs them on the cycle's
 * own goroutines), so the hand-over costs a ready and a schedule before each stop (outside the
 * pause, which starts at the stop's request). Its frame is {@code runtime.forcegchelper}'s,
 * the system goroutine Go's sysmon-forced cycles start on; like every system goroutine it is
 * skipped by checkdead and by the dumps.
 *
 * <p>Threads: {@link #start} and {@link #call}: the cycle thread, under the collector's
 * startSema (one caller at a time). {@link #run}: the M running the goroutine. The phase and
 * failure are handed over through volatile fields, ordered by the ready and the semaphore.
 */
final class GcCoordinator implements GoCode {
    /** {@link #state}: no phase handed over, or the last one was waited for. */
    private static final int IDLE = 0;
    /** A phase is handed over and its G readied; the G has not taken it yet. */
    private static final int HANDED = 1;
    /** The G is running the phase. */
    private static final int RUNNING = 2;
    /** The phase returned (the G parks next, unless the program ends first). */
    private static final int DONE = 3;
    /** The phase threw ({@link #failure}). */
    private static final int FAILED = 4;
    /** How long the cycle thread waits for a phase already running when the program has ended. */
    private static final long EXIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Sched rt;
    /** Released by gopark's unlock function each time the goroutine has parked. */
    private final Semaphore parked = new Semaphore(0);
    private volatile @Nullable Consumer<G> phase;
    /** IDLE -> HANDED (cycle thread) -> RUNNING (the G) -> DONE | FAILED (the G). */
    private volatile int state = IDLE;
    private volatile @Nullable Throwable failure;
    private @Nullable G g;

    GcCoordinator(Sched rt) {
        this.rt = rt;
    }

    /** Starts the goroutine and waits until it has parked. The cycle thread, under startSema. */
    void start() {
        if (g == null) {
            g = rt.newForcegcHelper(this);
            await("gcStart: process exited");
        }
    }

    /**
     * Runs {@code p} on the goroutine (an M holding a P) and returns once the goroutine has
     * parked again, or once the phase has returned if the program ended meanwhile (its G may
     * then never park); rethrows what {@code p} threw. The cycle thread, under startSema, after
     * {@link #start}.
     */
    void call(Consumer<G> p, String exitedThrow) {
        G gp = g;
        if (gp == null) {
            throw new IllegalStateException("GcCoordinator.call before start");
        }
        failure = null;
        phase = p;
        state = HANDED;
        rt.readySystem(gp);
        await(exitedThrow);
        int st = state;
        state = IDLE;
        if (st == FAILED) {
            throw rethrown();
        }
    }

    /**
     * Waits until the goroutine parks. Once the program has ended: returns if the phase
     * returned, rethrows if it threw, waits (boundedly: every wait in the runtime gives up when
     * the program has ended) while it runs, and throws {@code exitedThrow} if the G never took
     * it (the cycle is abandoned, as stopTheWorld and suspendG abandon it).
     */
    private void await(String exitedThrow) {
        long exitSeen = 0;
        while (!rt.platform().tryAcquire(parked, TimeUnit.MILLISECONDS.toNanos(1))) {
            if (Thread.currentThread().isInterrupted()) {
                throw new GoThrow("gcsim: GC coordinator: interrupted");
            }
            if (!rt.hasExited()) {
                continue;
            }
            int st = state;
            if (st == DONE) {
                return;
            }
            if (st == FAILED) {
                throw rethrown();
            }
            long now = System.nanoTime();
            if (exitSeen == 0) {
                exitSeen = now;
            }
            if (st != RUNNING || now - exitSeen > EXIT_GRACE_NANOS) {
                throw new GoThrow(exitedThrow);
            }
        }
    }

    private RuntimeException rethrown() {
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("GcCoordinator: phase failed", t);
    }

    /** The goroutine's code: run the phase handed over, if any, then park "force gc (idle)". */
    @Override
    public int run(M mp, G gp) {
        Consumer<G> p = phase;
        if (p != null) {
            phase = null;
            state = RUNNING;
            try {
                p.accept(gp);
                state = DONE;
            } catch (RuntimeException | Error e) {
                failure = e; // for the cycle thread, which rethrows it
                state = FAILED;
                throw e; // the M's fatal error: the process ends with it, on this goroutine
            }
        }
        Sched.gopark(mp, gp, parked::release, WaitReason.FORCE_GG_IDLE);
        return PARK;
    }
}
