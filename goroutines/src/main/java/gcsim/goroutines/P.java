package gcsim.goroutines;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A processor (Go's {@code p}): the right to run Go code. Holds the local run
 * queue (a 256-slot ring plus {@code runnext}), the free-G list and the
 * per-P caches.
 *
 * <p><b>Status</b> (Go's values):
 * <pre>
 *   IDLE    on the idle list or in transition; owned by the list / the transitioner
 *   RUNNING owned by an M; only that M changes it (to IDLE, SYSCALL, GCSTOP)
 *   SYSCALL M in a syscall; may be retaken by CAS (sysmon, stopTheWorld, exitsyscall)
 *   GCSTOP  halted for stop-the-world
 * </pre>
 *
 * <p><b>Run queue.</b> Single producer (the owner M), many consumers (the owner
 * and stealers), as in Go: {@code runqtail} is written only by the owner with
 * a release store; {@code runqhead} is advanced by CAS with release;
 * {@code runnext} by CAS.
 */
public final class P {
    public static final int P_IDLE = 0;
    public static final int P_RUNNING = 1;
    public static final int P_SYSCALL = 2;
    public static final int P_GCSTOP = 3;
    public static final int P_DEAD = 4;

    static final int RUNQ_SIZE = 256;

    // The Sched is still being constructed when it makes its Ps; a P reads it only once the
    // runtime runs.
    final @NotOnlyInitialized Sched rt;
    final int id;
    /** See the class comment. Access through STATUS. */
    @SuppressWarnings("unused")
    private volatile int status;
    /** Link in the idle-P list (under sched.lock). */
    @Nullable P link;
    /** The M that owns this P (back-link), null when idle. */
    volatile @Nullable M m;

    @SuppressWarnings("unused")
    private volatile int runqhead;
    @SuppressWarnings("unused")
    private volatile int runqtail;
    private final G[] runq = new G[RUNQ_SIZE];
    @SuppressWarnings("unused")
    private volatile @Nullable G runnext;

    /** Free Gs with status _Gdead (Go's gFree), owned by this P's M. */
    @Nullable G gFreeHead;
    int gFreeN;

    /** Incremented on every scheduler call / syscall (sysmon compares them). */
    volatile int schedtick;
    volatile int syscalltick;
    /** sysmon's last observations (Go's sysmontick), touched only by sysmon. */
    int sysmonSchedtick;
    long sysmonSchedwhen;
    int sysmonSyscalltick;
    long sysmonSyscallwhen;
    /** Whether the last {@link #runqget} came from runnext (Go's inheritTime result). Owner only. */
    boolean inheritTime;
    /** Preempt this P's G at the next safe point; cleared by schedule. */
    volatile boolean preempt;
    /**
     * Go's p.runSafePointFn: 1 while {@link ForEachP} waits for this P to run the safe-point
     * function; set by the forEachP caller, cleared by a CAS 1 -> 0 by whoever runs the function
     * for this P (its M at a safe point, or the caller / handoffp for an idle or syscall P), so
     * it runs exactly once. Access through SAFE_POINT_FN.
     */
    @SuppressWarnings("unused")
    private volatile int runSafePointFn;

    P(@UnderInitialization Sched rt, int id) {
        this.rt = rt;
        this.id = id;
    }

    public int id() {
        return id;
    }

    public int status() {
        return (int) STATUS.getVolatile(this);
    }

    void setStatus(int s) {
        STATUS.setVolatile(this, s);
    }

    boolean casStatus(int old, int nw) {
        return STATUS.compareAndSet(this, old, nw);
    }

    /** Go's {@code p.runSafePointFn != 0} (an atomic load). Any thread. */
    boolean wantsSafePointFn() {
        return (int) SAFE_POINT_FN.getVolatile(this) != 0;
    }

    /** Go's {@code atomic.Store(&p.runSafePointFn, v)}. The forEachP caller (or a test fault). */
    void setRunSafePointFn(int v) {
        SAFE_POINT_FN.setVolatile(this, v);
    }

    /** Go's {@code atomic.Cas(&p.runSafePointFn, 1, 0)}: true for the one caller that runs the function for this P. */
    boolean claimSafePointFn() {
        return SAFE_POINT_FN.compareAndSet(this, 1, 0);
    }

    // ---- local run queue (proc.go runqput/runqget/runqgrab/runqsteal) ----

    /** Go's runqsize as schedtrace prints it: tail - head (racy; runnext not counted, as in Go). Any thread. */
    int runqlen() {
        return (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this);
    }

    /** Go's runqempty: no G in runq or runnext. Any thread. */
    boolean runqempty() {
        // Go rereads head/tail/runnext until tail is stable, to avoid a false
        // "empty" while a G moves from runnext to the queue.
        for (;;) {
            int head = (int) HEAD.getAcquire(this);
            int tail = (int) TAIL.getAcquire(this);
            G next = (G) NEXT.getAcquire(this);
            if ((int) TAIL.getAcquire(this) == tail) {
                return head == tail && next == null;
            }
        }
    }

    /**
     * Go's runqput: puts gp on the local run queue; with next, in runnext,
     * kicking the old runnext to the tail. Full queue: half of it goes to the
     * global queue (runqputslow). Owner M only.
     */
    void runqput(G gp, boolean next) {
        if (next) {
            G oldnext;
            do {
                oldnext = (G) NEXT.getVolatile(this);
            } while (!NEXT.compareAndSet(this, oldnext, gp));
            if (oldnext == null) {
                return;
            }
            gp = oldnext;
        }
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t - h < RUNQ_SIZE) {
                runq[t & (RUNQ_SIZE - 1)] = gp;
                TAIL.setRelease(this, t + 1);
                return;
            }
            if (runqputslow(gp, h, t)) {
                return;
            }
        }
    }

    /** Go's runqputslow: moves gp and half the local queue to the global queue. Owner only. */
    private boolean runqputslow(G gp, int h, int t) {
        int n = (t - h) / 2;
        if (n != RUNQ_SIZE / 2) {
            throw Throw.fatal("runqputslow: queue is not full");
        }
        G[] batch = new G[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = runq[(h + i) & (RUNQ_SIZE - 1)];
        }
        if (!HEAD.compareAndSet(this, h, h + n)) {
            return false;
        }
        batch[n] = gp;
        rt.globrunq.globrunqputbatch(batch);
        return true;
    }

    /** Go's runqget: runnext first (inheritTime), then the head. Owner only. Null when empty. */
    @SuppressWarnings("nullness") // null is runnext's "empty"; VarHandle's signature is polymorphic
    @Nullable G runqget() {
        for (;;) {
            G next = (G) NEXT.getVolatile(this);
            if (next == null) {
                break;
            }
            if (NEXT.compareAndSet(this, next, null)) {
                inheritTime = true;
                return next;
            }
        }
        inheritTime = false;
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t == h) {
                return null;
            }
            G gp = runq[h & (RUNQ_SIZE - 1)];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return gp;
            }
        }
    }

    /**
     * Go's runqgrab: takes half of this P's queue (or its runnext when
     * stealRunNextG and the queue is empty) into batch starting at batchHead.
     * Called by a stealer.
     */
    @SuppressWarnings("nullness") // null is runnext's "empty"; VarHandle's signature is polymorphic
    private int runqgrab(G[] batch, int batchHead, boolean stealRunNextG) {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunNextG) {
                    G next = (G) NEXT.getVolatile(this);
                    if (next != null) {
                        if (status() == P_RUNNING) {
                            // Go usleep(3)s here so the owner can schedule runnext itself.
                            rt.platform.onSpinWait();
                        }
                        if (!NEXT.compareAndSet(this, next, null)) {
                            continue;
                        }
                        batch[batchHead & (RUNQ_SIZE - 1)] = next;
                        return 1;
                    }
                }
                return 0;
            }
            if (n > RUNQ_SIZE / 2) { // read inconsistent h and t
                continue;
            }
            for (int i = 0; i < n; i++) {
                batch[(batchHead + i) & (RUNQ_SIZE - 1)] = runq[(h + i) & (RUNQ_SIZE - 1)];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                return n;
            }
        }
    }

    /** Go's runqsteal: steals half of p2's Gs into this P's queue and returns one. Owner of this P. */
    @Nullable G runqsteal(P p2, boolean stealRunNextG) {
        int t = (int) TAIL.getOpaque(this);
        int n = p2.runqgrab(runq, t, stealRunNextG);
        if (n == 0) {
            return null;
        }
        n--;
        G gp = runq[(t + n) & (RUNQ_SIZE - 1)];
        if (n == 0) {
            return gp;
        }
        int h = (int) HEAD.getAcquire(this);
        if (t - h + n >= RUNQ_SIZE) {
            throw Throw.fatal("runqsteal: runq overflow");
        }
        TAIL.setRelease(this, t + n);
        return gp;
    }

    /** Number of Gs in the local queue plus runnext (approximate under concurrency). */
    int runqsize() {
        int n = (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this);
        return n + (NEXT.getAcquire(this) != null ? 1 : 0);
    }

    @Override
    public String toString() {
        return "p" + id;
    }

    private static final VarHandle STATUS;
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;
    private static final VarHandle SAFE_POINT_FN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATUS = l.findVarHandle(P.class, "status", int.class);
            HEAD = l.findVarHandle(P.class, "runqhead", int.class);
            TAIL = l.findVarHandle(P.class, "runqtail", int.class);
            NEXT = l.findVarHandle(P.class, "runnext", G.class);
            SAFE_POINT_FN = l.findVarHandle(P.class, "runSafePointFn", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
