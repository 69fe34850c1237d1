package gcsim.goroutines;

import gcsim.goroutines.platform.Baton;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A machine (Go's {@code m}): the scheduler state of one Java platform thread,
 * which the M holds (its {@code thread}, started by newm) rather than is, so
 * callers of M see no {@code interrupt()}, {@code setName()} or {@code join()}.
 * It takes a P, finds a runnable G ({@link Sched#schedule}), and runs it by
 * calling the G's {@link GoCode}; when the code returns a reason, the M makes
 * the transition Go makes after {@code mcall} (park_m, gosched_m, newstack,
 * goexit0, exitsyscall0, asyncPreempt2) and schedules again. An M without
 * work parks on its {@link #park} note on the idle-M list (stopm) until
 * startm hands it a P and wakes it.
 *
 * <p>Fields other than those marked volatile are touched only by this M's own
 * thread, or under {@code sched.lock} while the M is idle (nextp, schedlink,
 * spinning), as in Go.
 *
 * <p><b>Thread.</b> {@link #thread} is made with the M and started once, by
 * {@link Sched}'s newm; it runs {@link #mstart} until the runtime exits. Only
 * the runtime (this package) reaches it: to start, park, unpark and join it.
 */
public final class M {
    final Sched rt;
    final long id;
    /** The platform thread this M runs on (Go: the OS thread of the m); it keeps this M. */
    final @NotOnlyInitialized Thread thread;

    /** The G this M is running (Go's curg), null when in the scheduler. */
    volatile @Nullable G curg;
    /** The P this M holds, null when none (idle, in a syscall, stopped). */
    volatile @Nullable P p;
    /** The P handed to this M by startm / startTheWorld before waking it. */
    @Nullable P nextp;
    /** The P held before entering a syscall. */
    @Nullable P oldp;
    /** Looking for work (counted in sched.nmspinning). */
    boolean spinning;
    /** Runtime locks held / allocating / reason preemption is off: canPreemptM is false while set. */
    int locks;
    int mallocing;
    @Nullable String preemptoff;
    /** Sleep/wakeup while idle (Go's m.park). */
    final Note park;
    /** Link in the idle-M list (under sched.lock). */
    @Nullable M schedlink;

    /** Bumped each time this M handles an asynchronous preemption request (Go's preemptGen). */
    volatile int preemptGen;
    /**
     * A preemption "signal" (SIGURG) was sent and not yet handled (see {@link #preemptM}):
     * 0 -> 1 only by a CAS in preemptM (so one signal is in flight at a time, as Go 1.15's
     * {@code m.signalPending}), 1 -> 0 by this M's handler after it bumped preemptGen.
     * {@link Sched#shutdown} forces 1 so the M notices the exit. Access through SIGNAL.
     *
     * <p>Under {@link GoVersion#GO1_14_0} (no {@code m.signalPending}) it counts the
     * signals sent and not yet delivered: preemptM adds one per call, the handler takes
     * one per run ({@link #takeSignal}). A model, not Go: the kernel keeps one pending
     * SIGURG, but a signal sent while the handler runs (SIGURG blocked) is delivered again
     * at sigreturn; counting each send as one handler run is that, for senders that keep
     * sending while the M handles the last one.
     */
    volatile int signalPending;

    /** Bytes the callee whose prologue failed needs (args, return pc, locals): Go's morebuf. */
    int morestackCallBytes;

    /** What park_m must do after the G is waiting (Go's waitunlockf/waitlock). */
    @Nullable Runnable waitunlockf;

    M(Sched rt, long id) {
        this.rt = rt;
        this.id = id;
        this.park = new Note(rt.platform);
        Thread t = new MThread(this);
        t.setDaemon(true);
        this.thread = t;
    }

    /** The thread of an M: it runs the M's {@link #mstart} and maps itself back to its M for {@link #getm}. */
    private static final class MThread extends Thread {
        // The M is still being constructed when it makes its thread; the thread reads it only
        // once started (newm, after the M is complete).
        private final @NotOnlyInitialized M m;

        MThread(@UnderInitialization M m) {
            super("gcsim-M" + m.id);
            this.m = m;
        }

        @Override
        public void run() {
            m.mstart();
        }
    }

    /** This M's id (Go's m.id): M0, M1, ... in creation order. */
    public long id() {
        return id;
    }

    /** Go's {@code getg().m}: the M of the calling thread, or null when not on an M. */
    public static @Nullable M getm() {
        Thread t = Thread.currentThread();
        return t instanceof MThread mt ? mt.m : null;
    }

    /** The G this M runs (null in the scheduler). */
    public @Nullable G curg() {
        return curg;
    }

    /** The P this M holds, or null. */
    public @Nullable P p() {
        return p;
    }

    /** The body of {@link #thread}: enters the platform and schedules until the runtime exits. mp's thread. */
    private void mstart() {
        try {
            rt.platform.enter();
            rt.mstart1(this);
        } catch (Sched.MExit | Baton.Deadlock e) {
            // The runtime is exiting.
        } catch (Throwable t) {
            rt.processExit.fatal(t);
        } finally {
            releaseWaitlock();
            rt.mexited(this);
            rt.platform.leave();
        }
    }

    /**
     * At exit: a G that called gopark may have left its M with park_m still to
     * do (the exit was seen between gopark and park_m): the G is still
     * _Grunning and a channel lock is still held. Go's process simply ends; a
     * JVM hosting many runs must not leak it (every other M that wants the lock
     * would block in lock() for ever, keeping the whole simulated process
     * reachable), so the M finishes park_m here: the G goes _Gwaiting and
     * leaves the M, then the unlock runs. Unlocking before the G waits would let
     * a partner that takes the lock find its sudog and ready a running G ("bad
     * g->status in ready": 1 run in 10 of examples/relay.gcs did). Failures
     * are ignored: the process is dying.
     */
    private void releaseWaitlock() {
        Runnable f = waitunlockf;
        if (f == null) {
            return;
        }
        G gp = curg;
        try {
            if (gp != null && (GStatus.readgstatus(gp) & ~GStatus.G_SCAN) == GStatus.G_RUNNING) {
                // casgstatus waits out a suspender's scan bit, as park_m's does.
                GStatus.casgstatus(gp, GStatus.G_RUNNING, GStatus.G_WAITING);
                Sched.dropg(this);
            }
        } catch (Throwable ignored) {
            // exiting: the unlock below must still run
        }
        waitunlockf = null;
        try {
            f.run();
        } catch (Throwable ignored) {
            // exiting: a ready() in the unlock may find the process gone
        }
    }

    /**
     * Go's {@code preemptM}: "sends a signal" asking this M to preempt its G
     * asynchronously. The interpreter sees the flag at its next instruction
     * boundary (see {@link gcsim.goroutines.mutator.Interp}) and bumps {@link #preemptGen} whether or
     * not it could inject asyncPreempt, as Go's doSigPreempt does.
     */
    void preemptM() {
        if (rt.config.goVersion().signalPending()) {
            // go1.14.1+ (0c0e8f224d): "at most one signal in flight", which the handler clears.
            // if GOOS != "darwin" && atomic.Cas(&mp.signalPending, 0, 1) { signalM(mp, sigPreempt) }
            SIGNAL.compareAndSet(this, 0, 1);
        } else {
            // go1.14.0: signalM(mp, sigPreempt) on every call, whatever is in flight.
            SIGNAL.getAndAdd(this, 1);
        }
    }

    /**
     * Under {@link GoVersion#GO1_14_0}, the delivery of one pending signal to this M (the
     * kernel takes it off the pending set as the handler starts): one fewer in flight.
     * Returns whether another is still pending. This M's thread, in its signal handler.
     */
    boolean takeSignal() {
        for (;;) {
            int n = signalPending;
            if (n <= 0) {
                return false;
            }
            if (SIGNAL.compareAndSet(this, n, n - 1)) {
                return n > 1;
            }
        }
    }

    /** Forces a pending signal (shutdown wakes an M this way, whatever is in flight). */
    void forceSignal() {
        SIGNAL.setVolatile(this, 1);
    }

    @Override
    public String toString() {
        return "m" + id;
    }

    private static final java.lang.invoke.VarHandle SIGNAL;

    static {
        try {
            SIGNAL = java.lang.invoke.MethodHandles.lookup().findVarHandle(M.class, "signalPending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
