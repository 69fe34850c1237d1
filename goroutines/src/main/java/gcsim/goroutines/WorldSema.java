package gcsim.goroutines;

import gcsim.base.GoThrow;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's {@code worldsema} as the goroutines that stop the world and the GC cycle contend for it:
 * a semaphore whose waiters park (semacquire: the G waits "semacquire" and its P runs others),
 * released with direct hand-off to the oldest waiter.
 *
 * <p><b>Why a second semaphore.</b> {@link StopTheWorld}'s {@code worldsema} is a Java semaphore
 * taken per stop by whichever thread stops the world; a thread blocked on it keeps its M and its
 * P, so a user goroutine waiting there would keep its P from ever stopping for the holder's stop
 * (a deadlock Go does not have: semacquire parks the G). This object is the outer, goroutine-level
 * worldsema: every stopper from user code ({@link UserStopTheWorld}) and the GC cycle take it
 * first, so whoever then takes the inner one finds it free at once.
 *
 * <p><b>Who holds it.</b> The field {@link #owner} is the documented hand-over between the GC
 * cycle and user stoppers. gc-mark's cycle thread (not an M: it may block) takes it with
 * {@link #acquireOffM} for its stopped phases, which run on its coordinator goroutine:
 * <ul>
 *   <li>until go1.14 ({@link GoVersion#worldsemaHeldThroughMark()}): from sweep termination to the
 *       end of mark termination (its forEachP included), as go1.14's gcStart holds worldsema
 *       until gcMarkTermination's {@code semrelease(&worldsema)}: any stopTheWorld caller
 *       (ReadMemStats, GOMAXPROCS, ...) waits for the cycle to end;</li>
 *   <li>from go1.15 (gcsema, f1f947af28 / 79b43fa819): for sweep termination, and again for each
 *       gcMarkDone from its transition condition to its end ("forEachP needs worldsema to
 *       execute, and we'll need it to stop the world later, so acquire worldsema now"), so a
 *       user goroutine may stop the world during concurrent mark.</li>
 * </ul>
 *
 * <p>While the cycle thread holds it, it counts as a running M for checkdead (as a stopper that
 * is not an M does in {@link StopTheWorld}): goroutines parked for worldsema wait for a thread
 * that will release it, so they are not "all goroutines are asleep".
 *
 * <p>Threads: {@link #semacquire} and {@link #release} by a user G: its M's thread.
 * {@link #acquireOffM} and {@link #release} by the cycle thread. {@link #owner} and
 * {@link #waiters} are guarded by {@link #lock}, which is taken before {@code sched.lock}
 * (release readies a G under it).
 */
public final class WorldSema {
    /** {@link #owner} when the cycle thread (not a G) holds the semaphore. */
    private static final Object OFF_M = new Object();

    private final @NotOnlyInitialized Sched s;
    private final ReentrantLock lock = new ReentrantLock();
    /** The holder: a G, {@link #OFF_M}, or null when free. Guarded by {@link #lock}. */
    private @Nullable Object owner;
    /** Parked Gs and off-M waiters' semaphores, oldest first. Guarded by {@link #lock}. */
    private final ArrayDeque<Object> waiters = new ArrayDeque<>();

    WorldSema(@UnderInitialization Sched s) {
        this.s = s;
    }

    /**
     * Go's {@code semacquire(&worldsema)} by the running G {@code gp} on {@code mp}: true when gp
     * holds it now (also when it was handed to gp while it was parked and gp runs the same call
     * again); else gp is parked "semacquire" (the caller returns {@link GoCode#PARK} and calls
     * again when gp runs, and finds it handed over). mp's thread.
     */
    boolean semacquire(M mp, G gp) {
        s.platform.lock(lock);
        try {
            if (owner == gp) {
                return true;
            }
            if (owner == null) {
                owner = gp;
                return true;
            }
        } finally {
            lock.unlock();
        }
        Sched.gopark(mp, gp, () -> {
            s.platform.lock(lock);
            try {
                if (owner == null) {
                    owner = gp; // released meanwhile: take it and run again at once
                    s.ready(gp, false);
                } else {
                    waiters.add(gp);
                }
            } finally {
                lock.unlock();
            }
        }, WaitReason.SEMACQUIRE);
        return false;
    }

    /**
     * Takes the semaphore on a thread that is not an M (gc-mark's cycle thread): blocks until it
     * is free or handed over. Throws {@code exitedThrow} when the process ends meanwhile.
     */
    public void acquireOffM(String exitedThrow) {
        Semaphore mine = new Semaphore(0);
        s.platform.lock(lock);
        try {
            if (owner == null) {
                owner = OFF_M;
                s.liveness.enterExternal();
                return;
            }
            waiters.add(mine);
        } finally {
            lock.unlock();
        }
        while (!s.platform.tryAcquire(mine, TimeUnit.MILLISECONDS.toNanos(1))) {
            if (s.hasExited() || Thread.currentThread().isInterrupted()) {
                throw new GoThrow(exitedThrow);
            }
        }
    }

    /**
     * Go's {@code semrelease(&worldsema)}: hands the semaphore to the oldest waiter (readying a
     * parked G, or waking the off-M waiter), else frees it. The holder: a G's M, or the cycle
     * thread.
     */
    public void release() {
        s.platform.lock(lock);
        try {
            boolean wasOffM = owner == OFF_M;
            Object next = waiters.poll();
            owner = next instanceof Semaphore ? OFF_M : next;
            if (next instanceof G gp) {
                s.ready(gp, false);
            } else if (next instanceof Semaphore sem) {
                if (!wasOffM) {
                    s.liveness.enterExternal(); // counted from the hand-over, before it wakes
                }
                sem.release();
            }
            if (wasOffM && owner != OFF_M) {
                s.liveness.exitExternal(); // after the ready, so checkdead sees the new holder
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the GC cycle's thread holds the semaphore now (tests, dumps). Any thread. */
    public boolean heldByCycle() {
        s.platform.lock(lock);
        try {
            return owner == OFF_M;
        } finally {
            lock.unlock();
        }
    }
}
