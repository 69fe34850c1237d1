package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.casgstatus;
import static gcsim.goroutines.GStatus.readgstatus;
import static gcsim.stacks.StackConstants.STACK_GUARD;

import gcsim.goroutines.internal.GcSupport;
import gcsim.goroutines.platform.Platform;
import gcsim.base.GoThrow;
import gcsim.stacks.FuncTab;
import gcsim.stacks.Growth;
import gcsim.stacks.StackAllocator;
import gcsim.stacks.StackCache;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.initialization.qual.UnknownInitialization;
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
 * <p><b>Parts.</b> This class is the scheduler core: schedule / findrunnable
 * / steal / execute, ready, and the public face of the runtime (start,
 * newproc, awaitExit, stopTheWorld, the dumps). Each other concern is a class
 * of this package that owns its state and says in its header who calls it on
 * which thread: {@link MsAndPs} ({@link #mps}: the Ms, the Ps, the idle lists),
 * {@link GlobalRunq} ({@link #globrunq}), {@link Mcall} ({@link #mcall}:
 * running a G and the mcall continuations), {@link AllGs} ({@link #allgs}: G
 * creation), {@link GFree} ({@link #gfree}), {@link StopTheWorld}
 * ({@link #stw}), {@link ForEachP} ({@link #forEachP}: the GC's ragged barrier),
 * {@link Preemption} ({@link #preemption}), {@link Sysmon}
 * ({@link #sysmon}), {@link Timers} ({@link #timers}), {@link Liveness}
 * ({@link #liveness}), {@link Syscalls} ({@link #syscalls}),
 * {@link ProcessExit} ({@link #processExit}) and {@link Inspection}. Go keeps
 * all of them in proc.go. The collector's view of the runtime is
 * {@link #gcSupport()} (package {@code gcsim.goroutines.internal}).
 *
 * <p><b>Locks.</b> {@code lock} is Go's {@code sched.lock}: it guards the
 * idle lists and the M count (in {@link MsAndPs}), the global run queue
 * (in {@link GlobalRunq}), the global free-G lists (in {@link GFree}),
 * {@code stopwait} (in {@link StopTheWorld}) and the external count (in
 * {@link Liveness}). {@code allglock} (in {@link AllGs}) guards
 * {@code allgs}. Lock order: channel locks → sched.lock → allglock;
 * timersLock (in {@link Timers}) is a leaf.
 *
 * <p><b>Exit.</b> The process ends when the main goroutine returns
 * (exit code 0) or on a throw ({@link ProcessExit#fatal}); {@link #awaitExit}
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


    final ReentrantLock lock = new ReentrantLock();
    /** The global run queue (guarded by lock). */
    final @NotOnlyInitialized GlobalRunq globrunq;
    /** Running a G and the mcall continuations (park_m, goschedImpl, goexit0, ...). */
    final @NotOnlyInitialized Mcall mcall;
    /** The Ms and Ps: idle lists, the M count, nmspinning, npidle (guarded by lock, or atomics). */
    final @NotOnlyInitialized MsAndPs mps;
    // ---- atomics ----
    /** Stop-the-world: worldsema, stopwait (guarded by lock), gcwaiting, stopnote. */
    final @NotOnlyInitialized StopTheWorld stw;
    /** worldsema as goroutines and the GC cycle contend for it (parking waiters); see WorldSema. */
    final @NotOnlyInitialized WorldSema worldSema;
    /** forEachP: safePointFn, safePointWait (guarded by lock), safePointNote. */
    final @NotOnlyInitialized ForEachP forEachP;

    final P[] allp;
    /** The global free lists of dead Gs (guarded by lock); each P keeps its own local list. */
    final @NotOnlyInitialized GFree gfree;
    /** allgs and the making of new Gs (newproc1, malg, allgadd). */
    final @NotOnlyInitialized AllGs allgs;

    /** checkdead and the count of external callers (guarded by lock). */
    final @NotOnlyInitialized Liveness liveness;
    /** System calls: entersyscall, exitsyscall and their helpers (no state of their own). */
    final @NotOnlyInitialized Syscalls syscalls;
    /** Timers of sleeping Gs (a global heap instead of Go's per-P heaps) and the M polling for them. */
    final @NotOnlyInitialized Timers timers;

    // ---- lifecycle ----
    volatile boolean exiting;
    /** How the process ends: the fatal error, the exit code, awaitExit's latch, shutdown. */
    final @NotOnlyInitialized ProcessExit processExit;
    /** preemptone / preemptall. */
    final @NotOnlyInitialized Preemption preemption;
    /** schedtrace and the accounting checks. */
    private final @NotOnlyInitialized Inspection inspection;
    volatile boolean mainStarted;
    /** sysmon (retake, overdue timers): its own thread when config.sysmon(). */
    final @NotOnlyInitialized Sysmon sysmon;

    /**
     * Go's {@code traceEnabled()}: whether the execution tracer is on. gcsim has no StartTrace or
     * StopTrace: a program is traced from its first {@code traceadvance} on ({@link TraceAdvance}
     * sets it, never cleared). Read by isShrinkStackSafe under go1.23-go1.24 ({@link
     * GoVersion#shrinkRefusesTracedWaitingForSuspendG()}).
     */
    volatile boolean traceEnabled;

    /** Statistics. */
    final AtomicLong goroutinesCreated = new AtomicLong();
    final AtomicLong goroutinesExited = new AtomicLong();
    /** Go's sched.ngsys: system goroutines (the GC's mark workers), not in the two counts above. */
    final AtomicLong ngsys = new AtomicLong();
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
    private final @NotOnlyInitialized GcSupport gcSupport;

    /** Hooks gc-mark installs (allocation), or null. */
    volatile @Nullable GcHooks gcHooks;
    /** Whether {@link #gcHooks} wants {@link GcHooks#atSafePoint} calls (stress mode); set with it. */
    volatile boolean gcSafePointHook;
    /**
     * Go's gcBlackenEnabled: mark workers and assists may blacken objects (from gcStart's
     * world stop to mark termination's). Written by the collector through {@link GcSupport};
     * read by schedule and findrunnable before they ask {@link #gcHooks} for a mark worker.
     */
    volatile boolean gcBlackenEnabled;
    /** Go's sched.disable: user scheduling off during a stop-the-world mode cycle. */
    final @NotOnlyInitialized UserScheduling userScheduling;

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
    public Sched(SchedConfig config, StackAllocator stackAllocator, FuncTab functab, Platform platform) {
        this.config = config;
        this.platform = platform;
        this.stw = new StopTheWorld(this, platform);
        this.worldSema = new WorldSema(this);
        this.forEachP = new ForEachP(this, platform);
        this.gfree = new GFree(this);
        this.liveness = new Liveness(this);
        this.syscalls = new Syscalls(this);
        this.timers = new Timers(this);
        this.sysmon = new Sysmon(this);
        this.mps = new MsAndPs(this);
        this.processExit = new ProcessExit(this);
        this.allgs = new AllGs(this);
        this.globrunq = new GlobalRunq(this);
        this.mcall = new Mcall(this);
        this.preemption = new Preemption(this);
        this.inspection = new Inspection(this);
        this.gcSupport = new GcViews.Runtime(this);
        this.userScheduling = new UserScheduling(this);
        this.gomaxprocs = config.gomaxprocs();
        this.stackAllocator = stackAllocator;
        this.functab = functab;
        this.growth = new Growth(stackAllocator, functab);
        growth.setMaxStack(config.maxStackSize());
        this.allp = procresize(this, mps, gomaxprocs);
    }

    /**
     * Go's procresize at start: makes the GOMAXPROCS Ps, all idle (the main G
     * wakes one). The constructor only, once its parts exist.
     */
    // The Ps keep the Sched, still under construction here, as its parts do, and read it only
    // once the runtime runs; pidleput touches only the idle list and the Ps. The Checker's
    // initialization rules cannot see that nothing reads the half-built runtime meanwhile, so
    // this one step (not the whole constructor) is exempt from those two checks.
    @SuppressWarnings({"nullness:assignment", "nullness:method.invocation"}) // initialization only: see above
    private static P[] procresize(@UnderInitialization Sched rt, @UnknownInitialization MsAndPs mps, int nprocs) {
        P[] allp = new P[nprocs];
        for (int i = 0; i < nprocs; i++) {
            allp[i] = new P(rt, i);
        }
        for (int i = nprocs - 1; i >= 0; i--) {
            mps.pidleput(allp[i]);
        }
        return allp;
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

    /**
     * Go's worldsema at goroutine level: user stoppers park on it, and gc-mark's cycle thread
     * holds it for its stopped phases (until go1.14 from sweep termination to the end of mark
     * termination). See {@link WorldSema}. Any thread.
     */
    public WorldSema worldSema() {
        return worldSema;
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
    // Lifecycle: start here; exit, throws and shutdown are ProcessExit's
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
        mps.wakep();
        return gp;
    }

    /**
     * Waits until the process exits. Returns the exit code (0 when main
     * returned) or throws the fatal error (a {@link GoThrow} such as
     * "all goroutines are asleep - deadlock!"). Returns -1 on timeout
     * (the process keeps running; call {@link #shutdown}). Any thread.
     */
    public int awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        return processExit.awaitExit(timeout, unit);
    }

    /** The fatal error that ended the process, if any. */
    public @Nullable Throwable fatalError() {
        return processExit.fatalError();
    }

    /** Whether the process has exited (main returned, a throw, or shutdown). */
    public boolean hasExited() {
        return processExit.hasExited();
    }

    /**
     * The goroutine that was running on the M that threw the {@link #fatalError()}, for Go's
     * fatal-error traceback (dopanic_m prints it first); null when the throw came from a thread
     * that is not an M (a mark worker, the collector, an external caller) or nothing threw.
     */
    public @Nullable G fatalGoroutine() {
        return processExit.fatalGoroutine();
    }

    /** Stops every M (they exit at their next scheduling point or instruction boundary). Any thread. */
    public void shutdown() {
        processExit.shutdown();
    }

    /** Waits (bounded) until every M thread has ended after an exit. For tests. */
    public boolean joinMs(long millis) throws InterruptedException {
        return processExit.joinMs(millis);
    }

    /** Control-flow signal: the runtime is exiting, unwind the M. */
    static final class MExit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MExit() {
            super(null, null, false, false);
        }
    }

    static final MExit MEXIT = new MExit();

    void checkExiting() {
        if (exiting) {
            throw MEXIT;
        }
    }

    void mexited(M mp) {
        // Nothing to free: the thread ends. Kept for symmetry with Go's mexit.
    }

    // =====================================================================
    // G creation (AllGs: newproc1, malg, allgadd); reuse (gfput, gfget) is GFree
    // =====================================================================

    /**
     * Go's {@code newproc}: creates a goroutine running {@code code} and puts
     * it on the caller's P's run queue (runnext), or the global queue when
     * the caller has no P. {@code init} runs first, while the G is still
     * _Gdead and owned by the caller, to lay out its first frame. Any thread.
     */
    public G newproc(GoCode code, @Nullable GInit init) {
        return allgs.newproc(code, init);
    }

    /**
     * Go's {@code go gcBgMarkWorker(p)} in gcBgMarkStartWorkers: a system goroutine running
     * the collector's background mark worker {@code code} (not counted as created, skipped by
     * checkdead and the dumps, its stack never shrunk). Placed as {@link #newproc} places any
     * G. For the collector; any thread.
     */
    public G newBgMarkWorker(GoCode code) {
        return allgs.newBgMarkWorker(code);
    }

    /**
     * Go's {@code go forcegchelper()}: a system goroutine running the collector's {@code code}
     * (gc-mark's GcCoordinator), placed as {@link #newBgMarkWorker} places a worker. For the
     * collector; any thread.
     */
    public G newForcegcHelper(GoCode code) {
        return allgs.newForcegcHelper(code);
    }

    /**
     * Readies a parked system goroutine for a caller without a P (the collector's cycle thread
     * handing a stop-the-world phase to its coordinator goroutine), so that it runs soon: as
     * newproc1 places a new system goroutine from such a caller, at the head of the global queue
     * ({@link GlobalRunq#globrunqputheadSystem}), with an idle P started for it, or else every
     * running P preempted so that one reschedules and takes it. Deliberate: in Go the phases run
     * on the goroutine that starts the cycle (gcStart) or on the last mark worker
     * (gcMarkDone), so nothing needs readying. Any thread without a P.
     */
    public void readySystem(G gp) {
        if (!gp.isSystemGoroutine()) {
            throw new IllegalArgumentException("readySystem: not a system goroutine: " + gp);
        }
        int status = readgstatus(gp);
        if ((status & ~G_SCAN) != G_WAITING) {
            throw Throw.fatal(GStatus.dumpgstatus(gp), "bad g->status in ready");
        }
        casgstatus(gp, G_WAITING, G_RUNNABLE);
        runSystemSoon(gp);
    }

    /**
     * Places a runnable system goroutine for a caller without a P so that it runs soon: at the
     * head of the global queue ({@link GlobalRunq#globrunqputheadSystem}), with an idle P started
     * for it, or else every running P preempted so that one reschedules and takes it. Used by
     * newproc1 (a new system goroutine) and {@link #readySystem}. Any thread without a P.
     */
    void runSystemSoon(G gp) {
        globrunq.globrunqputheadSystem(gp);
        if (mps.npidle.get() != 0) {
            mps.startm(null, false);
        } else {
            preemption.preemptall();
        }
    }

    /**
     * Every G made so far without copying (gcMarkRootPrepare's read of allglen): O(1), so the
     * collector takes it with the world stopped. Any thread.
     */
    public AllGsSnapshot allgsSnapshot() {
        return allgs.snapshot();
    }

    /**
     * The Gs that are not {@code _Gdead}: user goroutines created and not exited (Go's gcount,
     * without its run-queue corrections) plus the system ones (sched.ngsys). O(1). With the world
     * stopped it equals the count over allgs (Inspection's unaccountedGs checks that at the end of
     * runs): a G is born and dies on an M that holds a P, so no birth or death is half done while
     * every P is stopped. Deliberate difference: an embedder thread without a P may call newproc
     * during a stop (Go has no such caller); the count can then be off by the Gs it is making.
     * Any thread.
     */
    public long liveGs() {
        return goroutinesCreated.get() - goroutinesExited.get() + ngsys.get();
    }

    /** A snapshot of every G ever created (Go's allgs), in creation order. Any thread. */
    public G[] allgs() {
        return allgs.allgs();
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

    // =====================================================================
    // Global run queue (GlobalRunq, under lock)
    // =====================================================================

    /** Global run queue length (racy read). */
    public int globalRunqSize() {
        return globrunq.runqsize;
    }

    // =====================================================================
    // M thread entry; the Ms and Ps themselves are MsAndPs's
    // =====================================================================

    /** The Ps (length GOMAXPROCS). */
    public P[] allp() {
        return allp.clone();
    }

    /** M thread entry (Go's mstart1): acquire the handed P and schedule for ever. */
    void mstart1(M mp) {
        P pp = mp.nextp;
        if (pp != null) {
            mps.acquirep(mp, pp);
            mp.nextp = null;
        }
        for (;;) {
            checkExiting();
            schedule(mp);
        }
    }

    /** All Ms created so far. Any thread. */
    public List<M> allMs() {
        return mps.allMs();
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
        // Normal goroutines will check for need to wakeP in ready,
        // but GCworkers and tracereaders will not, so the check must
        // be done here instead.
        boolean tryWakeP;
        for (;;) {
            checkExiting();
            P pp = mustP(mp);
            pp.preempt = false;
            if (stw.gcwaiting) {
                stw.gcstopm(mp);
                continue;
            }
            if (pp.wantsSafePointFn()) {
                forEachP.runSafePointFn(pp);
            }
            if (mp.spinning && !pp.runqempty()) {
                throw Throw.fatal("schedule: spinning with local work");
            }
            timers.checkTimers(pp);
            gp = null;
            tryWakeP = false;
            GcHooks h = gcHooks;
            if (gcBlackenEnabled && h != null) {
                gp = h.findRunnableGCWorker(pp);
                tryWakeP = gp != null;
            }
            // Check the global runnable queue once in a while to ensure fairness (and at once
            // when a system goroutine waits at its head: see GlobalRunq.globrunqputheadSystem).
            if (gp == null && (pp.schedtick % 61 == 0 || globrunq.systemAtHead) && globrunq.runqsize > 0) {
                platform.lock(lock);
                try {
                    gp = globrunq.globrunqget(pp, 1);
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
            // This thread is going to run a goroutine and is not spinning anymore,
            // so if it was marked as spinning we need to reset it now and potentially
            // start a new spinning M.
            if (mp.spinning) {
                resetspinning(mp);
            }
            if (userScheduling.user && userScheduling.holdBack(gp)) {
                // Scheduling of this goroutine is disabled (STW mode): it waits on
                // sched.disable.runnable for schedEnableUser(true); look again.
                continue;
            }
            break;
        }
        // If about to schedule a not-normal goroutine (a GCworker or tracereader),
        // wake a P if there is one.
        if (tryWakeP && mps.npidle.get() != 0 && mps.nmspinning.get() == 0) {
            mps.wakep();
        }
        execute(mp, gp, inheritTime);
        mcall.run(mp, gp);
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
        if (pp.wantsSafePointFn()) {
            forEachP.runSafePointFn(pp);
        }
        timers.checkTimers(pp);
        G gp = pp.runqget();
        if (gp != null) {
            return gp;
        }
        if (globrunq.runqsize != 0) {
            platform.lock(lock);
            try {
                gp = globrunq.globrunqget(pp, 0);
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
        // We have nothing to do. If we're in the GC mark phase, can
        // safely scan and blacken objects, and have work to do, run
        // idle-time marking rather than give up the P.
        GcHooks h = gcHooks;
        if (gcBlackenEnabled && h != null) {
            gp = h.findIdleGCWorker(pp);
            if (gp != null) {
                return gp;
            }
        }
        // Return P and block.
        platform.lock(lock);
        try {
            if (stw.gcwaiting || pp.wantsSafePointFn()) {
                return null; // start over (Go: goto top): forEachP must not miss this P going idle
            }
            if (globrunq.runqsize != 0) {
                return globrunq.globrunqget(pp, 0);
            }
            if (mps.releasep(mp) != pp) {
                throw Throw.fatal("findrunnable: wrong p");
            }
            mps.pidleput(pp);
        } finally {
            lock.unlock();
        }
        boolean wasSpinning = mp.spinning;
        if (mp.spinning) {
            mp.spinning = false;
            if (mps.nmspinning.decrementAndGet() < 0) {
                throw Throw.fatal("findrunnable: negative nmspinning");
            }
        }
        // check all runqueues once again (and, not in Go's findrunnable, the global
        // queue if we were spinning: a caller without a P (see ready) relies on a
        // spinning M to take what it put there)
        boolean work = wasSpinning && globrunq.runqsize != 0;
        for (int i = 0; !work && i < allp.length; i++) {
            work = !allp[i].runqempty();
        }
        if (work) {
            P got = mps.pidlegetLocked();
            if (got != null) {
                reacquire(mp, got, wasSpinning);
                return null;
            }
        }
        // Check for idle-priority GC work again.
        if (gcBlackenEnabled && h != null && h.idleMarkWorkFor(null)) {
            P got = pidlegetForIdleMarking(h);
            if (got != null) {
                reacquire(mp, got, wasSpinning);
                // Go back to idle GC check (Go jumps to findrunnable's stop label; the
                // caller's schedule loop comes back here through the same checks).
                return null;
            }
        }
        if (timers.pollTimers(mp)) {
            return null;
        }
        mps.stopm(mp);
        return null;
    }

    /**
     * findrunnable after it gave up its P and found work after all: takes {@code got} and, if
     * it was spinning, spins again. mp's thread.
     */
    private void reacquire(M mp, P got, boolean wasSpinning) {
        mps.acquirep(mp, got);
        if (wasSpinning) {
            mp.spinning = true;
            mps.nmspinning.incrementAndGet();
        }
    }

    /** An idle P whose mark worker can run idle-priority marking, or null (Go: pidleget, then gcBgMarkWorker != 0). */
    private @Nullable P pidlegetForIdleMarking(GcHooks h) {
        platform.lock(lock);
        try {
            P got = mps.pidleget();
            if (got != null && !h.idleMarkWorkFor(got)) {
                mps.pidleput(got);
                return null;
            }
            return got;
        } finally {
            lock.unlock();
        }
    }

    /** The stealing part of findrunnable. mp holds pp. */
    private @Nullable G steal(M mp, P pp) {
        int procs = gomaxprocs;
        // If number of spinning M's >= number of busy P's, block.
        if (!mp.spinning && 2 * mps.nmspinning.get() >= procs - mps.npidle.get()) {
            return null;
        }
        if (!mp.spinning) {
            mp.spinning = true;
            mps.nmspinning.incrementAndGet();
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
        int n = mps.nmspinning.decrementAndGet();
        if (n < 0) {
            throw Throw.fatal("findrunnable: negative nmspinning");
        }
        if (n == 0 && mps.npidle.get() > 0) {
            mps.wakep();
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
    // gopark; running the G and the mcall continuations are Mcall's
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
        // No waitsince here, as in Go: markroot records it (Roots), execute clears it.
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
            // suspended puts it in its own runnext, as ours do now that they are goroutines
            // on Ps). A caller without one (the checkmark pass on the collector's thread, a
            // test): the G goes to the global
            // queue, and an M is woken by Go's own rule for ready, only when a P is idle
            // and no M is spinning. A spinning M finds the G: it checks the global queue
            // under sched.lock before it gives up its P, and again after it stops counting
            // as spinning (findrunnable), so the nmspinning read here and its decrement
            // there cannot both miss.
            globrunq.globrunqputLocked(gp);
            if (mps.npidle.get() != 0 && mps.nmspinning.get() == 0) {
                mps.wakep();
            }
            return;
        }
        pp.runqput(gp, next);
        if (mps.npidle.get() != 0 && mps.nmspinning.get() == 0) {
            mps.wakep();
        }
    }

    /**
     * Go's injectglist for one G, used by newproc when the caller has no P: the
     * G goes to the global queue and, if a P is idle, an M is started for it.
     * (ready from such a caller uses Go's cheaper wakep rule instead: see ready.)
     */
    void injectglist(G gp) {
        globrunq.globrunqputLocked(gp);
        if (mps.npidle.get() != 0) {
            mps.startm(null, false);
        }
    }

    /** Go's goready. */
    public void goready(G gp) {
        ready(gp, true);
    }

    // =====================================================================
    // Stop the world (StopTheWorld); checkdead and external callers are Liveness's
    // =====================================================================

    /**
     * Go's stopTheWorld: acquires worldsema and stops every P at a safe point.
     * On return only the caller's P (if the caller is an M with one) runs.
     * Callers serialise. Any thread that is not running a user G. See {@link StopTheWorld}.
     */
    public void stopTheWorld(String reason) {
        stw.stopTheWorld(reason);
    }

    /**
     * Go's startTheWorld: undoes {@link #stopTheWorld}. Same thread. Returns the timing of the
     * stop it ended (time to stop, the P and M that stopped last, restart): one small record
     * per stop.
     */
    public WorldStop startTheWorld() {
        return stw.startTheWorld();
    }

    /** Whether a stop-the-world is in progress or in effect. */
    public boolean gcwaiting() {
        return stw.gcwaiting;
    }

    // =====================================================================
    // Inspection (Inspection) and counters
    // =====================================================================

    /**
     * Go's schedtrace with scheddetail=1: a {@code SCHED} line with the scheduler's counters,
     * then one line per P, M and G (see {@link Inspection}). Any thread.
     */
    public String schedtrace() {
        return inspection.schedtrace();
    }

    /**
     * Reliability check for tests and soaks: null when every G is accounted for (none holds
     * the scan bit; the live ones are exactly those created and not exited), else what is
     * wrong. The caller has stopped the world and no suspender (mark worker) is at work.
     */
    public @Nullable String unaccountedGs() {
        return inspection.unaccountedGs();
    }

    /** The current value of {@code mcount - nmidle} (running Ms). Any thread. */
    public int runningMs() {
        return inspection.runningMs();
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
