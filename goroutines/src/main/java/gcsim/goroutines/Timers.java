package gcsim.goroutines;

import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Timers of sleeping goroutines (time.Sleep) for one {@link Sched}: Go's
 * timer heap and the timer half of netpoll. Deliberately different from Go:
 * one global heap under {@link #timersLock} instead of Go 1.14's per-P heaps,
 * and a timer is the sleeping G itself ({@code G.timerWhen}), not a
 * {@code timer} struct.
 *
 * <p><b>Callers and threads.</b> {@link #addtimer} runs on the sleeping G's M
 * inside gopark's unlock function (Interp's Sleep), and wakes the M polling
 * for timers, if any. {@link #checkTimers} runs on an M that owns the P it
 * readies onto (schedule / findrunnable). {@link #pollTimers} runs on an M
 * without a P in findrunnable: at most one M at a time ({@link #lastpoll}
 * CAS 1 → 0) sleeps until the first timer, recorded in {@link #poller} so that
 * addtimer and the process exit can unpark it. sysmon reads
 * {@link #nextTimer} and {@link #lastpoll} to start an M for an overdue timer;
 * checkdead asks {@link #timersPending}.
 *
 * <p><b>Locks.</b> {@code timersLock} is a leaf: nothing else is taken while
 * holding it. ready() in checkTimers runs after it is released.
 */
final class Timers {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    private final ReentrantLock timersLock = new ReentrantLock();
    /** Sleeping Gs ordered by wake time. Guarded by {@link #timersLock}. */
    private final PriorityQueue<G> timers = new PriorityQueue<>((a, b) -> Long.compare(a.timerWhen, b.timerWhen));
    /** Non-zero while no M is blocked waiting for timers (Go's sched.lastpoll). */
    final AtomicLong lastpoll = new AtomicLong(1);
    /** The M blocked in {@link #pollTimers}, or null. */
    volatile @Nullable Thread poller;

    Timers(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /** Adds gp's timer (gp is waiting with timerWhen set). Go's resetForSleep. Any thread. */
    void addtimer(G gp) {
        sched.platform.lock(timersLock);
        try {
            timers.add(gp);
        } finally {
            timersLock.unlock();
        }
        Thread t = poller;
        if (t != null) {
            sched.platform.unpark(t); // wakeNetPoller
        }
    }

    boolean timersPending() {
        sched.platform.lock(timersLock);
        try {
            return !timers.isEmpty();
        } finally {
            timersLock.unlock();
        }
    }

    long nextTimer() {
        sched.platform.lock(timersLock);
        try {
            G g = timers.peek();
            return g == null ? 0 : g.timerWhen;
        } finally {
            timersLock.unlock();
        }
    }

    /** Go's checkTimers: readies every G whose timer expired, onto pp. pp's owner. */
    void checkTimers(P pp) {
        long next = nextTimer();
        if (next == 0 || sched.platform.nanoTime() < next) {
            return;
        }
        for (;;) {
            G gp;
            sched.platform.lock(timersLock);
            try {
                G head = timers.peek();
                if (head == null || head.timerWhen > sched.platform.nanoTime()) {
                    return;
                }
                gp = timers.poll();
            } finally {
                timersLock.unlock();
            }
            if (gp != null) {
                gp.timerWhen = 0;
                sched.ready(gp, false);
            }
        }
    }

    /**
     * The blocking netpoll of findrunnable, for timers: if timers are pending
     * and no other M waits for them, mp (without a P) sleeps until the first
     * one, then takes an idle P. Returns true when the caller should start
     * over with a P.
     */
    boolean pollTimers(M mp) {
        long when = nextTimer();
        if (when == 0 || !lastpoll.compareAndSet(1, 0)) {
            return false;
        }
        try {
            poller = mp.thread;
            for (;;) {
                sched.checkExiting();
                when = nextTimer();
                if (when == 0) {
                    return false;
                }
                long delta = when - sched.platform.nanoTime();
                if (delta <= 0 || sched.stw.gcwaiting) {
                    break;
                }
                sched.platform.parkNanos(sched, delta);
            }
        } finally {
            poller = null;
            lastpoll.set(1);
        }
        P pp = sched.mps.pidlegetLocked();
        if (pp == null) {
            return false;
        }
        sched.mps.acquirep(mp, pp);
        return true;
    }
}
