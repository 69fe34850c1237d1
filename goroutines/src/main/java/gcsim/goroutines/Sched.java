package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_IDLE;
import static gcsim.goroutines.GStatus.G_PREEMPTED;
import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_SYSCALL;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.casgstatus;
import static gcsim.goroutines.GStatus.readgstatus;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;

import gcsim.goroutines.internal.GcGoroutine;
import gcsim.goroutines.internal.GcSupport;
import gcsim.heap.GoThrow;
import gcsim.stacks.FuncTab;
import gcsim.stacks.Growth;
import gcsim.stacks.Stack;
import gcsim.stacks.StackAllocator;
import gcsim.stacks.StackCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The scheduler (Go's {@code schedt} {@code sched}, {@code allgs}, {@code allp},
 * {@code allm}, and the functions of proc.go) for one simulated Go process.
 *
 * <p><b>Threads.</b> Ms are Java platform threads running {@link #mstart1};
 * GOMAXPROCS Ps; Gs are data. Idle Ms park on their note; idle Ps sit on
 * {@code pidle}. A thread that is not an M (a test, a GC worker thread of
 * gc-mark) may call {@link #newproc}, {@link Suspension#suspendG},
 * {@link Suspension#resumeG}, {@link #ready}, {@link #stopTheWorld} and the
 * inspection methods; such an "external" caller counts as a running M for
 * {@link Liveness#checkdead} while it holds a G or the world (see
 * {@link Liveness#enterExternal}), because in Go that caller would itself be an M.
 *
 * <p><b>Parts.</b> This class is the scheduler core: lifecycle, G creation,
 * the global run queue, Ms and Ps, schedule / findrunnable / execute, the mcall
 * continuations and ready. Each other concern is a class of this package that
 * owns its state and says in its header who calls it on which thread:
 * {@link StopTheWorld} ({@link #stw}), {@link Sysmon} ({@link #sysmon}),
 * {@link Timers} ({@link #timers}), {@link GFree} ({@link #gfree}),
 * {@link Liveness} ({@link #liveness}) and {@link Syscalls} ({@link #syscalls}).
 * Go keeps all of them in proc.go.
 *
 * <p><b>Locks.</b> {@code lock} is Go's {@code sched.lock}: it guards the
 * idle lists, the global run queue, the global free-G lists (in
 * {@link GFree}), {@code stopwait} (in {@link StopTheWorld}), the external
 * count (in {@link Liveness}) and the M count. {@code allglock} guards
 * {@code allgs}. Lock order: channel locks → sched.lock → allglock;
 * timersLock (in {@link Timers}) is a leaf.
 *
 * <p><b>Exit.</b> The process ends when the main goroutine returns
 * ({@link #exitCode} 0) or on a throw ({@link #fatal}); {@link #awaitExit}
 * waits for either.
 */
public final class Sched {
    /** Go's sched.maxmcount. */
    static final int MAX_MCOUNT = 10000;
    /** Go's freezeStopWait. */
    static final int FREEZE_STOP_WAIT = 0x7fffffff;

    final SchedConfig config;
    final int gomaxprocs;
    /** Where every scheduling point goes: the JDK, or a deterministic baton (see {@link Platform}). */
    final Platform platform;
    final StackAllocator stackAllocator;
    private final FuncTab functab;
    private final Growth growth;

    /** When this process was made (Go's runtimeInitTime), for schedtrace's clock. */
    private final long startNanos = System.nanoTime();

    final ReentrantLock lock = new ReentrantLock();
    // ---- guarded by lock ----
    private @Nullable M midle;
    int nmidle;
    private long mnext;
    int mcount;
    private @Nullable P pidle;
    private @Nullable G runqHead;
    private @Nullable G runqTail;
    private volatile int runqsize;
    private final List<M> allm = new ArrayList<>();
    // ---- atomics ----
    final AtomicInteger npidle = new AtomicInteger();
    final AtomicInteger nmspinning = new AtomicInteger();
    private final AtomicLong goidgen = new AtomicLong();
    /** Stop-the-world: worldsema, stopwait (guarded by lock), gcwaiting, stopnote. */
    final StopTheWorld stw;

    final P[] allp;
    /** The global free lists of dead Gs (guarded by lock); each P keeps its own local list. */
    final GFree gfree;
    private final Object allglock = new Object();
    private G[] allgs = new G[64];
    private volatile int allglen;

    /** checkdead and the count of external callers (guarded by lock). */
    final Liveness liveness;
    /** System calls: entersyscall, exitsyscall and their helpers (no state of their own). */
    final Syscalls syscalls;
    /** Timers of sleeping Gs (a global heap instead of Go's per-P heaps) and the M polling for them. */
    final Timers timers;

    // ---- lifecycle ----
    volatile boolean exiting;
    private volatile @Nullable Throwable fatal;
    /** The goroutine whose M threw {@link #fatal} (dopanic_m's gp), null when it was not thrown on an M. */
    private volatile @Nullable G fatalG;
    private volatile int exitCode = -1;
    private final CountDownLatch exited = new CountDownLatch(1);
    volatile boolean mainStarted;
    /** sysmon (retake, overdue timers): its own thread when config.sysmon(). */
    final Sysmon sysmon;

    /** Statistics. */
    final AtomicLong goroutinesCreated = new AtomicLong();
    final AtomicLong goroutinesExited = new AtomicLong();
    final AtomicLong stackGrowths = new AtomicLong();
    final AtomicLong stackShrinks = new AtomicLong();
    final AtomicLong preemptionsCooperative = new AtomicLong();
    final AtomicLong preemptionsAsync = new AtomicLong();
    /** How suspendG callers waited (spin vs park); see {@link SuspendWaitCounters}. */
    final SuspendWaitCounters suspendWaitCounters = new SuspendWaitCounters();

    /**
     * The runtime event listener ({@link RuntimeEvents#NONE} by default). Written
     * only by {@link #setRuntimeEvents} before {@link #start} (thread start
     * publishes it to the Ms), so a plain field: hook sites pay a load and a compare.
     */
    RuntimeEvents events = RuntimeEvents.NONE;

    /** The collector's view of this runtime (GC-only operations; see {@link GcSupport}). */
    private final GcSupport gcSupport;

    /** Hooks gc-mark installs (allocation), or null. */
    volatile @Nullable GcHooks gcHooks;
    /** Whether {@link #gcHooks} wants {@link GcHooks#atSafePoint} calls (stress mode); set with it. */
    volatile boolean gcSafePointHook;

    // ---- test seams: per runtime, null in production (tests only; never static) ----
    /**
     * Test seam for fault injection, read by {@link Suspension}'s suspendG loop
     * (one volatile read per wait): called by a suspendG caller each time it
     * must wait, with the status it saw (after it posted a preemption request
     * for a running G). A test blocks the suspender here on a latch while the G
     * exits, grows its stack or enters a syscall. Set with
     * {@link #setSuspendWaitHookForTest}.
     */
    volatile java.util.function.@Nullable ObjIntConsumer<G> suspendWaitHookForTest;
    /**
     * Test seam for fault injection, read by {@link GoroutineStacks#newstack} (one
     * volatile read per stack growth): called on the G's M once gp is
     * _Gcopystack, before the copy. Set with {@link #setCopystackHookForTest}.
     */
    volatile java.util.function.@Nullable Consumer<G> copystackHookForTest;

    /** Creates a runtime with its own stacks and function table. Nothing runs until {@link #start}. */
    public Sched(SchedConfig config) {
        this(config, new StackAllocator(config.gomaxprocs()), new FuncTab());
    }

    /** Creates a runtime sharing the given stack allocator and function table. */
    public Sched(SchedConfig config, StackAllocator stackAllocator, FuncTab functab) {
        this(config, stackAllocator, functab, Platform.REAL);
    }

    /** Creates a runtime on {@code platform} (see {@link Platform#deterministic}), with its own stacks and function table. */
    public Sched(SchedConfig config, Platform platform) {
        this(config, new StackAllocator(config.gomaxprocs()), new FuncTab(), platform);
    }

    /** Creates a runtime sharing the given stack allocator and function table, on {@code platform}. */
    // The parts (StopTheWorld ... Sysmon) only store this; they read the Sched after construction,
    // which the Nullness Checker's initialization rules cannot see. javac still checks that every
    // final field is assigned.
    @SuppressWarnings("nullness") // initialization: see above
    public Sched(SchedConfig config, StackAllocator stackAllocator, FuncTab functab, Platform platform) {
        this.config = config;
        this.platform = platform;
        this.stw = new StopTheWorld(this);
        this.gfree = new GFree(this);
        this.liveness = new Liveness(this);
        this.syscalls = new Syscalls(this);
        this.timers = new Timers(this);
        this.sysmon = new Sysmon(this);
        this.gcSupport = new GcViews.Runtime(this);
        this.gomaxprocs = config.gomaxprocs();
        this.stackAllocator = stackAllocator;
        this.functab = functab;
        this.growth = new Growth(stackAllocator, functab);
        growth.setMaxStack(config.maxStackSize());
        this.allp = new P[gomaxprocs];
        for (int i = 0; i < gomaxprocs; i++) {
            allp[i] = new P(this, i);
        }
        // All Ps start idle (procresize); the main G wakes one.
        for (int i = gomaxprocs - 1; i >= 0; i--) {
            pidleput(allp[i]);
        }
    }

    /**
     * The collector's view of this runtime: the operations only the garbage collector may
     * use. Any thread. Its type is in {@code gcsim.goroutines.internal}, which the module
     * exports to gc-mark alone: other modules cannot use what they get.
     */
    public GcSupport gcSupport() {
        return gcSupport;
    }

    public StackAllocator stackAllocator() {
        return stackAllocator;
    }

    /** The stack growth/copy machinery (stacks module) used by newstack and shrinkstack. */
    public Growth growth() {
        return growth;
    }

    public FuncTab functab() {
        return functab;
    }

    public SchedConfig config() {
        return config;
    }

    /**
     * Whether {@code piece} is broken on purpose in this run ({@code --break});
     * false in every normal run. Any thread; one final-field read.
     */
    public boolean broken(ProtocolPiece piece) {
        return config.broken().contains(piece);
    }

    /** The platform every scheduling point of this runtime goes through. */
    public Platform platform() {
        return platform;
    }

    /**
     * Installs the runtime event listener. The creating thread, before
     * {@link #start} and before any other thread uses this runtime.
     */
    public void setRuntimeEvents(RuntimeEvents ev) {
        events = ev;
    }

    /** The runtime event listener ({@link RuntimeEvents#NONE} when none); gc-mark reports GC phases to it. */
    public RuntimeEvents runtimeEvents() {
        return events;
    }

    /** Installs (or removes) gc-mark's hooks. Any thread. */
    public void setGcHooks(@Nullable GcHooks hooks) {
        gcSafePointHook = false;
        gcHooks = hooks;
        gcSafePointHook = hooks != null && hooks.wantsSafePoints();
    }

    /**
     * Tests only: installs (null removes) this runtime's suspendG wait seam
     * ({@link #suspendWaitHookForTest}). The test thread, any time; it affects
     * no other runtime.
     */
    void setSuspendWaitHookForTest(java.util.function.@Nullable ObjIntConsumer<G> hook) {
        suspendWaitHookForTest = hook;
    }

    /**
     * Tests only: installs (null removes) this runtime's newstack seam
     * ({@link #copystackHookForTest}). The test thread, any time; it affects no
     * other runtime.
     */
    void setCopystackHookForTest(java.util.function.@Nullable Consumer<G> hook) {
        copystackHookForTest = hook;
    }

    /**
     * Tests only: installs (null removes) this runtime's retake seam
     * ({@link Sysmon#retakeHookForTest}). The test thread, any time; it affects no
     * other runtime.
     */
    void setRetakeHookForTest(@Nullable Runnable hook) {
        sysmon.retakeHookForTest = hook;
    }

    // =====================================================================
    // Lifecycle
    // =====================================================================

    /**
     * Starts the process: creates the main goroutine running {@code main}
     * (with {@code init} run on it while it is still dead, see
     * {@link #newproc}), starts sysmon if configured and an M to run it.
     * Call once, from any non-M thread.
     */
    public G start(GoCode main, @Nullable GInit init) {
        G gp = newproc(main, init);
        gp.isMain = true;
        mainStarted = true;
        if (config.sysmon()) {
            sysmon.start();
        }
        wakep();
        return gp;
    }

    /**
     * Waits until the process exits. Returns the exit code (0 when main
     * returned) or throws the fatal error (a {@link GoThrow} such as
     * "all goroutines are asleep - deadlock!"). Returns -1 on timeout
     * (the process keeps running; call {@link #shutdown}).
     */
    public int awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        if (!exited.await(timeout, unit)) {
            return -1;
        }
        Throwable t = fatal;
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        return exitCode;
    }

    /** The fatal error that ended the process, if any. */
    public @Nullable Throwable fatalError() {
        return fatal;
    }

    /** Whether the process has exited (main returned, a throw, or shutdown). */
    public boolean hasExited() {
        return exited.getCount() == 0;
    }

    /** Go's exit(code): ends the process. Any thread. */
    void exit(int code) {
        if (exitCode == -1) {
            exitCode = code;
        }
        shutdown();
    }

    /**
     * The goroutine that was running on the M that threw the {@link #fatalError()}, for Go's
     * fatal-error traceback (dopanic_m prints it first); null when the throw came from a thread
     * that is not an M (a mark worker, the collector, an external caller) or nothing threw.
     */
    public @Nullable G fatalGoroutine() {
        return fatal == null ? null : fatalG;
    }

    /** Records a throw: the first one wins and the process ends. Any thread. */
    void fatal(Throwable t) {
        synchronized (exited) { // the throw and its goroutine go together
            if (fatal == null && !hasExitedNormally()) {
                M mp = M.getm();
                fatalG = mp == null ? null : mp.curg;
                fatal = Throw.translated(t); // shrinkstack's copystack and the unwinder throw stacks' GoThrow
            }
        }
        shutdown();
    }

    private boolean hasExitedNormally() {
        return exitCode != -1;
    }

    /** Stops every M (they exit at their next scheduling point or instruction boundary). */
    public void shutdown() {
        exiting = true;
        exited.countDown();
        List<M> ms;
        platform.lock(lock);
        try {
            ms = new ArrayList<>(allm);
        } finally {
            lock.unlock();
        }
        for (M mp : ms) {
            mp.forceSignal();
            platform.unpark(mp.thread);
        }
        Thread t = timers.poller;
        if (t != null) {
            platform.unpark(t);
        }
        Thread s = sysmon.thread;
        if (s != null) {
            platform.unpark(s);
        }
    }

    /** Waits (bounded) until every M thread has ended after an exit. For tests. */
    public boolean joinMs(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (M mp : allMs()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            mp.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (mp.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Control-flow signal: the runtime is exiting, unwind the M. */
    static final class MExit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MExit() {
            super(null, null, false, false);
        }
    }

    private static final MExit MEXIT = new MExit();

    void checkExiting() {
        if (exiting) {
            throw MEXIT;
        }
    }

    void mexited(M mp) {
        // Nothing to free: the thread ends. Kept for symmetry with Go's mexit.
    }

    // =====================================================================
    // G creation (newproc1, malg, allgadd); reuse (gfput, gfget) is GFree
    // =====================================================================

    /**
     * Go's {@code newproc}: creates a goroutine running {@code code} and puts
     * it on the caller's P's run queue (runnext), or the global queue when
     * the caller has no P. {@code init} runs first, while the G is still
     * _Gdead and owned by the caller, to lay out its first frame. Any thread.
     */
    public G newproc(GoCode code, @Nullable GInit init) {
        M mp = M.getm();
        P pp = mp == null ? null : mp.p;
        G newg = pp != null ? gfree.gfget(pp) : gfree.gfgetGlobal();
        if (newg == null) {
            newg = malg(FIXED_STACK);
            casgstatus(newg, G_IDLE, G_DEAD);
            allgadd(newg); // publishes with status _Gdead so the GC does not look at the stack
        }
        if (newg.stackHi == 0) {
            throw Throw.fatal("newproc1: newg missing stack");
        }
        if (readgstatus(newg) != G_DEAD) {
            throw Throw.fatal("newproc1: new g is not Gdead");
        }
        newg.code = code;
        newg.sp = newg.stackHi;
        newg.pc = 0;
        newg.waitsince = 0;
        newg.isMain = false;
        if (init != null) {
            init.init(newg);
        }
        casgstatus(newg, G_DEAD, G_RUNNABLE);
        newg.goid = goidgen.incrementAndGet();
        goroutinesCreated.incrementAndGet();
        if (events != RuntimeEvents.NONE) {
            events.goroutineCreated(newg);
        }
        if (pp == null) {
            // Deliberate: Go's caller always has a P. Without one, inject the G.
            if (mainStarted) {
                injectglist(newg);
            } else {
                globrunqputLocked(newg);
            }
            return newg;
        }
        pp.runqput(newg, true);
        if (npidle.get() != 0 && nmspinning.get() == 0 && mainStarted) {
            wakep();
        }
        return newg;
    }

    /**
     * The stack cache of the calling M's P (Go's mcache.stackcache), or null
     * (the global pools) for a caller without a P.
     */
    @Nullable StackCache stackcache() {
        M mp = M.getm();
        P pp = mp == null ? null : mp.p;
        return pp == null || pp.id >= stackAllocator.procs() ? null : stackAllocator.stackcache(pp.id);
    }

    /** Go's malg: a new G with a stack of the given size, status _Gidle. */
    G malg(int stacksize) {
        G newg = new G(this);
        Stack s = stackAllocator.stackalloc(stackcache(), stacksize);
        newg.setStack(s);
        newg.stackguard0 = newg.stackLo + STACK_GUARD;
        newg.initStatus(G_IDLE);
        return newg;
    }

    @SuppressWarnings("nullness") // allgs[0, allglen) are non-null; the tail is spare capacity
    private void allgadd(G gp) {
        if (readgstatus(gp) == G_IDLE) {
            throw Throw.fatal("allgadd: bad status Gidle");
        }
        synchronized (allglock) {
            int n = allglen;
            if (n == allgs.length) {
                allgs = Arrays.copyOf(allgs, n * 2);
            }
            allgs[n] = gp;
            allglen = n + 1;
        }
    }

    /** A snapshot of every G ever created (Go's allgs), in creation order. Any thread. */
    @SuppressWarnings("nullness") // allgs[0, allglen) are non-null
    public G[] allgs() {
        synchronized (allglock) {
            return Arrays.copyOf(allgs, allglen);
        }
    }

    // =====================================================================
    // Global run queue (under lock)
    // =====================================================================

    /** Go's globrunqput: puts gp at the tail of the global queue. Caller holds lock. */
    void globrunqput(G gp) {
        gp.schedlink = null;
        G tail = runqTail;
        if (tail != null) {
            tail.schedlink = gp;
        } else {
            runqHead = gp;
        }
        runqTail = gp;
        runqsize++;
    }

    /** globrunqput taking sched.lock itself. */
    private void globrunqputLocked(G gp) {
        platform.lock(lock);
        try {
            globrunqput(gp);
        } finally {
            lock.unlock();
        }
    }

    /** Go's globrunqputbatch, taking the lock itself (runqputslow). */
    void globrunqputbatch(G[] batch) {
        platform.lock(lock);
        try {
            for (G gp : batch) {
                globrunqput(gp);
            }
        } finally {
            lock.unlock();
        }
    }

    private @Nullable G globrunqpop() {
        G gp = runqHead;
        if (gp != null) {
            runqHead = gp.schedlink;
            if (runqHead == null) {
                runqTail = null;
            }
            gp.schedlink = null;
            runqsize--;
        }
        return gp;
    }

    /** Go's globrunqget: takes a fair share of the global queue into pp; returns one G. Holds lock. */
    @Nullable G globrunqget(P pp, int max) {
        int size = runqsize;
        if (size == 0) {
            return null;
        }
        int n = size / gomaxprocs + 1;
        if (n > size) {
            n = size;
        }
        if (max > 0 && n > max) {
            n = max;
        }
        if (n > P.RUNQ_SIZE / 2) {
            n = P.RUNQ_SIZE / 2;
        }
        G gp = globrunqpop();
        n--;
        for (; n > 0; n--) {
            G gp1 = globrunqpop();
            if (gp1 == null) {
                break;
            }
            pp.runqput(gp1, false);
        }
        return gp;
    }

    /**
     * Reliability check for tests and soaks: every G is accounted for. None
     * holds the scan bit and the live ones (not dead) are exactly those created
     * and not exited. Returns null when so, else what is wrong. The caller has
     * stopped the world and no suspender (mark worker) is at work.
     */
    public @Nullable String unaccountedGs() {
        long live = 0;
        for (G gp : allgs()) {
            int s = readgstatus(gp);
            if ((s & G_SCAN) != 0) {
                return gp + " left with the scan bit (status " + Integer.toHexString(s) + ")";
            }
            if (s != G_DEAD) {
                live++;
            }
        }
        long expected = goroutinesCreated.get() - goroutinesExited.get();
        return live == expected ? null : live + " live Gs, but created - exited = " + expected;
    }

    /** Global run queue length (racy read). */
    public int globalRunqSize() {
        return runqsize;
    }

    // =====================================================================
    // Ms and Ps: startm, stopm, wakep, handoffp, acquirep, releasep
    // =====================================================================

    /** Go's newm: a new M thread that will start with P pp. */
    void newm(boolean spinning, @Nullable P pp) {
        M mp;
        platform.lock(lock);
        try {
            checkExiting();
            mp = new M(this, mnext++);
            mcount++;
            if (mcount > MAX_MCOUNT) {
                throw Throw.fatal("runtime: program exceeds " + MAX_MCOUNT + "-thread limit", "thread exhaustion");
            }
            allm.add(mp);
        } finally {
            lock.unlock();
        }
        mp.nextp = pp;
        mp.spinning = spinning;
        platform.adopt(mp.thread);
        mp.thread.start();
    }

    /** All Ms created so far. Any thread. */
    public List<M> allMs() {
        platform.lock(lock);
        try {
            return new ArrayList<>(allm);
        } finally {
            lock.unlock();
        }
    }

    /** The Ps (length GOMAXPROCS). */
    public P[] allp() {
        return allp.clone();
    }

    /** M thread entry (Go's mstart1): acquire the handed P and schedule for ever. */
    void mstart1(M mp) {
        P pp = mp.nextp;
        if (pp != null) {
            acquirep(mp, pp);
            mp.nextp = null;
        }
        for (;;) {
            checkExiting();
            schedule(mp);
        }
    }

    /** Go's stopm: parks mp on the idle list until startm hands it a P. mp's thread only. */
    void stopm(M mp) {
        if (mp.locks != 0) {
            throw Throw.fatal("stopm holding locks");
        }
        if (mp.p != null) {
            throw Throw.fatal("stopm holding p");
        }
        if (mp.spinning) {
            throw Throw.fatal("stopm spinning");
        }
        platform.lock(lock);
        try {
            checkExiting();
            mput(mp);
        } finally {
            lock.unlock();
        }
        while (!mp.park.signalled()) {
            checkExiting();
            platform.park(mp.park);
        }
        mp.park.clear();
        checkExiting();
        P pp = mp.nextp;
        if (pp == null) {
            throw Throw.fatal("stopm: woken without p");
        }
        acquirep(mp, pp);
        mp.nextp = null;
    }

    /** Go's mput: mp to the idle list, then checkdead. Holds lock. */
    private void mput(M mp) {
        mp.schedlink = midle;
        midle = mp;
        nmidle++;
        liveness.checkdead();
    }

    /** Go's mget. Holds lock. */
    @Nullable M mget() {
        M mp = midle;
        if (mp != null) {
            midle = mp.schedlink;
            mp.schedlink = null;
            nmidle--;
        }
        return mp;
    }

    /** Go's pidleput. Holds lock (or during construction). */
    void pidleput(P pp) {
        if (!pp.runqempty()) {
            throw Throw.fatal("pidleput: P has non-empty run queue");
        }
        pp.setStatus(P.P_IDLE);
        pp.link = pidle;
        pidle = pp;
        npidle.incrementAndGet();
    }

    /** pidleget taking sched.lock itself. */
    @Nullable P pidlegetLocked() {
        platform.lock(lock);
        try {
            return pidleget();
        } finally {
            lock.unlock();
        }
    }

    /** Go's pidleget. Holds lock. */
    @Nullable P pidleget() {
        P pp = pidle;
        if (pp != null) {
            pidle = pp.link;
            pp.link = null;
            npidle.decrementAndGet();
        }
        return pp;
    }

    /**
     * Test seam for the model-checking tests, which drive Gs on plain threads
     * without Ms: takes the first idle P off {@code pidle} (so a ready from a
     * caller without a P queues the G and starts no M once all are taken).
     * Any thread, before the process is started.
     */
    @Nullable P pidlegetForTest() {
        return pidlegetLocked();
    }

    /**
     * Go's startm: schedules some M to run pp (an idle P when null). With
     * spinning, the caller incremented nmspinning and the M starts spinning.
     */
    void startm(@Nullable P pp, boolean spinning) {
        M mp;
        platform.lock(lock);
        try {
            if (pp == null) {
                pp = pidleget();
                if (pp == null) {
                    if (spinning && nmspinning.decrementAndGet() < 0) {
                        throw Throw.fatal("startm: negative nmspinning");
                    }
                    return;
                }
            }
            mp = mget();
        } finally {
            lock.unlock();
        }
        if (mp == null) {
            newm(spinning, pp);
            return;
        }
        if (mp.spinning) {
            throw Throw.fatal("startm: m is spinning");
        }
        if (mp.nextp != null) {
            throw Throw.fatal("startm: m has p");
        }
        if (spinning && !pp.runqempty()) {
            throw Throw.fatal("startm: p has runnable gs");
        }
        mp.spinning = spinning;
        mp.nextp = pp;
        mp.park.wakeup();
        platform.unpark(mp.thread);
    }

    /** Go's wakep: tries to add one more spinning M if none is spinning. Any thread. */
    void wakep() {
        if (!nmspinning.compareAndSet(0, 1)) {
            return;
        }
        startm(null, true);
    }

    /** Go's handoffp: hands off pp from a syscall or a stopping M. */
    void handoffp(P pp) {
        // if it has local work, start it straight away
        if (!pp.runqempty() || runqsize != 0) {
            startm(pp, false);
            return;
        }
        // no local work, check that there are no spinning/idle M's,
        // otherwise our help is not required
        if (nmspinning.get() + npidle.get() == 0 && nmspinning.compareAndSet(0, 1)) {
            startm(pp, true);
            return;
        }
        boolean start;
        platform.lock(lock);
        try {
            if (stw.gcwaiting) {
                pp.setStatus(P.P_GCSTOP);
                if (--stw.stopwait == 0) {
                    stw.stopnote.wakeup();
                }
                return;
            }
            start = runqsize != 0;
            if (!start) {
                pidleput(pp);
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            startm(pp, false);
        }
    }

    /** Go's acquirep/wirep: associates pp with mp. mp's thread. */
    void acquirep(M mp, P pp) {
        if (mp.p != null) {
            throw Throw.fatal("wirep: already in go");
        }
        if (pp.m != null || pp.status() != P.P_IDLE) {
            throw Throw.fatal("runtime: wirep: p->m=" + pp.m + " p->status=" + pp.status(), "wirep: invalid p state");
        }
        mp.p = pp;
        pp.m = mp;
        pp.setStatus(P.P_RUNNING);
    }

    /** Go's releasep: disassociates mp's P. mp's thread. */
    P releasep(M mp) {
        P pp = mp.p;
        if (pp == null) {
            throw Throw.fatal("releasep: invalid arg");
        }
        if (pp.m != mp || pp.status() != P.P_RUNNING) {
            throw Throw.fatal("runtime: releasep: m=" + mp + " m->p=" + pp + " p->m=" + pp.m
                    + " p->status=" + pp.status(), "releasep: invalid p state");
        }
        mp.p = null;
        pp.m = null;
        pp.setStatus(P.P_IDLE);
        return pp;
    }

    // =====================================================================
    // schedule, findrunnable, execute
    // =====================================================================

    /** One round of the scheduler: find a runnable G and run it until it leaves the M. */
    void schedule(M mp) {
        if (mp.locks != 0) {
            throw Throw.fatal("schedule: holding locks");
        }
        G gp;
        boolean inheritTime = false;
        for (;;) {
            checkExiting();
            P pp = mustP(mp);
            pp.preempt = false;
            if (stw.gcwaiting) {
                stw.gcstopm(mp);
                continue;
            }
            if (mp.spinning && !pp.runqempty()) {
                throw Throw.fatal("schedule: spinning with local work");
            }
            timers.checkTimers(pp);
            gp = null;
            // Check the global runnable queue once in a while to ensure fairness.
            if (pp.schedtick % 61 == 0 && runqsize > 0) {
                platform.lock(lock);
                try {
                    gp = globrunqget(pp, 1);
                } finally {
                    lock.unlock();
                }
            }
            if (gp == null) {
                gp = pp.runqget();
                inheritTime = pp.inheritTime;
            }
            if (gp == null) {
                gp = findrunnable(mp); // blocks until work is available
                inheritTime = false;
                if (gp == null) {
                    continue; // gcwaiting or exit: start over
                }
            }
            break;
        }
        if (mp.spinning) {
            resetspinning(mp);
        }
        execute(mp, gp, inheritTime);
        run(mp, gp);
    }

    static P mustP(M mp) {
        P pp = mp.p;
        if (pp == null) {
            throw Throw.fatal("schedule: m has no p");
        }
        return pp;
    }

    /**
     * Go's execute: schedules gp to run on mp. gp is runnable (taken from a
     * queue). mp's thread.
     */
    void execute(M mp, G gp, boolean inheritTime) {
        // Assign gp.m before entering _Grunning so running Gs have an M.
        mp.curg = gp;
        gp.m = mp;
        if (events != RuntimeEvents.NONE) {
            events.mRuns(mp, gp);
        }
        casgstatus(gp, G_RUNNABLE, G_RUNNING);
        gp.waitsince = 0;
        gp.preempt = false;
        gp.stackguard0 = gp.stackLo + STACK_GUARD;
        // A parked suspender (--suspend park) may have seen _Grunning with its request
        // and parked just before we cleared it: let it look again.
        gp.wakeSuspender();
        if (!inheritTime) {
            mustP(mp).schedtick++;
        }
    }

    /**
     * Runs gp (running on mp) until it leaves the M: gogo plus the mcall
     * continuations. Returns when mp must schedule again.
     */
    private void run(M mp, G gp) {
        for (;;) {
            if (gp.exitsyscallTailPending) {
                syscalls.exitsyscallTail(mp, gp);
            }
            GoCode code = gp.code;
            if (code == null) {
                throw Throw.fatal("runtime: g has no code");
            }
            int why = code.run(mp, gp);
            checkExiting();
            switch (why) {
                case GoCode.PARK -> {
                    parkM(mp, gp);
                    return;
                }
                case GoCode.GOSCHED -> {
                    goschedImpl(mp, gp);
                    return;
                }
                case GoCode.MORESTACK -> {
                    if (!GoroutineStacks.newstack(this, mp, gp)) {
                        return;
                    }
                }
                case GoCode.EXIT -> {
                    if (gp.isMain) {
                        exit(0);
                        throw MEXIT;
                    }
                    goexit0(mp, gp);
                    return;
                }
                case GoCode.GOEXIT -> {
                    goexit0(mp, gp);
                    return;
                }
                case GoCode.EXITSYSCALL0 -> {
                    if (!syscalls.exitsyscall0(mp, gp)) {
                        return;
                    }
                }
                case GoCode.PREEMPT_ASYNC -> {
                    asyncPreempt2(mp, gp);
                    return;
                }
                default -> throw Throw.fatal("runtime: bad yield reason " + why);
            }
        }
    }

    /**
     * Go's findrunnable: local queue, global queue, stealing; otherwise
     * gives up the P and stops the M. Returns null when the caller must start
     * over (it stopped for the GC). mp's thread.
     */
    private @Nullable G findrunnable(M mp) {
        P pp = mustP(mp);
        if (stw.gcwaiting) {
            stw.gcstopm(mp);
            return null;
        }
        timers.checkTimers(pp);
        G gp = pp.runqget();
        if (gp != null) {
            return gp;
        }
        if (runqsize != 0) {
            platform.lock(lock);
            try {
                gp = globrunqget(pp, 0);
            } finally {
                lock.unlock();
            }
            if (gp != null) {
                return gp;
            }
        }
        gp = steal(mp, pp);
        if (gp != null) {
            return gp;
        }
        // Return P and block.
        platform.lock(lock);
        try {
            if (stw.gcwaiting) {
                return null;
            }
            if (runqsize != 0) {
                return globrunqget(pp, 0);
            }
            if (releasep(mp) != pp) {
                throw Throw.fatal("findrunnable: wrong p");
            }
            pidleput(pp);
        } finally {
            lock.unlock();
        }
        boolean wasSpinning = mp.spinning;
        if (mp.spinning) {
            mp.spinning = false;
            if (nmspinning.decrementAndGet() < 0) {
                throw Throw.fatal("findrunnable: negative nmspinning");
            }
        }
        // check all runqueues once again (and, not in Go's findrunnable, the global
        // queue if we were spinning: a caller without a P (see ready) relies on a
        // spinning M to take what it put there)
        boolean work = wasSpinning && runqsize != 0;
        for (int i = 0; !work && i < allp.length; i++) {
            work = !allp[i].runqempty();
        }
        if (work) {
            P got = pidlegetLocked();
            if (got != null) {
                acquirep(mp, got);
                if (wasSpinning) {
                    mp.spinning = true;
                    nmspinning.incrementAndGet();
                }
                return null;
            }
        }
        if (timers.pollTimers(mp)) {
            return null;
        }
        stopm(mp);
        return null;
    }

    /** The stealing part of findrunnable. mp holds pp. */
    private @Nullable G steal(M mp, P pp) {
        int procs = gomaxprocs;
        // If number of spinning M's >= number of busy P's, block.
        if (!mp.spinning && 2 * nmspinning.get() >= procs - npidle.get()) {
            return null;
        }
        if (!mp.spinning) {
            mp.spinning = true;
            nmspinning.incrementAndGet();
        }
        for (int i = 0; i < 4; i++) {
            int start = platform.nextInt(procs);
            for (int k = 0; k < procs; k++) {
                if (stw.gcwaiting) {
                    return null;
                }
                P p2 = allp[(start + k) % procs];
                if (p2 == pp) {
                    continue;
                }
                G gp = pp.runqsteal(p2, i > 2);
                if (gp != null) {
                    return gp;
                }
            }
        }
        return null;
    }

    /** Go's resetspinning. */
    private void resetspinning(M mp) {
        if (!mp.spinning) {
            throw Throw.fatal("resetspinning: not a spinning m");
        }
        mp.spinning = false;
        int n = nmspinning.decrementAndGet();
        if (n < 0) {
            throw Throw.fatal("findrunnable: negative nmspinning");
        }
        if (n == 0 && npidle.get() > 0) {
            wakep();
        }
    }

    /** Go's dropg: breaks the M–G association. */
    static void dropg(M mp) {
        G gp = mp.curg;
        if (gp != null) {
            gp.m = null;
            RuntimeEvents ev = mp.rt.events;
            if (ev != RuntimeEvents.NONE) {
                ev.mRuns(mp, null);
            }
        }
        mp.curg = null;
    }

    // =====================================================================
    // mcall continuations: park_m, goschedImpl, preemptPark, goexit0
    // =====================================================================

    /**
     * Go's gopark, the part before mcall: the running G's code calls this,
     * saves its state and returns {@link GoCode#PARK}. {@code unlockf} runs
     * after the G is _Gwaiting and off the M (Go's waitunlockf; it must not
     * fail here). mp's thread.
     */
    public static void gopark(M mp, G gp, @Nullable Runnable unlockf, WaitReason reason) {
        int status = readgstatus(gp);
        if (status != G_RUNNING && status != GStatus.G_SCANRUNNING) {
            throw Throw.fatal("gopark: bad g status");
        }
        mp.waitunlockf = unlockf;
        gp.waitreason = reason;
        gp.waitsince = gp.rt.platform.nanoTime();
    }

    /** Go's park_m. */
    private void parkM(M mp, G gp) {
        casgstatus(gp, G_RUNNING, G_WAITING);
        dropg(mp);
        Runnable f = mp.waitunlockf;
        if (f != null) {
            mp.waitunlockf = null;
            f.run();
        }
    }

    /** Go's goschedImpl (Gosched and gopreempt_m): the G goes to the global queue. */
    void goschedImpl(M mp, G gp) {
        int status = readgstatus(gp);
        if ((status & ~G_SCAN) != G_RUNNING) {
            throw Throw.fatal(GStatus.dumpgstatus(gp), "bad g status");
        }
        casgstatus(gp, G_RUNNING, G_RUNNABLE);
        dropg(mp);
        globrunqputLocked(gp);
        // Deliberate: Go relies on other Ms spinning; we wake one so a G put on the
        // global queue is not stranded while this M keeps a tight G.
        if (npidle.get() != 0 && nmspinning.get() == 0) {
            wakep();
        }
    }

    /** Go's gopreempt_m. */
    void gopreemptM(M mp, G gp) {
        goschedImpl(mp, gp);
    }

    /**
     * Go's preemptPark: parks gp in _Gpreempted. The scan bit is held from
     * running until gp is off the M so nobody claims gp half-parked.
     */
    void preemptPark(M mp, G gp) {
        int status = readgstatus(gp);
        if ((status & ~G_SCAN) != G_RUNNING) {
            throw Throw.fatal(GStatus.dumpgstatus(gp), "bad g status");
        }
        gp.waitreason = WaitReason.PREEMPTED;
        gp.waitsince = platform.nanoTime();
        GStatus.casGToPreemptScan(gp, G_RUNNING, G_SCAN | G_PREEMPTED);
        dropg(mp);
        GStatus.casfromGscanstatus(gp, G_SCAN | G_PREEMPTED, G_PREEMPTED);
    }

    /**
     * gcsim's two-phase stack scan (not in Go): at a safe point (newstack's
     * preempt path, asyncPreempt2) the G scans its own stack if a GC worker
     * asked it to ({@link Suspension#requestSelfScan}); the hook does the
     * claim. mp's thread, gp running on mp and owning its stack.
     */
    void scanOwnStackIfAsked(M mp, G gp) {
        GcHooks h = gcHooks;
        if (h != null && gp.gc().scanState() == GcGoroutine.GC_SCAN_SELF) {
            h.scanOwnStack(mp, gp);
        }
    }

    /** Go's asyncPreempt2 (after the interpreter injected the asyncPreempt frame). */
    void asyncPreempt2(M mp, G gp) { // package-private: SuspendProtocolModelCheckTest drives it
        preemptionsAsync.incrementAndGet();
        gp.asyncSafePoint = true;
        scanOwnStackIfAsked(mp, gp);
        if (gp.preemptStop) {
            preemptPark(mp, gp);
        } else {
            goschedImpl(mp, gp);
        }
    }

    /** Go's goexit0: gp is dead; clears what Go clears and puts gp on the free list. */
    void goexit0(M mp, G gp) {
        casgstatus(gp, G_RUNNING, G_DEAD);
        if (events != RuntimeEvents.NONE) {
            events.goroutineExited(gp);
        }
        gp.m = null;
        gp.preemptStop = false;
        gp.waitreason = WaitReason.ZERO;
        gp.param = null;
        gp.waiting = null;
        gp.timerWhen = 0;
        gp.code = null;
        gp.asyncSafePoint = false;
        GcHooks h = gcHooks;
        if (h != null) {
            h.goexit(gp);
        }
        dropg(mp);
        goroutinesExited.incrementAndGet();
        gfree.gfput(mustP(mp), gp);
    }

    // =====================================================================
    // ready
    // =====================================================================

    /**
     * Go's ready: gp (waiting, possibly with the scan bit held by a scanner)
     * becomes runnable and goes to the caller's P (runnext when next), or to
     * the global queue when the caller has no P (deliberate: Go's caller
     * always has one). Wakes an idle P. Any thread.
     */
    public void ready(G gp, boolean next) {
        int status = readgstatus(gp);
        if ((status & ~G_SCAN) != G_WAITING) {
            throw Throw.fatal(GStatus.dumpgstatus(gp), "bad g->status in ready");
        }
        casgstatus(gp, G_WAITING, G_RUNNABLE);
        M mp = M.getm();
        P pp = mp == null ? null : mp.p;
        if (pp == null) {
            // Deliberate: Go's caller always has a P (a mark worker readying the G it
            // suspended puts it in its own runnext). Ours has none: the G goes to the global
            // queue, and an M is woken by Go's own rule for ready, only when a P is idle
            // and no M is spinning. A spinning M finds the G: it checks the global queue
            // under sched.lock before it gives up its P, and again after it stops counting
            // as spinning (findrunnable), so the nmspinning read here and its decrement
            // there cannot both miss.
            globrunqputLocked(gp);
            if (npidle.get() != 0 && nmspinning.get() == 0) {
                wakep();
            }
            return;
        }
        pp.runqput(gp, next);
        if (npidle.get() != 0 && nmspinning.get() == 0) {
            wakep();
        }
    }

    /**
     * Go's injectglist for one G, used by newproc when the caller has no P: the
     * G goes to the global queue and, if a P is idle, an M is started for it.
     * (ready from such a caller uses Go's cheaper wakep rule instead: see ready.)
     */
    private void injectglist(G gp) {
        globrunqputLocked(gp);
        if (npidle.get() != 0) {
            startm(null, false);
        }
    }

    /** Go's goready. */
    public void goready(G gp) {
        ready(gp, true);
    }

    // =====================================================================
    // checkdead and external callers: see Liveness, which owns its state
    // =====================================================================

    /**
     * Go's schedtrace with scheddetail=1: a {@code SCHED} line with the
     * scheduler's counters (gomaxprocs, idle Ps, Ms, spinning and idle Ms,
     * global run queue), then one line per P, M and G. An M's state is read
     * without its lock, so a live dump is a snapshot, exact only when the
     * process is stuck. Any thread; takes sched.lock (reentrant: checkdead
     * calls it holding the lock).
     */
    public String schedtrace() {
        StringBuilder sb = new StringBuilder();
        platform.lock(lock);
        try {
            sb.append("SCHED ").append((System.nanoTime() - startNanos) / 1_000_000).append("ms:")
                    .append(" gomaxprocs=").append(gomaxprocs)
                    .append(" idleprocs=").append(npidle.get())
                    .append(" threads=").append(mcount)
                    .append(" spinningthreads=").append(nmspinning.get())
                    .append(" idlethreads=").append(nmidle)
                    .append(" runqueue=").append(runqsize)
                    .append(" gcwaiting=").append(stw.gcwaiting ? 1 : 0)
                    .append(" stopwait=").append(stw.stopwait)
                    .append(" external=").append(liveness.nexternal).append('\n');
            for (P pp : allp) {
                M mp = pp.m;
                sb.append("  P").append(pp.id).append(": status=").append(pp.status())
                        .append(" schedtick=").append(pp.schedtick).append(" syscalltick=").append(pp.syscalltick)
                        .append(" m=").append(mp == null ? -1 : mp.id)
                        .append(" runqsize=").append(pp.runqlen()).append(" gfreecnt=").append(pp.gFreeN).append('\n');
            }
            for (M mp : allm) {
                P pp = mp.p;
                G cg = mp.curg;
                sb.append("  M").append(mp.id).append(": p=").append(pp == null ? -1 : pp.id)
                        .append(" curg=").append(cg == null ? -1 : cg.goid)
                        .append(" mallocing=").append(mp.mallocing).append(" preemptoff=")
                        .append(mp.preemptoff == null ? "" : mp.preemptoff)
                        .append(" locks=").append(mp.locks).append(" spinning=").append(mp.spinning)
                        .append(" blocked=").append(mp.thread.getState() == Thread.State.WAITING
                                || mp.thread.getState() == Thread.State.TIMED_WAITING)
                        .append('\n');
            }
        } finally {
            lock.unlock();
        }
        for (G gp : allgs()) {
            M mp = gp.m;
            int s = readgstatus(gp);
            sb.append("  G").append(gp.goid).append(": status=").append(s).append('(')
                    .append(s == G_WAITING ? gp.waitreason.toString() : "").append(") m=")
                    .append(mp == null ? -1 : mp.id).append('\n');
        }
        return sb.toString();
    }

    // =====================================================================
    // Stop the world: see StopTheWorld, which owns its state
    // =====================================================================

    /**
     * Go's stopTheWorld: acquires worldsema and stops every P at a safe point.
     * On return only the caller's P (if the caller is an M with one) runs.
     * Callers serialise. Any thread that is not running a user G. See {@link StopTheWorld}.
     */
    public void stopTheWorld(String reason) {
        stw.stopTheWorld(reason);
    }

    /** Go's startTheWorld: undoes {@link #stopTheWorld}. Same thread. */
    public void startTheWorld() {
        stw.startTheWorld();
    }

    /** Whether a stop-the-world is in progress or in effect. */
    public boolean gcwaiting() {
        return stw.gcwaiting;
    }

    // =====================================================================
    // Preemption requests
    // =====================================================================

    /**
     * Go's preemptone: asks the G running on pp to stop at its next safe
     * point (poisons stackguard0; with async preemption also "signals" the M).
     * Best effort. Any thread.
     */
    boolean preemptone(P pp) {
        M mp = pp.m;
        if (mp == null || mp == M.getm()) {
            return false;
        }
        G gp = mp.curg;
        if (gp == null) {
            return false;
        }
        gp.preempt = true;
        // Every call in a go routine checks for stack overflow by comparing the
        // current stack pointer to gp->stackguard0. Setting gp->stackguard0 to
        // StackPreempt folds preemption into the normal stack overflow check.
        gp.stackguard0 = STACK_PREEMPT;
        if (config.asyncPreempt()) {
            pp.preempt = true;
            mp.preemptM();
        }
        return true;
    }

    /** Go's preemptall: preemptone on every running P. Any thread (stopTheWorldWithSema). */
    boolean preemptall() {
        boolean res = false;
        for (P pp : allp) {
            if (pp.status() != P.P_RUNNING) {
                continue;
            }
            if (preemptone(pp)) {
                res = true;
            }
        }
        return res;
    }

    // =====================================================================
    // Inspection
    // =====================================================================

    /** The current value of {@code mcount - nmidle} (running Ms). Any thread. */
    public int runningMs() {
        platform.lock(lock);
        try {
            return mcount - nmidle;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counters for reports (the CLI's "mutator" and "preemptions"): a snapshot,
     * each counter read atomically. Any thread.
     */
    public SchedStats stats() {
        return new SchedStats(goroutinesCreated.get(), goroutinesExited.get(), stackGrowths.get(),
                stackShrinks.get(), preemptionsCooperative.get(), preemptionsAsync.get());
    }

    /** suspendG wait counters (spin vs park) of this runtime. Any thread. */
    public SuspendWaitCounters suspendWaitCounters() {
        return suspendWaitCounters;
    }

    /** See {@link #stats()}. */
    public record SchedStats(long goroutinesCreated, long goroutinesExited, long stackGrowths,
            long stackShrinks, long preemptionsCooperative, long preemptionsAsync) {}
}
