package gcsim.goroutines.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The deterministic scheduler: real threads that run one at a time, handing
 * a baton at scheduling points, with the next holder chosen by a seeded
 * {@link SplittableRandom}, and a simulated clock.
 *
 * <p><b>Protocol.</b> Every thread taking part is a {@link Participant},
 * registered (in a deterministic order: by the baton holder, or by the
 * creator before any participant runs) before its thread starts, and
 * {@link #attach attached} as the first thing the thread does; attach waits
 * for the thread's first turn. Only the holder runs; it passes the baton at
 * a scheduling point:
 * <ul>
 *   <li>{@link #pass()}: stays eligible (a spin or yield point, an
 *       instruction boundary, a failed lock attempt: {@link #lock});
 *   <li>{@link #block()}: not eligible until another holder calls
 *       {@link #unblock} (a park; an unblock that comes first is kept as a
 *       permit, like {@link LockSupport#unpark});
 *   <li>{@link #sleepUntil}: eligible again when the simulated clock reaches
 *       the deadline, or when unblocked earlier (a timed park);
 *   <li>{@link #exit()}: the thread's last call.
 * </ul>
 * The next holder is drawn uniformly from the eligible participants, listed
 * in registration order. When none is eligible, simulated time jumps to the
 * earliest deadline and the participants sleeping until then become
 * eligible. So the sequence of holders, and everything the holders compute,
 * is a function of the seed alone: the same seed reproduces the same run.
 * The JVM's own JIT and GC threads do not matter: they do not touch the
 * model's state, and only the holder does.
 *
 * <p><b>Watchdog.</b> When no participant is eligible and none sleeps
 * (every one is blocked), no thread can make progress: the baton calls the
 * deadlock handler once with a description (the blocked participants),
 * then every waiting thread and the caller throw {@link Deadlock}, so the
 * threads end rather than hang.
 *
 * <p><b>State.</b> Participant states: RUNNABLE -> BLOCKED | SLEEPING |
 * EXITED; BLOCKED | SLEEPING -> RUNNABLE. Every field is guarded by
 * {@code lock}; {@code holder} is also volatile so a waiting thread can
 * poll it between parks.
 */
public final class Baton {
    /** A thread taking part; created by {@link #register}. */
    public static final class Participant {
        final int id;
        final String name;
        volatile @Nullable Thread thread; // set by attach
        int state = RUNNABLE; // guarded by the baton's lock
        long deadline; // SLEEPING: simulated nanos
        boolean permit; // an unblock before the block
        @Nullable Participant joining; // BLOCKED in join: the participant whose exit wakes it
        int quantum; // instructions left before the next pass (Platform's instructionBoundary); its thread only
        int drawn; // the quantum drawn at the last pass; its thread only
        String lastPoint = "start"; // the last scheduling point it passed at (a constant: no allocation); its thread only

        Participant(int id, String name) {
            this.id = id;
            this.name = name;
        }

        @Override
        public String toString() {
            return name + "#" + id;
        }
    }

    /** Thrown in every participant when the watchdog found that no thread can make progress. */
    public static final class Deadlock extends Error {
        private static final long serialVersionUID = 1L;

        Deadlock(String message) {
            super(message, null, false, false);
        }
    }

    /** Receives the watchdog's description once; called on the thread that found the deadlock. */
    @FunctionalInterface
    public interface DeadlockHandler {
        void deadlock(String description);
    }

    static final int RUNNABLE = 0;
    static final int BLOCKED = 1;
    static final int SLEEPING = 2;
    static final int EXITED = 3;
    private static final String[] STATES = {"runnable", "blocked", "sleeping", "exited"};

    private final ReentrantLock lock = new ReentrantLock();
    private final SplittableRandom random;
    private final DeadlockHandler onDeadlock;
    private final List<Participant> all = new ArrayList<>(); // guarded by lock, registration order
    private final List<Participant> eligible = new ArrayList<>(); // guarded by lock, scratch
    private volatile @Nullable Participant holder;
    private volatile @Nullable String deadlock; // null -> description, once
    private long now; // guarded by lock: simulated nanos
    private long handoffs; // guarded by lock
    private long switches; // guarded by lock: handoffs to another participant (a thread switch each)
    private final java.util.function.LongSupplier progress; // a count that moves when the model makes progress
    private final long stallNanos; // simulated time without progress that counts as stuck (0: never)
    private long lastProgress = -1; // guarded by lock: progress's last value
    private long lastProgressAt; // guarded by lock: simulated time it last moved

    /** A baton choosing with {@code seed}; no participant holds it until the first {@link #start}. */
    public Baton(long seed, DeadlockHandler onDeadlock) {
        this(seed, onDeadlock, () -> 0, 0);
    }

    /**
     * A baton whose watchdog also fires when the simulated clock advanced
     * {@code stallNanos} without {@code progress} (read by the holder, e.g.
     * an event count) changing: threads that keep running or polling but get
     * nowhere (a suspender spinning on a goroutine that never reaches a safe
     * point) are as stuck as blocked ones. {@code stallNanos} 0: only the
     * all-blocked check.
     */
    public Baton(long seed, DeadlockHandler onDeadlock, java.util.function.LongSupplier progress, long stallNanos) {
        this.random = new SplittableRandom(seed);
        this.onDeadlock = onDeadlock;
        this.progress = progress;
        this.stallNanos = stallNanos;
    }

    /**
     * Registers a participant (eligible). The holder, or the creator before
     * {@link #start}: the order of registrations must itself be deterministic.
     */
    public Participant register(String name) {
        lock.lock();
        try {
            Participant p = new Participant(all.size(), name);
            all.add(p);
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** Hands the baton to the first holder (drawn like any other). The creator, once, after registering. */
    public void start() {
        lock.lock();
        try {
            handOffLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Binds the calling thread to p and waits for its first turn. p's thread, first thing. */
    public void attach(Participant p) {
        p.thread = Thread.currentThread();
        awaitTurn(p);
    }

    /** A scheduling point: the holder stays eligible and the baton goes to a drawn participant. */
    public void pass() {
        pass(0);
    }

    /**
     * A named scheduling point ({@code Platform.schedulingPoint}): {@link #pass(long)}
     * after {@code elapsedNanos}, remembering {@code why} (a string constant) for the
     * watchdog's description. The holder.
     */
    public void pass(String why, long elapsedNanos) {
        Participant me = mustHold();
        me.lastPoint = why;
        pass(elapsedNanos);
    }

    /**
     * A scheduling point after the holder used {@code elapsedNanos} of
     * simulated time (instructions it ran): the clock advances, sleepers
     * whose deadline passed become eligible, and the baton goes to a drawn
     * participant (possibly the holder again). The holder.
     */
    public void pass(long elapsedNanos) {
        Participant me = mustHold();
        lock.lock();
        try {
            now += elapsedNanos;
            handOffLocked();
        } finally {
            lock.unlock();
        }
        awaitTurn(me);
    }

    /** A park: the holder is not eligible until {@link #unblock}ed (returns at once if a permit is pending). */
    public void block() {
        park(BLOCKED, 0);
    }

    /** A timed park: eligible again at simulated time {@code deadline}, or when unblocked before. */
    public void sleepUntil(long deadline) {
        park(SLEEPING, deadline);
    }

    private void park(int state, long deadline) {
        Participant me = mustHold();
        lock.lock();
        try {
            if (me.permit) {
                me.permit = false;
                return;
            }
            me.state = state;
            me.deadline = deadline;
            handOffLocked();
        } finally {
            lock.unlock();
        }
        awaitTurn(me);
    }

    /** An unpark of p: eligible again, or a permit for its next block. The holder. */
    public void unblock(Participant p) {
        mustHold();
        unblockAny(p);
    }

    /**
     * {@link #unblock} from a thread that takes no part (a timeout path
     * shutting the model down): not deterministic, never needed in a run
     * that ends normally. Any thread.
     */
    public void unblockAny(Participant p) {
        lock.lock();
        try {
            if (p.state == BLOCKED || p.state == SLEEPING) {
                p.state = RUNNABLE;
            } else if (p.state == RUNNABLE) {
                p.permit = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Acquires l, yielding while another participant holds it (tryLock-or-yield). The holder. */
    public void lock(ReentrantLock l) {
        while (!l.tryLock()) {
            pass();
        }
    }

    /**
     * Waits until {@code target} has {@link #exit}ed (a Thread.join of its
     * thread): not eligible meanwhile. The holder.
     */
    public void join(Participant target) {
        Participant me = mustHold();
        for (;;) {
            lock.lock();
            try {
                if (target.state == EXITED) {
                    return;
                }
                me.state = BLOCKED;
                me.joining = target;
                handOffLocked();
            } finally {
                lock.unlock();
            }
            awaitTurn(me);
        }
    }

    /** A number in [0, bound) from the seeded source (a scheduling choice of the model, e.g. steal order). The holder. */
    public int nextInt(int bound) {
        mustHold();
        lock.lock();
        try {
            return random.nextInt(bound);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the calling thread holds the baton. Any thread. */
    public boolean holds() {
        Participant h = holder;
        return h != null && h.thread == Thread.currentThread();
    }

    /** The holder's participant, when the calling thread holds the baton, else null. Any thread. */
    public @Nullable Participant current() {
        Participant h = holder;
        return h != null && h.thread == Thread.currentThread() ? h : null;
    }

    /** The holder's last call: it leaves and the baton moves on. */
    public void exit() {
        Participant me = mustHold();
        lock.lock();
        try {
            me.state = EXITED;
            for (Participant p : all) {
                if (p.joining == me && p.state == BLOCKED) {
                    p.state = RUNNABLE;
                    p.joining = null;
                }
            }
            handOffLocked();
        } finally {
            lock.unlock();
        }
    }

    /** The simulated clock, in nanoseconds from 0. Any thread. */
    public long nanoTime() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    /** How many times the baton was handed over (a cheap fingerprint of the schedule). */
    public long handoffs() {
        lock.lock();
        try {
            return handoffs;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many handoffs went to another participant than the one passing: each costs a
     * real thread switch (an unpark and a park), the deterministic mode's main cost.
     */
    public long switches() {
        lock.lock();
        try {
            return switches;
        } finally {
            lock.unlock();
        }
    }

    /** The watchdog's description when it found a deadlock, else null. */
    public @Nullable String deadlock() {
        return deadlock;
    }

    private Participant mustHold() {
        String d = deadlock;
        if (d != null) {
            throw new Deadlock(d);
        }
        Participant h = holder;
        if (h == null || h.thread != Thread.currentThread()) {
            throw new IllegalStateException("baton: " + Thread.currentThread().getName() + " does not hold the baton");
        }
        return h;
    }

    /** Draws the next holder (advancing simulated time if needed) and wakes it. Lock held. */
    private void handOffLocked() {
        if (deadlock != null) {
            throw new Deadlock(deadlock);
        }
        checkProgressLocked();
        collectEligibleLocked();
        if (eligible.isEmpty() && !advanceClockLocked()) {
            declareDeadlockLocked("all blocked, no timer pending");
            return;
        }
        Participant next = eligible.get(random.nextInt(eligible.size()));
        handoffs++;
        Participant was = holder;
        holder = next;
        Thread t = next.thread;
        if (t != null && next != was) {
            switches++;
            // The holder drawn again just goes on (awaitTurn returns at once): no unpark,
            // which would also leave a permit that makes its next real park return early.
            LockSupport.unpark(t);
        }
    }

    /** Sleepers whose deadline passed are eligible again, with the runnable ones, in registration order. */
    private void collectEligibleLocked() {
        eligible.clear();
        for (Participant p : all) {
            if (p.state == SLEEPING && p.deadline <= now) {
                p.state = RUNNABLE;
            }
            if (p.state == RUNNABLE) {
                eligible.add(p);
            }
        }
    }

    /** The stall check: the clock ran {@code stallNanos} past the last progress. Lock held. */
    private void checkProgressLocked() {
        if (stallNanos == 0) {
            return;
        }
        long v = progress.getAsLong();
        if (v != lastProgress) {
            lastProgress = v;
            lastProgressAt = now;
        } else if (now - lastProgressAt > stallNanos) {
            declareDeadlockLocked("no progress for " + stallNanos + " simulated ns");
        }
    }

    /** Jumps simulated time to the earliest deadline and wakes its sleepers; false when nobody sleeps. */
    private boolean advanceClockLocked() {
        long earliest = Long.MAX_VALUE;
        for (Participant p : all) {
            if (p.state == SLEEPING) {
                earliest = Math.min(earliest, p.deadline);
            }
        }
        if (earliest == Long.MAX_VALUE) {
            return false;
        }
        now = Math.max(now, earliest);
        for (Participant p : all) {
            if (p.state == SLEEPING && p.deadline <= now) {
                p.state = RUNNABLE;
                eligible.add(p);
            }
        }
        return true;
    }

    private void declareDeadlockLocked(String why) {
        boolean anyLeft = false;
        StringBuilder sb = new StringBuilder("baton: no thread can make progress (").append(why)
                .append(") at simulated time ").append(now).append(" ns:");
        for (Participant p : all) {
            if (p.state != EXITED) {
                anyLeft = true;
                sb.append("\n\t").append(p).append(' ').append(STATES[p.state])
                        .append(" (last named scheduling point: ").append(p.lastPoint).append(')');
            }
        }
        holder = null;
        if (!anyLeft) {
            return; // every participant exited: the run is over, not stuck
        }
        String d = sb.toString();
        deadlock = d;
        for (Participant p : all) {
            Thread t = p.thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        onDeadlock.deadlock(d);
        throw new Deadlock(d);
    }

    private void awaitTurn(Participant me) {
        while (holder != me) {
            String d = deadlock;
            if (d != null) {
                throw new Deadlock(d);
            }
            LockSupport.park(this);
        }
    }
}
