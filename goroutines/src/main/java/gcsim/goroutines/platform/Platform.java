package gcsim.goroutines.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The one indirection between the runtime model and the JDK's threads: every
 * scheduling point of the model (a park or unpark, a spin or yield, a lock
 * acquisition, a clock read, a thread start, an instruction boundary) goes
 * through a Platform, reached through {@code Sched.platform()}.
 *
 * <p>{@link #REAL} is the JDK itself: each method is the JDK call it names
 * and nothing else. As long as only REAL is loaded (a run without
 * {@code --deterministic}), the JIT sees one implementation and inlines it,
 * so the real mode pays nothing (the interpreter even skips its boundary
 * call: {@link #deterministic()} is read once, when an Interp is built).
 *
 * <p>{@link #deterministic} returns a {@link Baton}-backed platform: the
 * threads it starts are the baton's participants and run one at a time; a
 * park blocks the participant, a timed park sleeps on the simulated clock,
 * a spin or yield passes the baton, a lock is taken by tryLock-or-pass,
 * {@link #nanoTime} is the simulated clock, every 1 to 2048 instructions
 * (a count drawn from the seeded source) the interpreter passes the baton,
 * and so does every named {@link #schedulingPoint} (the places in the
 * runtime where another thread running in between matters: docs/determinism.md).
 * A thread that takes no part (a test thread, the CLI's main thread, code
 * run before {@link #startRun}) gets the JDK behaviour for park, unpark,
 * spin and lock, and the simulated clock.
 *
 * <p>Rules for code on a participant: never pass the baton (any Platform
 * call that may block or spin) while holding a monitor or a lock not taken
 * through {@link #lock}: another participant blocking on it in the JVM would
 * hold the baton for ever.
 */
public abstract class Platform {
    // This package is the bottom of the goroutines module: it depends on the JDK alone (and
    // checker-qual), never on the runtime that runs on it (ArchitectureTest checks this).

    /** Go's lock_futex.go spin counts: active_spin, active_spin_cnt, passive_spin. */
    static final int ACTIVE_SPIN = 4;
    static final int ACTIVE_SPIN_CNT = 30;
    static final int PASSIVE_SPIN = 1;

    /** The JDK: real threads, real time. */
    public static final Platform REAL = new Real();

    /**
     * Whether this is the baton platform. Final, set once: {@link #schedulingPoint} tests it,
     * so in the real mode a scheduling point is one load of a final field and a not-taken
     * branch (and nothing at all once the JIT has inlined it for {@link #REAL}).
     */
    private final boolean baton;

    Platform(boolean baton) {
        this.baton = baton;
    }

    /**
     * A deterministic platform choosing with {@code seed}. Its watchdog fires
     * when every participant is blocked, or when {@code stallNanos} of
     * simulated time pass without {@code log} recording an event (0: never);
     * it calls {@code onDeadlock} once (on the thread that found it), and
     * every participant then ends with {@link Baton.Deadlock}. {@code log} is
     * usually the runtime's {@code EventLog} (it implements {@link Progress}).
     */
    public static Platform deterministic(long seed, Progress log, long stallNanos, Baton.DeadlockHandler onDeadlock) {
        return new Deterministic(new Baton(seed, onDeadlock, log::events, stallNanos));
    }

    /** Whether this is a deterministic (baton) platform. */
    public abstract boolean deterministic();

    /**
     * A named scheduling point: a place in the runtime where another thread may run
     * between two steps of the caller, as it can on real threads, and where what it
     * does then matters (a status the caller just changed and has not yet followed up,
     * a lock about to be taken, a value read and not yet written back). In the real
     * mode it does nothing: the real threads interleave there anyway. In the
     * deterministic mode the holder passes the baton to a drawn participant (possibly
     * itself, which then just goes on), so the seed chooses who runs in the window.
     * Go's semantics do not change: the caller holds nothing it would not hold there
     * in Go, and only locks taken through {@link #lock} (the rule of this class).
     *
     * <p>{@code why} is a string constant saying where (it shows in the watchdog's
     * description); it allocates nothing. The points are listed in docs/determinism.md;
     * the instruction boundaries ({@link #instructionBoundary}) are the other place the
     * baton passes on its own. Any thread (a thread that takes no part: nothing).
     */
    public final void schedulingPoint(String why) {
        if (baton) {
            point(why);
        }
    }

    /** The deterministic mode's {@link #schedulingPoint}. */
    void point(String why) {
    }

    /** LockSupport.park(blocker): waits for an {@link #unpark} (or a spurious wakeup). The calling thread. */
    public abstract void park(Object blocker);

    /** LockSupport.parkNanos(blocker, nanos), on this platform's clock. The calling thread. */
    public abstract void parkNanos(Object blocker, long nanos);

    /** LockSupport.unpark(t): t's next (or current) park returns. Any thread. */
    public abstract void unpark(Thread t);

    /** Thread.onSpinWait (Go's procyield): a spin loop's body. */
    public abstract void onSpinWait();

    /** Thread.yield (Go's osyield). */
    public abstract void yield();

    /** l.lock(). */
    public abstract void lock(ReentrantLock l);

    /** s.acquireUninterruptibly(). */
    public abstract void acquire(Semaphore s);

    /** s.tryAcquire(nanos, NANOSECONDS), on this platform's clock; false on timeout or interrupt. */
    public abstract boolean tryAcquire(Semaphore s, long nanos);

    /**
     * The calling thread is busy for about {@code nanos} without reaching a safe point (a
     * signal handler run): real threads spin that long; the deterministic mode advances the
     * simulated clock by it and passes the baton. Any thread.
     */
    public void work(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /** System.nanoTime(), or the simulated clock. Any thread. */
    public abstract long nanoTime();

    /** ThreadLocalRandom.current().nextInt(bound), or the seeded source. */
    public abstract int nextInt(int bound);

    /**
     * A daemon thread running r, not started. In the deterministic mode it is
     * a participant, registered now: the creator must be the baton's holder
     * or run before {@link #startRun}, so the order stays deterministic.
     */
    public Thread newThread(Runnable r, String name) {
        Thread t = new Thread(() -> {
            try {
                enter();
                r.run();
            } catch (Baton.Deadlock e) {
                // the watchdog reported it; the thread just ends
            } finally {
                leave();
            }
        }, name);
        t.setDaemon(true);
        adopt(t);
        return t;
    }

    /**
     * Registers t (not started; a thread subclass such as the runtime's
     * {@code M} whose run method calls {@link #enter} first and {@link #leave}
     * last) as a participant. Same caller rules as {@link #newThread}. Public
     * for the runtime's own threads (package {@code gcsim.goroutines}); code
     * that only needs a thread uses {@link #newThread}.
     */
    public abstract void adopt(Thread t);

    /** The first call of an adopted thread: waits for its first turn. That thread. */
    public abstract void enter();

    /** The last call of an adopted thread (in a finally): hands the baton on. That thread. */
    public abstract void leave();

    /** t.join(). */
    public abstract void join(Thread t) throws InterruptedException;

    /**
     * An instruction boundary of the interpreter, called only when
     * {@link #deterministic()}: every few instructions the clock advances
     * and the baton is passed. The M's thread (the mutator's interpreter,
     * package {@code gcsim.goroutines.mutator}).
     */
    public abstract void instructionBoundary();

    /**
     * Lets the participants registered so far run (the deterministic mode;
     * nothing in the real mode). The creating thread, once, after it built
     * and started the model; afterwards it only waits for the run to end.
     */
    public abstract void startRun();

    /** The baton (deterministic mode), else null. */
    public abstract @Nullable Baton baton();

    /**
     * The JDK calls. Not final, and public, only so a test platform of the
     * runtime's tests can change a few of them (the model checker's still
     * clock); production loads no subclass, so the JIT still sees one
     * implementation.
     */
    public static class Real extends Platform {
        /** {@link #REAL}, or a test platform changing a few calls. */
        protected Real() {
            super(false);
        }

        @Override
        public boolean deterministic() {
            return false;
        }

        @Override
        public void park(Object blocker) {
            LockSupport.park(blocker);
        }

        @Override
        public void parkNanos(Object blocker, long nanos) {
            LockSupport.parkNanos(blocker, nanos);
        }

        @Override
        public void unpark(Thread t) {
            LockSupport.unpark(t);
        }

        @Override
        public void onSpinWait() {
            Thread.onSpinWait();
        }

        @Override
        public void yield() {
            Thread.yield();
        }

        /**
         * Go's lock (lock_futex.go): try, spin actively (4 rounds of procyield(30)),
         * yield once (passive spin), and only then sleep. A runtime lock is held for
         * a few hundred nanoseconds; ReentrantLock.lock parks almost at once, and the
         * park and its wake-up cost tens of microseconds, which showed as the tail of
         * resumeG (readying a G takes sched.lock while an idle M holds it).
         */
        @Override
        public void lock(ReentrantLock l) {
            if (l.tryLock()) {
                return;
            }
            for (int i = 0; i < ACTIVE_SPIN; i++) {
                for (int k = 0; k < ACTIVE_SPIN_CNT; k++) {
                    Thread.onSpinWait(); // procyield
                }
                if (l.tryLock()) {
                    return;
                }
            }
            for (int i = 0; i < PASSIVE_SPIN; i++) {
                Thread.yield(); // osyield
                if (l.tryLock()) {
                    return;
                }
            }
            l.lock(); // futexsleep
        }

        @Override
        public void acquire(Semaphore s) {
            s.acquireUninterruptibly();
        }

        @Override
        public boolean tryAcquire(Semaphore s, long nanos) {
            try {
                return s.tryAcquire(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public void adopt(Thread t) {
        }

        @Override
        public void enter() {
        }

        @Override
        public void leave() {
        }

        @Override
        public void join(Thread t) throws InterruptedException {
            t.join();
        }

        @Override
        public void instructionBoundary() {
        }

        @Override
        public void startRun() {
        }

        @Override
        public @Nullable Baton baton() {
            return null;
        }
    }

    /**
     * The baton mapping. Participants are found by thread ({@code byThread},
     * filled by {@link #adopt} before the thread starts); the calling
     * thread's participant is the baton's holder when it holds it.
     */
    private static final class Deterministic extends Platform {
        /** Simulated time one interpreted instruction takes (the 50 M instructions/s target). */
        static final long INSTRUCTION_NANOS = 20;
        /** Simulated time a spin, yield or failed lock attempt takes. */
        static final long PASS_NANOS = 100;
        /** Simulated time a named scheduling point takes (a few instructions' worth). */
        static final long POINT_NANOS = 20;
        /**
         * The interpreter passes the baton every 1..MAX_QUANTUM instructions (drawn).
         * Large: the interpreter's instructions touch the G's own stack, and everything
         * they share (channels, the heap's write barrier and allocation, a park, a
         * preemption request) reaches a named scheduling point, a lock or a park of its
         * own, where the baton passes anyway; a boundary pass costs a thread switch
         * (several microseconds), so frequent boundaries made this mode slow. Small
         * quanta still occur (the draw is uniform), so a window between two plain
         * instructions stays reachable on some seeds.
         */
        static final int MAX_QUANTUM = 2048;

        private final Baton baton;
        private final Map<Thread, Baton.Participant> byThread = new ConcurrentHashMap<>();

        Deterministic(Baton baton) {
            super(true);
            this.baton = baton;
        }

        @Override
        void point(String why) {
            if (baton.holds()) {
                baton.pass(why, POINT_NANOS);
            }
        }

        @Override
        public boolean deterministic() {
            return true;
        }

        @Override
        public void park(Object blocker) {
            if (baton.holds()) {
                baton.block();
            } else {
                LockSupport.park(blocker);
            }
        }

        @Override
        public void parkNanos(Object blocker, long nanos) {
            if (baton.holds()) {
                if (nanos > 0) {
                    baton.sleepUntil(baton.nanoTime() + nanos);
                }
            } else {
                LockSupport.parkNanos(blocker, nanos);
            }
        }

        @Override
        public void unpark(Thread t) {
            Baton.Participant p = byThread.get(t);
            if (p == null) {
                LockSupport.unpark(t);
            } else if (baton.holds()) {
                baton.unblock(p);
            } else {
                baton.unblockAny(p);
            }
        }

        @Override
        public void onSpinWait() {
            passOrElse(false);
        }

        @Override
        public void yield() {
            passOrElse(true);
        }

        private void passOrElse(boolean yield) {
            if (baton.holds()) {
                baton.pass(PASS_NANOS);
            } else if (yield) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }

        @Override
        public void lock(ReentrantLock l) {
            if (!baton.holds()) {
                l.lock();
                return;
            }
            while (!l.tryLock()) {
                baton.pass(PASS_NANOS);
            }
        }

        @Override
        public void acquire(Semaphore s) {
            if (!baton.holds()) {
                s.acquireUninterruptibly();
                return;
            }
            while (!s.tryAcquire()) {
                baton.pass(PASS_NANOS);
            }
        }

        @Override
        public boolean tryAcquire(Semaphore s, long nanos) {
            if (!baton.holds()) {
                return Platform.REAL.tryAcquire(s, nanos);
            }
            if (s.tryAcquire()) {
                return true;
            }
            baton.sleepUntil(baton.nanoTime() + nanos); // a poll: release does not wake us
            return s.tryAcquire();
        }

        @Override
        public void work(long nanos) {
            if (baton.holds()) {
                baton.pass(nanos);
            } else {
                super.work(nanos);
            }
        }

        @Override
        public long nanoTime() {
            return baton.nanoTime();
        }

        @Override
        public int nextInt(int bound) {
            return baton.holds() ? baton.nextInt(bound) : ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public void adopt(Thread t) {
            Baton.Participant p = baton.register(t.getName());
            p.thread = t;
            byThread.put(t, p);
        }

        @Override
        public void enter() {
            Baton.Participant p = byThread.get(Thread.currentThread());
            if (p == null) {
                throw new IllegalStateException("baton: " + Thread.currentThread().getName() + " was not adopted");
            }
            baton.attach(p);
            p.drawn = 1 + baton.nextInt(MAX_QUANTUM);
            p.quantum = p.drawn;
        }

        @Override
        public void leave() {
            if (baton.holds()) {
                baton.exit();
            }
        }

        @Override
        public void join(Thread t) throws InterruptedException {
            Baton.Participant p = byThread.get(t);
            if (p == null || !baton.holds()) {
                t.join();
            } else {
                baton.join(p);
            }
        }

        @Override
        public void instructionBoundary() {
            Baton.Participant me = baton.current();
            if (me == null || --me.quantum > 0) {
                return;
            }
            int ran = me.drawn;
            baton.pass(ran * INSTRUCTION_NANOS);
            me.drawn = 1 + baton.nextInt(MAX_QUANTUM);
            me.quantum = me.drawn;
        }

        @Override
        public void startRun() {
            baton.start();
        }

        @Override
        public Baton baton() {
            return baton;
        }
    }
}
