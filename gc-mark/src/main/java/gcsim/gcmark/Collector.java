package gcsim.gcmark;

import gcsim.base.GoThrow;
import gcsim.gcmark.bench.BenchmarkSupport;
import gcsim.goroutines.AllGsSnapshot;
import gcsim.goroutines.Chan;
import gcsim.goroutines.G;
import gcsim.goroutines.GcHooks;
import gcsim.goroutines.M;
import gcsim.goroutines.P;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.RuntimeEvents;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SuspendWaitCounters;
import gcsim.goroutines.WaitReason;
import gcsim.goroutines.WorldSema;
import gcsim.goroutines.WorldStop;
import gcsim.goroutines.platform.Platform;
import gcsim.heap.Heap;
import gcsim.heap.HeapStats;
import gcsim.heap.internal.HeapGcSupport;
import gcsim.stacks.StackScan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The garbage collector: one Go GC cycle at a time against a running
 * {@link Sched} and its {@link Heap} (mgc.go {@code gcStart},
 * {@code gcBgMarkWorker}, {@code gcMarkDone}, {@code gcMarkTermination},
 * {@code gcSweep}).
 *
 * <h2>A cycle (concurrent mode)</h2>
 * <ol>
 *   <li><b>Sweep termination</b>, world stopped: finish the previous sweep,
 *       reset every G's {@code gcscandone} and {@code gcAssistBytes} (gcResetMarkState), snapshot
 *       {@code allgs} and prepare root jobs (gcMarkRootPrepare), install the
 *       write barrier, turn allocate-black and assists on, {@code gcphase =
 *       _GCmark}; the controller decides the cycle's workers ({@link GcController});
 *       blackening on; start the world.
 *   <li><b>Concurrent mark</b>: each P's background mark worker goroutine
 *       ({@link BgMarkWorker}), run by the scheduler in dedicated, fractional or
 *       idle mode, claims root jobs (the go1.14 markroot's stop-and-scan stack job
 *       among them) and drains grey objects into its P's gcWork, while mutators
 *       run on the other Ps, store through the barrier and assist.
 *   <li><b>gcMarkDone</b>: when the last worker idles with no work in sight,
 *       the ragged barrier (forEachP: every P flushes its write-barrier buffer
 *       and its gcWork; any flushed work means mark goes on); then stop the
 *       world, flush every P's wbBuf once more and, if a P's gcWork holds work,
 *       start the world again and resume concurrent mark (go1.14's restart),
 *       else go on (see {@link MarkDone}).
 *   <li><b>Mark termination</b>, world still stopped: Go's checks (gcMark's "non-empty
 *       mark queue after concurrent mark" panic, "left over
 *       markroot jobs", "scan missed a g"; "work.full != 0"), the optional
 *       checkmark pass, barrier and assists off, {@code gcphase = _GCoff},
 *       next heap goal, start sweeping; start the world.
 *   <li><b>Sweep</b>: a background sweeper (Go's bgsweep) and allocation
 *       (lazily) sweep spans concurrently with the mutators.
 * </ol>
 * In STW mode (Go's {@code GODEBUG=gcstoptheworld=1}) the same steps run, but
 * user goroutines are not scheduled from gcStart to gcMarkDone
 * (schedEnableUser) and every P runs a dedicated worker.
 *
 * <p>Deliberate differences: a cycle (forced, triggered by the heap goal, or
 * asked for by a goroutine's runtime.GC(), see {@link RuntimeGC}) is driven by a
 * cycle thread that is not an M, not by the allocating or calling goroutine; the
 * worker goroutines signal that thread where Go's last worker would call
 * gcMarkDone itself. The stopped phases themselves (sweep termination, gcMarkDone
 * with mark termination) run as in Go on an M holding a P: the thread hands each
 * to a system goroutine ({@link GcCoordinator}) and waits, so the stopper's own P
 * counts as stopped at once and keeps running when the world restarts.
 *
 * <p>Threading: {@link #gc()} may be called from any thread that is not an M;
 * cycles are serialised (Go's work.startSema).
 */
public final class Collector implements AutoCloseable {
    /** Go's gcphase values. */
    static final int GC_OFF = 0;
    static final int GC_MARK = 1;
    static final int GC_MARKTERMINATION = 2;
    /** The value gcMark panics with when mark termination finds work left (mgc.go). */
    static final String NON_EMPTY_MARK_QUEUE = "non-empty mark queue after concurrent mark";

    private final Sched rt;
    private final Heap heap;
    /** The heap's GC door (allocate-black, barrier, trigger hook, sweeper), read once. */
    private final HeapGcSupport heapGc;
    private final GcConfig config;
    private final long initNanos;
    /** The stops' breakdown; the cycle thread's (under startSema). */
    private final PauseBreakdown pauses;
    private final ReentrantLock startSema = new ReentrantLock();
    private final WorkPool pool = new WorkPool();
    /**
     * Check (tests, {@code -Dgcsim.debugHeapMarked=true}): at mark termination, heap_marked as Go
     * counts it (work.bytesMarked and gcmarknewobject's bytes) equals the bytes of the objects
     * whose mark bit is set, a walk over every span. Off by default: O(heap) with the world stopped.
     */
    volatile boolean checkHeapMarkedForTest = Boolean.getBoolean("gcsim.debugHeapMarked");
    /** The checkmark's suspendG latencies (discarded): made once, reset each pass. */
    private final Histogram checkmarkLatencies = CycleWork.latencyHistogram();
    private final GcWork[] perP;
    private final GcWork shared;
    private final Marking marking;
    private final Roots roots;
    private final Barrier barrier;
    /** gcMarkDone's ragged barrier and stop-the-world check (per-P wbBuf and gcWork flushes). */
    final MarkDone markDone;
    private final Assist assist;
    private final List<Chan> chans = new CopyOnWriteArrayList<>();
    private final List<CycleRecord> records = new CopyOnWriteArrayList<>();
    private final List<String> checkmarkFailures = Collections.synchronizedList(new ArrayList<>());
    private volatile Consumer<CycleRecord> listener = r -> {};
    private volatile @Nullable Consumer<WorkPool> markTerminationHookForTest;
    /** Test seam: runs in runCycle after its sweep, just before it takes startSema. */
    private volatile @Nullable Runnable beforeStartSemaHookForTest;
    private volatile int gcphase = GC_OFF;
    private long gcCpuNanosTotal;
    private final Wakeup triggerWakeup;
    private final Wakeup sweepWakeup;
    private volatile boolean closed;
    /** The background half of the pacer: dedicated, fractional and idle workers (Go's gcController). */
    private final GcController controller;
    /**
     * Go's gcBgMarkWorker goroutines, one per P (index: P id), started by the first cycle's
     * gcBgMarkStartWorkers and parked between cycles. Written by the cycle's thread under
     * startSema.
     */
    private final BgMarkWorker[] bgMarkWorkers;
    /** Go's work.bgMarkReady: a new worker G released it once it runs. */
    private final Semaphore bgMarkReady = new Semaphore(0);
    /** What the worker goroutines share. */
    private final BgMarkWorker.Context workerContext;
    /** The cycle being marked (Go's global work), for the worker goroutines; null before the first. */
    private volatile @Nullable CycleWork currentCycle;
    /** The goroutine that runs the stopped phases on an M holding a P; started with the first cycle. */
    private final GcCoordinator coordinator;
    /**
     * Whether mark allocates new objects black (Go's gcmarknewobject while gcphase != _GCoff):
     * always, unless {@code --break allocate-black}. Read once here, as the break is fixed for the
     * run, so sweep termination does not ask the Sched's set of broken pieces with the world stopped.
     */
    private final boolean allocateBlack;
    /** Stress triggers (--gc-every, --gc-at-safepoints); off unless set before {@link #start}. */
    private StressTrigger stress;
    /** runtime.GC() called by goroutines (the mutator's gc instruction), and work.cycles. */
    private final RuntimeGC runtimeGC;

    public Collector(Sched rt, Heap heap, GcConfig config) {
        this.rt = rt;
        this.heap = heap;
        this.heapGc = heap.gc();
        this.config = config;
        this.initNanos = rt.platform().nanoTime();
        this.pauses = new PauseBreakdown(rt.platform(), initNanos);
        this.triggerWakeup = new Wakeup(rt.platform());
        this.sweepWakeup = new Wakeup(rt.platform());
        int procs = rt.allp().length;
        this.perP = new GcWork[procs];
        for (int i = 0; i < procs; i++) {
            perP[i] = GcWork.create(pool, rt.config().goVersion());
        }
        this.shared = GcWork.create(pool, rt.config().goVersion());
        this.marking = Marking.normal(heap);
        // GODEBUG=gccheckmark=1 turns on both the checkmark pass and greyobject's free-slot check.
        heapGc.setDebugGccheckmark(config.checkmark());
        // --break: the pieces broken on purpose are the Sched's (one source of truth, fixed for the run).
        this.allocateBlack = !rt.broken(ProtocolPiece.ALLOCATE_BLACK);
        this.controller = new GcController(rt.platform(), procs);
        // go1.18's pacer (stacks and globals as GC work); under go1.14 it only counts.
        Pacer pacer = new Pacer(rt, heap, controller);
        this.roots = new Roots(heap, new StackScan(rt.functab()), rt.config().broken(), pacer);
        this.barrier = new Barrier(marking, perP, shared, rt.config().broken());
        this.markDone = new MarkDone(rt.gcSupport(), barrier, perP, shared);
        this.assist = new Assist(rt, barrier, pacer);
        pacer.useAssistTime(assist::assistNanos);
        if (pacer.countsRoots()) {
            heapGc.setPacerHook(pacer);
        }
        this.bgMarkWorkers = new BgMarkWorker[procs];
        this.workerContext = new BgMarkWorker.Context(rt, controller, roots, marking, pool, perP, assist,
                () -> currentCycle, bgMarkReady);
        this.stress = new StressTrigger(rt, 0, false, triggerWakeup::post);
        this.coordinator = new GcCoordinator(rt);
        this.runtimeGC = new RuntimeGC(rt, heapGc, triggerWakeup::post);
    }

    /**
     * Turns on the stress triggers (see {@link StressTrigger}): a cycle after
     * every {@code gcEvery} allocations counted across all Ps (0 = off), and/or
     * a cycle requested at every cooperative safe point while none runs.
     * Call before {@link #start}, from the thread that built the collector.
     */
    public void setStressTriggers(long gcEvery, boolean atSafepoints) {
        this.stress = new StressTrigger(rt, gcEvery, atSafepoints, triggerWakeup::post);
    }

    /**
     * Test seam: runs on the cycle's thread at the start of mark termination (world stopped,
     * workers gone), before gcMark's checks, with the global work pool; a test leaves work queued
     * there to make the "non-empty mark queue" check fire. Null (the default) costs one read.
     */
    void setMarkTerminationHookForTest(@Nullable Consumer<WorkPool> hook) {
        markTerminationHookForTest = hook;
    }

    /**
     * Test seam: runs on the thread starting a cycle (the trigger thread or gc()'s caller) after
     * gcStart's sweep, just before it takes startSema, e.g. to hold it there while the test closes
     * the collector. Null (the default) costs one read.
     */
    void setBeforeStartSemaHookForTest(@Nullable Runnable hook) {
        beforeStartSemaHookForTest = hook;
    }

    /** Whether close() has begun (it sets this first, then waits for a cycle in progress). Tests. */
    boolean closedForTest() {
        return closed;
    }

    /**
     * Test seam (fault injection): {@code hook} runs on the mark worker holding
     * a suspended G just before it scans the stack, e.g. to deschedule it on a
     * latch. Null removes it.
     */
    void setScanHookForTest(@Nullable Consumer<G> hook) {
        roots.scanHookForTest = hook;
    }

    /** Whether the collector is in the mark phase (Go's gcphase == _GCmark). Any thread. */
    boolean inMarkPhase() {
        return gcphase == GC_MARK;
    }

    /** The mark assists, for this package's tests. */
    Assist assistForTest() {
        return assist;
    }

    /** Cycles started by the stress triggers so far. Any thread. */
    public long stressCycles() {
        return stress.cyclesRun();
    }

    /** Installs the hooks into the scheduler and the heap and starts the collector's threads. */
    public void start() {
        rt.setGcHooks(new GcHooks() {
            @Override
            public int afterAllocate(M mp, G gp, long bytes) {
                int r = assist.afterAllocate(mp, gp, bytes);
                int s = stress.afterAllocate(mp, gp, r == 0);
                return r != 0 ? r : s;
            }

            @Override
            public void acquiredP(P pp) {
                heapGc.prepareForSweep(pp.id());
            }

            @Override
            public boolean wantsSafePoints() {
                return stress.atSafepoints();
            }

            @Override
            public void atSafePoint(M mp, G gp) {
                stress.atSafePoint();
            }

            @Override
            public void scanOwnStack(M mp, G gp) {
                Assist.Mark m = assist.currentMark();
                GcWork gcw = barrier.ownGcWork();
                if (m != null && gcw != null) {
                    m.roots().scanOwnStack(m.work(), m.marking(), gcw, gp);
                }
            }

            @Override
            public @Nullable G findRunnableGCWorker(P pp) {
                CycleWork work = currentCycle;
                if (work == null || !work.blackenEnabled) {
                    throw new GoThrow("gcControllerState.findRunnable: blackening not enabled");
                }
                int pid = pp.id();
                return controller.findRunnableGCWorker(pid,
                        BgMarkWorker.gcMarkWorkAvailable(work, pool, perP[pid]));
            }

            @Override
            public @Nullable G findIdleGCWorker(P pp) {
                CycleWork work = currentCycle;
                if (work == null || !work.blackenEnabled) {
                    return null;
                }
                int pid = pp.id();
                return controller.findIdleGCWorker(pid, BgMarkWorker.gcMarkWorkAvailable(work, pool, perP[pid]));
            }

            @Override
            public boolean idleMarkWorkFor(@Nullable P pp) {
                CycleWork work = currentCycle;
                if (work == null || !work.blackenEnabled) {
                    return false;
                }
                return pp == null ? BgMarkWorker.gcMarkWorkAvailable(work, pool, null) : controller.hasWorker(pp.id());
            }

            @Override
            public int runtimeGC(M mp, G gp) {
                return runtimeGC.gc(mp, gp);
            }

            @Override
            public void goexit(G gp) {
                assist.goexit(gp);
            }

            @Override
            public void shadeStackWrite(long ptr) {
                if (gcphase != GC_OFF) {
                    barrier.shade(ptr);
                }
            }
        });
        if (config.autoTrigger()) {
            heapGc.setGcTriggerHook(live -> requestCycle());
        }
        rt.platform().newThread(this::triggerLoop, "gcsim-gc-trigger").start();
        rt.platform().newThread(this::bgsweep, "gcsim-bgsweep").start();
    }

    /** Channel buffers the mutator uses: they are roots (see {@link CycleWork}). */
    public void addChannelRoots(Chan... cs) {
        Collections.addAll(chans, cs);
    }

    /** Called with each cycle's record when the cycle ends, on the collector's thread. */
    public void setCycleListener(Consumer<CycleRecord> l) {
        this.listener = l;
    }

    public List<CycleRecord> records() {
        return List.copyOf(records);
    }

    /**
     * The JMH benchmarks' access to this collector beyond the public API (a write barrier outside
     * a cycle). Its type's package is exported to the benchmarks alone, so another module can call
     * this but do nothing with the result. Any thread.
     */
    public BenchmarkSupport benchmarkSupport() {
        return new StandaloneBarrier(heap);
    }

    /** Descriptions of every object checkmark found that concurrent mark missed (empty when all is well). */
    public List<String> checkmarkFailures() {
        synchronized (checkmarkFailures) {
            return List.copyOf(checkmarkFailures);
        }
    }

    /**
     * Go's runtime.GC: runs a full cycle now and returns its record, after
     * any cycle in progress. Not from an M (a mutator cannot block on it).
     */
    public CycleRecord gc() {
        if (M.getm() != null) {
            throw new IllegalStateException("Collector.gc() from an M would deadlock stop-the-world");
        }
        CycleRecord r = runCycle(true);
        if (r == null) {
            throw new IllegalStateException("Collector.gc() after close()");
        }
        return r;
    }

    /** Asks the trigger thread for a cycle (gcTrigger{kind: gcTriggerHeap}); returns at once. */
    void requestCycle() {
        triggerWakeup.post();
    }

    private void triggerLoop() {
        try {
            triggerCycles();
        } catch (RuntimeException | Error e) {
            if (!rt.hasExited()) {
                rt.gcSupport().fatal(e); // a throw during a triggered cycle ends the process
                return;
            }
            // The process exited during a triggered cycle ("stopTheWorld: process
            // exited", "suspendG: process exited"): the cycle is abandoned, as in Go,
            // where the whole process is gone. Whoever ended it reports why.
        }
    }

    private void triggerCycles() {
        while (triggerWakeup.await()) {
            if (rt.hasExited()) {
                return;
            }
            while (!closed && !rt.hasExited() && stress.takeRequest()) {
                runCycle(false);
                stress.cycleServed();
            }
            // The cycles goroutines' runtime.GC() asked for (gcTriggerCycle; forced).
            runtimeGC.serveRequests(() -> closed || rt.hasExited(), startSema, () -> runCycle(true) != null);
            HeapStats s = heap.stats();
            if (s.heapLive() >= s.gcTrigger()) {
                runCycle(false);
            }
        }
    }

    /**
     * gcStart from its sweep to the end of the cycle, on the calling thread (the trigger thread
     * or gc()'s caller); null when the collector was closed before this caller got startSema.
     * close() sets {@code closed} and then takes startSema, so a cycle either finishes before
     * close() returns or does not start: none can begin while the run shuts the runtime down
     * (whose stop-the-world would then find the process gone mid-phase).
     */
    private @Nullable CycleRecord runCycle(boolean forced) {
        // Go's gcStart: "Pick up the remaining unswept/not being swept spans concurrently",
        // before the world stops, so sweep termination's finishsweep_m has little left. (Go
        // re-tests the trigger each time round; every caller here has just decided to run a
        // cycle, and a cycle that ran meanwhile leaves nothing to sweep.)
        while (!closed && heapGc.sweepOne()) {
            // sweep.nbgsweep++
        }
        Runnable hook = beforeStartSemaHookForTest;
        if (hook != null) {
            hook.run();
        }
        rt.platform().lock(startSema);
        if (closed) {
            startSema.unlock();
            return null;
        }
        rt.gcSupport().enterGcCycle();
        stress.setCycleRunning(true);
        try {
            gcBgMarkStartWorkers();
            coordinator.start();
            return cycle(forced, config.mode() == GcConfig.Mode.STW);
        } finally {
            stress.setCycleRunning(false);
            rt.gcSupport().exitGcCycle();
            startSema.unlock();
        }
    }

    // ---- the phases ----

    /** Go's {@code setGCPhase} (without the barrier flags, set by the callers): also tells the runtime's event listener. */
    private void setGcphase(int phase, String name) {
        gcphase = phase;
        RuntimeEvents ev = rt.runtimeEvents();
        if (ev != RuntimeEvents.NONE) {
            ev.gcPhase(name);
        }
    }

    /**
     * One cycle: sweep termination (world stopped), mark (the worker goroutines and assists,
     * the world running), gcMarkDone, mark termination (world stopped). In stop-the-world mode
     * (Go's gcstoptheworld=1) the world runs during mark too, but user goroutines are not
     * scheduled (schedEnableUser(false)) and every P runs a dedicated worker. Deliberate
     * difference in the record: there, no user goroutine runs from sweep termination to the end
     * of mark termination, so the record counts the mark phase as part of the mark-termination
     * pause (concurrentMarkNanos 0), where Go's gctrace prints it as the mark phase.
     */
    private CycleRecord cycle(boolean forced, boolean stwMode) {
        Histogram suspendLatency = gcResetMarkState();
        CycleClock clock = new CycleClock(rt.platform().nanoTime());
        SchedCounters before = SchedCounters.of(rt);
        CycleWork work = new CycleWork(rt, chans.toArray(new Chan[0]), clock.tSweepTerm,
                config.stackScan() == GcConfig.StackScanStrategy.TWO_PHASE, suspendLatency);
        CycleOutcome out = new CycleOutcome();
        // worldsema (WorldSema's owner field): go1.14's gcStart takes it before sweep termination
        // and gcMarkTermination lets it go after its forEachP; from go1.15 (gcsema) it is free
        // during concurrent mark and gcMarkDone takes it again at its top. The cycle thread holds
        // it for the coordinator goroutine's phases (it has no P, so it may block for it).
        WorldSema worldsema = rt.worldSema();
        boolean holdThroughMark = rt.config().goVersion().worldsemaHeldThroughMark();
        worldsema.acquireOffM("gcStart: process exited");
        coordinator.call(gp -> sweepTermination(work, clock, out, stwMode), "gcStart: process exited");
        if (!holdThroughMark) {
            worldsema.release();
        }
        while (!out.terminated) {
            // gcMarkDone's top: wait for the transition condition, then try to terminate.
            awaitIdle(work);
            if (!holdThroughMark) {
                // "forEachP needs worldsema to execute, and we'll need it to stop the world
                // later, so acquire worldsema now." (go1.15's gcMarkDone)
                worldsema.acquireOffM("gcMarkDone: process exited");
            }
            try {
                coordinator.call(gp -> gcMarkDone(work, clock, out, stwMode, gp), "gcMarkDone: process exited");
            } catch (RuntimeException | Error e) {
                if (!out.terminated || !rt.hasExited()) {
                    throw e;
                }
                // The world was started again and runtime.GC's callers woken; the program ended
                // before the phase's tail (the mcache flush) did: the cycle is complete.
            }
            if (!holdThroughMark && !out.terminated) {
                worldsema.release();
            }
        }
        if (!rt.hasExited()) {
            worldsema.release(); // gcMarkTermination's semrelease(&worldsema), after its forEachP
        }
        return finish(work, clock, before, forced, out);
    }

    /** What a cycle's stopped phases hand back to its thread (written on the coordinator goroutine). */
    private static final class CycleOutcome {
        long heap0;
        long heap1;
        long goal;
        CycleRecord.Checkmark checkmark = CycleRecord.Checkmark.OFF;
        /** Mark termination ran and the world was started again (read by the cycle thread also after a throw). */
        volatile boolean terminated;
    }

    /**
     * gcStart from stopTheWorldWithSema("GC sweep termination") to startTheWorldWithSema: sweep
     * termination and the mark setup. On the coordinator goroutine (an M holding a P).
     */
    private void sweepTermination(CycleWork work, CycleClock clock, CycleOutcome out, boolean stwMode) {
        rt.stopTheWorld("GC sweep termination");
        out.heap0 = heap.heapLive();
        gcStart(work, stwMode);
        clock.tMark = rt.platform().nanoTime();
        clock.sweepTermination(pauses.take(rt.startTheWorld()), initNanos);
    }

    /**
     * gcMarkTermination after startTheWorldWithSema: "Ensure all mcaches are flushed. Each P will
     * flush its own mcache before allocating, but idle Ps may not. Since this is necessary to
     * sweep all spans, we need to ensure all mcaches are flushed before we start the next GC
     * cycle." forEachP(prepareForSweep), with the world running: per P, nothing of it inside the
     * pause; the coordinator's own P first, directly. Every P an M acquires after the restart is
     * flushed first anyway (acquirep's prepareForSweep, the {@code acquiredP} hook), so no user
     * code allocates from or reads through a stale mcache; this catches the Ps that stay idle and
     * the coordinator's, which it kept through the restart. The coordinator goroutine, as Go's
     * runs on the cycle's goroutine before it lets go of worldsema. A process that has exited
     * has no P left to flush (forEachP would throw "forEachP: process exited"; runtime.GC's
     * callers are already awake, and their program may have ended meanwhile).
     */
    private void flushMCachesPerP() {
        if (rt.hasExited()) {
            return;
        }
        try {
            rt.gcSupport().forEachP(WaitReason.FLUSH_PROC_CACHES.toString(), heapGc::prepareForSweep);
        } catch (GoThrow e) {
            if (!rt.hasExited()) {
                throw e;
            }
            // "forEachP: process exited": the program ended meanwhile; nothing is left to flush.
        }
    }

    /**
     * Go's gcResetMarkState, which gcStart runs before it stops the world: "This is safe to do
     * without the world stopped because any Gs created during or after this will start out in
     * the reset state." Resets every G's scan state and assist credit (under allglock in Go:
     * here over a snapshot of allgs, which only grows; a G made later starts reset). Also makes the
     * cycle's suspendG histogram, whose allocation is not small, so that nothing proportional to
     * goroutines or to the histogram's size is done while the world is stopped. The cycle
     * thread, under startSema, world running.
     */
    private Histogram gcResetMarkState() {
        for (G gp : rt.allgsSnapshot()) {
            gp.gc().setGcscandone(false); // set to true in markroot's stack job
            gp.gc().resetScanState();
            gp.gc().setAssistBytes(0); // so no credit or debt carries over
        }
        return CycleWork.latencyHistogram();
    }

    /** Sweep termination and mark setup of {@code work}; the world is stopped. */
    private void gcStart(CycleWork work, boolean stwMode) {
        pauses.begin();
        heapGc.finishSweep();
        pauses.end("finishSweep");
        pauses.begin();
        // work.nStackRoots = allglen: nothing proportional to goroutines.
        work.gcMarkRootPrepare(heap.globals().rootBlockCount(), rt.allgsSnapshot(), rt.liveGs());
        pauses.end("rootPrep");
        controller.startCycle(stwMode, config.workers());
        // In STW mode, disable scheduling of user Gs.
        if (stwMode) {
            rt.gcSupport().schedEnableUser(false);
        }
        rt.stackAllocator().setGcRunning(true);
        long heapLive = heap.heapLive();
        long heapGoal = heap.heapGoal();
        long scanWorkExpected = 0; // from go1.18 the pacer's expectation (Assist.enable)
        if (!assist.pacer().countsRoots()) {
            // go1.14's revise as startCycle runs it (gcController.scanWork = 0): the scan work
            // expected is heap_scan's steady-state live share, heap_scan * 100 / (100 + GOGC);
            // past the soft goal, all of heap_scan by 1.1 x the goal (maxOvershoot).
            long heapScan = heap.heapScan();
            int gogc = heap.config().gogc();
            int gcpercent = gogc < 0 ? 100000 : gogc;
            scanWorkExpected = (long) (heapScan * 100.0 / (100 + gcpercent));
            if (heapLive > heapGoal) {
                heapGoal = (long) (heapGoal * 1.1);
                scanWorkExpected = heapScan;
            }
        }
        assist.enable(new Assist.Mark(work, roots, marking, pool), heapLive, heapGoal, scanWorkExpected);
        heapGc.setWriteBarrier(barrier);
        // Go's mallocgc marks a new object while gcphase != _GCoff (gcmarknewobject);
        // here the heap asks this flag. --break allocate-black (never Go): new objects
        // start white, so one that only an already-scanned stack holds is swept.
        heapGc.setAllocateBlack(allocateBlack);
        runtimeGC.cycleStarted();
        setGcphase(GC_MARK, "_GCmark");
        currentCycle = work;
        // Concurrent mark: gcController.markStartTime, then atomic.Store(&gcBlackenEnabled, 1).
        controller.setMarkStartTime(rt.platform().nanoTime());
        work.blackenEnabled = true;
        rt.gcSupport().setGcBlackenEnabled(true);
    }

    /**
     * Go's gcBgMarkStartWorkers: "Background marking is performed by per-P G's. Ensure that
     * each P has a background GC G." Starts the worker goroutine of every P that has none and
     * waits until it runs (notetsleepg on work.bgMarkReady); it attaches to its P when it
     * parks. The cycle's thread, under startSema, before the world stops.
     */
    private void gcBgMarkStartWorkers() {
        for (int pid = 0; pid < bgMarkWorkers.length; pid++) {
            if (bgMarkWorkers[pid] == null) {
                BgMarkWorker w = new BgMarkWorker(workerContext, pid);
                bgMarkWorkers[pid] = w;
                rt.newBgMarkWorker(w);
                while (!rt.platform().tryAcquire(bgMarkReady, TimeUnit.MILLISECONDS.toNanos(1))) {
                    if (rt.hasExited()) {
                        throw new GoThrow("gcBgMarkStartWorkers: process exited");
                    }
                }
            }
        }
    }

    /**
     * Go's gcMarkDone (go1.14) after its transition condition held (the cycle thread waited for
     * it: {@link #awaitIdle}): the ragged barrier (forEachP: every P flushes its wbBuf and
     * gcWork) and, if any P had flushed work, back to the top (return); else stop the world,
     * flush every P's wbBuf again and restart concurrent mark if a P's gcWork is not empty
     * (go1.14's issue-27993 check; return); else {@link #markTermination}, which starts the
     * world again. See {@link MarkDone}. On the coordinator goroutine {@code gp} (an M holding a
     * P), as Go's runs on the last worker's.
     */
    private void gcMarkDone(CycleWork work, CycleClock clock, CycleOutcome out, boolean stwMode, G gp) {
        if (markDone.raggedBarrier()) {
            return; // gcMarkDoneFlushed != 0: more grey objects were discovered
        }
        rt.stopTheWorld("GC mark termination");
        // Every worker goroutine is parked now (a preempted worker stops draining and
        // parks); what they and the mutators left in the Ps' wbBuf and gcWork is looked at.
        if (markDone.workLeftAfterStop()) {
            rt.startTheWorld();
            pauses.discard();
            return;
        }
        // Disable assists and background workers. We must do
        // this before waking blocked assists.
        work.blackenEnabled = false;
        rt.gcSupport().setGcBlackenEnabled(false);
        // In STW mode, re-enable user goroutines. These will be
        // queued to run after we start the world.
        rt.gcSupport().schedEnableUser(true);
        clock.tMarkTerm = stwMode ? clock.tMark : rt.platform().nanoTime();
        out.heap1 = heap.heapLive();
        markTermination(work, clock, out, stwMode, gp);
    }

    /**
     * With the world stopped and the workers parked: Go's gcMarkTermination up to and including
     * startTheWorldWithSema. "We must not be in _Grunning so the stack can be scanned": the
     * coordinator goroutine waits "garbage collection" meanwhile (the checkmark pass scans every
     * G, it too). The coordinator goroutine {@code gp}.
     */
    private void markTermination(CycleWork work, CycleClock clock, CycleOutcome out, boolean stwMode, G gp) {
        gp.gc().enterWaitingGarbageCollection();
        out.checkmark = gcMarkTermination(work);
        // No finally: a throw is fatal and leaves every G as it is, as Go's throw does.
        gp.gc().exitWaiting();
        out.goal = heap.heapGoal();
        clock.tEnd = rt.platform().nanoTime();
        WorldStop stop = rt.startTheWorld();
        clock.markTermination(pauses.take(stop), initNanos, stwMode);
        out.terminated = true;
        // "Prepare workbufs for freeing by the sweeper": go1.14's gcMarkTermination runs
        // prepareFreeWorkbufs, and its "work.full != 0" check, after startTheWorldWithSema. Nothing
        // can queue work meanwhile: marking is off and the next cycle waits for this one.
        pool.checkAllEmpty();
        flushMCachesPerP();
        // Wake the goroutines waiting in runtime.GC(). Deliberate difference in order: Go injects
        // them before startTheWorldWithSema, ahead of the mcache flush; here they wake once every
        // mcache is flushed, so the sweep their GC() finishes reaches every span (a span still
        // cached in the coordinator's P, which kept it through the restart, is not sweepable, and a
        // caller woken first could read an object the cycle lost before it is freed and poisoned).
        runtimeGC.markTerminated();
    }

    /**
     * Go's gcMarkDone transition condition ({@code work.nwait == work.nproc &&
     * !gcMarkWorkAvailable(nil)}): blocks until no worker or assist is draining and no global
     * work or root job is left. Tests first: the
     * second call of gcMarkDone usually finds the workers already idle, and the signal they gave
     * was drained by the first call (waiting for it cost a 1 ms timeout every cycle).
     */
    private void awaitIdle(CycleWork work) {
        while (work.nwait.get() != CycleWork.NPROC || !pool.fullIsEmpty() || work.rootsLeft()) {
            if (!pool.fullIsEmpty() || work.rootsLeft()) {
                // Work waits (e.g. a ragged barrier just flushed it to the global lists) and this
                // thread has no P to run a worker on: wake an idle P, whose M will run its worker.
                rt.gcSupport().wakeIdleP();
            }
            if (rt.hasExited()) {
                // A throw ended the process (a worker's, which will never go idle, or an M's):
                // the cycle is abandoned, as stopTheWorld and suspendG abandon it.
                throw new gcsim.base.GoThrow("gcMarkDone: process exited");
            }
            if (Thread.currentThread().isInterrupted()) {
                // gcsim: the caller gave up on this cycle (a test's timeout interrupts its thread);
                // spinning on would outlive it and hang the whole run.
                throw new gcsim.base.GoThrow("gcMarkDone: interrupted");
            }
            rt.platform().tryAcquire(work.idleSignal, TimeUnit.MILLISECONDS.toNanos(1));
            work.idleSignal.drainPermits();
        }
    }

    /** Mark termination with the world stopped; returns the checkmark outcome. */
    private CycleRecord.Checkmark gcMarkTermination(CycleWork work) {
        setGcphase(GC_MARKTERMINATION, "_GCmarktermination");
        assist.disable();
        Consumer<WorkPool> hook = markTerminationHookForTest;
        if (hook != null) {
            hook.accept(pool);
        }
        pauses.begin();
        checkNoMarkWorkLeft(work);
        if (config.checkmark()) {
            // As go1.14's gcMark: "This is expensive when there's a large number of Gs, so only
            // do it if checkmark is also enabled."
            work.gcMarkRootCheck();
        }
        if (!pool.fullIsEmpty()) {
            throw new gcsim.base.GoThrow("work.full != 0");
        }
        pauses.end("checks");
        // Go's gcWork.dispose folds scanWork into gcController.scanWork too (drains flushed theirs).
        long scanWork = assist.pacer().scanWorkAccounts().heapScanWork(); // zeroed by gcStart's assist.enable
        long[] greyedByP = new long[perP.length];
        for (int p = 0; p < perP.length; p++) {
            GcWork gcw = perP[p];
            greyedByP[p] = gcw.objectsMarked;
            work.objectsMarked.addAndGet(gcw.objectsMarked);
            work.bytesMarked.addAndGet(gcw.bytesMarked);
            scanWork += gcw.scanWork;
            gcw.objectsMarked = 0;
            gcw.bytesMarked = 0;
            gcw.scanWork = 0;
        }
        work.objectsGreyedByP = greyedByP;
        // Go's gcMark: memstats.heap_marked = work.bytesMarked, which includes what
        // gcmarknewobject counted and what the write barrier marked (here: also the barrier's
        // shared gcWork of threads without a P). O(Ps), nothing proportional to the heap.
        long heapMarked = work.bytesMarked.get() + markDone.takeSharedBytesMarked() + heapGc.takeMarkedNewBytes();
        if (checkHeapMarkedForTest && heapMarked != heap.markedBytes()) {
            throw new IllegalStateException("heap_marked " + heapMarked + " != marked bytes " + heap.markedBytes());
        }
        heapGc.setWriteBarrier(null);
        CycleRecord.Checkmark cm = CycleRecord.Checkmark.OFF;
        if (config.checkmark()) {
            pauses.begin();
            cm = checkmark(work);
            pauses.end("checkmark");
        }
        heapGc.setAllocateBlack(false);
        setGcphase(GC_OFF, "_GCoff");
        rt.stackAllocator().setGcRunning(false);
        // As go1.14's gcMark: heap_live = heap_marked = work.bytesMarked. The mcaches are not
        // flushed here: what they cached was counted in the old heap_live, which this replaces,
        // and those spans are stale once the sweep starts (uncacheSpan then leaves heap_live
        // alone). They are flushed per P after the world restarts (flushMCachesPerP).
        // go1.14's gcMark: memstats.heap_scan = uint64(gcController.scanWork) (go1.14's pacer reads it).
        heapGc.setHeapScan(scanWork);
        heapGc.setHeapMarked(heapMarked);
        pauses.begin();
        heapGc.gcSweep();
        pauses.end("sweepStart");
        return cm;
    }

    /**
     * gcMark's first check (mgc.go): with the world stopped after concurrent mark, no work may be
     * queued on the global list and every root job must have been claimed. Go prints the state
     * and panics; gcMark runs on the system stack (gcMarkTermination's systemstack call), where
     * gopanic prints "panic: " and the value and throws "panic on system stack": that is the
     * GoThrow here, the print line and the panic line its runtimePrint.
     *
     * <p>{@code full=} is {@code hex(work.full)}, the lfstack's head word, as Go prints it (here
     * the top buffer's push count and number, where Go packs its address; 0 exactly when the list
     * is empty). Deliberate differences: Go's root kinds are data, BSS, spans and stacks; ours are data/bss blocks (one
     * kind, printed as nDataRoots, nBSSRoots=0), no span roots, and stack jobs. The cycle's
     * thread, world stopped.
     */
    private void checkNoMarkWorkLeft(CycleWork work) {
        int next = work.markrootNext.get();
        if (!pool.fullIsEmpty() || next < work.markrootJobs) {
            int nStackRoots = work.markrootJobs - work.baseStacks;
            throw new gcsim.base.GoThrow("panic on system stack",
                    "runtime: full=0x" + Long.toHexString(pool.fullWord()) + " next=" + next
                            + " jobs=" + work.markrootJobs + " nDataRoots=" + work.nDataRoots
                            + " nBSSRoots=0 nSpanRoots=0 nStackRoots=" + nStackRoots + "\n"
                            + "panic: " + NON_EMPTY_MARK_QUEUE);
        }
    }

    /**
     * Go's gccheckmark pass: with the world stopped, re-mark from every root
     * using the checkmark bits; an object reachable but not marked by the
     * cycle is a lost object. Recorded (with the path that reaches it) and
     * repaired so the sweep keeps it; the cycle reports FAILED.
     */
    private CycleRecord.Checkmark checkmark(CycleWork cycle) {
        heapGc.clearCheckmarks();
        AllGsSnapshot allgs = rt.allgsSnapshot();
        for (G gp : allgs) {
            gp.gc().setGcscandone(false);
        }
        int failuresBefore = checkmarkFailures.size();
        Marking check = Marking.checkmark(heap, new CheckmarkPaths(this::describeRoot), checkmarkFailures::add);
        // The checkmark's suspendG calls find every G stopped; their latencies are not the cycle's.
        checkmarkLatencies.reset();
        CycleWork work = new CycleWork(rt, cycle.chans, cycle.tstart, false, checkmarkLatencies);
        work.gcMarkRootPrepare(cycle.nDataRoots, allgs, rt.liveGs());
        GcWork gcw = GcWork.create(pool, rt.config().goVersion());
        for (int i = 0; i < work.markrootJobs; i++) {
            work.markrootNext.incrementAndGet();
            roots.markroot(work, check, gcw, i, checkmarkLatencies);
        }
        for (long b; (b = gcw.tryGet()) != 0; ) {
            check.scanobject(b, gcw);
        }
        gcw.dispose();
        return checkmarkFailures.size() > failuresBefore ? CycleRecord.Checkmark.FAILED : CycleRecord.Checkmark.OK;
    }

    private @Nullable String describeRoot(long slot) {
        if (heap.globals().contains(slot)) {
            return String.format("global slot 0x%x", slot);
        }
        for (G gp : rt.allgs()) {
            gcsim.stacks.Stack s = gp.stack();
            if (s != null && s.contains(slot)) {
                return String.format("stack slot 0x%x of goroutine %d", slot, gp.goid());
            }
        }
        return null;
    }

    private CycleRecord finish(CycleWork work, CycleClock c, SchedCounters before, boolean forced,
            CycleOutcome out) {
        int procs = rt.allp().length;
        long sweepTermCpu = (c.tMark - c.tSweepTerm) * procs;
        long markTermCpu = (c.tEnd - c.tMarkTerm) * procs;
        long assistCpu = assist.takeAssistNanos();
        CycleRecord.MarkWorkers workers = controller.takeCycle(work.objectsGreyedByP);
        long bgCpu = workers.dedicatedNanos() + workers.fractionalNanos();
        long elapsed = Math.max(c.tEnd - initNanos, 1);
        gcCpuNanosTotal += sweepTermCpu + markTermCpu + assistCpu + bgCpu;
        int util = (int) (100.0 * gcCpuNanosTotal / ((double) elapsed * procs));
        SchedCounters after = SchedCounters.of(rt);
        // The workers' suspendG histograms, merged with the world running (a merge walks every
        // bucket: not something to do while stopped). Every worker is parked and no cycle can
        // start before this one's thread lets go of startSema, so none is recording.
        for (BgMarkWorker w : bgMarkWorkers) {
            if (w != null) {
                w.addLatenciesTo(work);
            }
        }
        Histogram h = work.suspendLatency;
        CycleRecord r = new CycleRecord(records.size() + 1, c.tSweepTerm - initNanos, util,
                c.tMark - c.tSweepTerm, c.tMarkTerm - c.tMark, c.tEnd - c.tMarkTerm,
                sweepTermCpu, assistCpu, bgCpu, workers.idleNanos(), markTermCpu,
                out.heap0, out.heap1, heap.stats().heapMarked(), out.goal, procs, forced,
                work.objectsMarked.get(), work.bytesMarked.get(),
                work.stacksScanned.get(), work.framesScanned.get(),
                new CycleRecord.SuspendLatency(work.suspendCalls.get(), work.suspendDead.get(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue(), buckets(h)),
                after.cooperative - before.cooperative, after.async - before.async, out.checkmark,
                assist.takeStats(assistCpu), new CycleRecord.RootSnapshot(work.allgs.length(), work.aliveAtSnapshot),
                strategies(work, after.suspend.minus(before.suspend)), workers,
                new CycleRecord.Pauses(c.sweepTermPause, c.markTermPause), assist.pacer().takeCycle());
        records.add(r);
        wakeSweeper();
        listener.accept(r);
        return r;
    }

    // ---- background sweep (Go's bgsweep) ----

    private void wakeSweeper() {
        sweepWakeup.post();
    }

    private void bgsweep() {
        while (sweepWakeup.await()) {
            // One span at a time, yielding between spans as bgsweep Goscheds;
            // a cycle starting meanwhile finishes the sweep itself.
            while (!closed && heapGc.sweepOne()) {
                rt.platform().yield();
            }
        }
    }

    /** Stops the collector's threads; a cycle in progress finishes first. */
    @Override
    public void close() {
        closed = true;
        triggerWakeup.close();
        sweepWakeup.close();
        // A cycle in progress finishes first; the worker goroutines stay parked, as Go's
        // do between cycles (they are system goroutines: checkdead and the dumps skip them).
        rt.platform().lock(startSema);
        startSema.unlock();
        heapGc.setGcTriggerHook(null);
    }

    /**
     * A request flag a collector thread sleeps on (the trigger thread, bgsweep):
     * {@link #post} sets it and wakes the thread; {@link #await} waits for it,
     * clears it and returns true, or returns false once closed.
     */
    private static final class Wakeup {
        private final Platform platform;
        private volatile boolean pending;
        private volatile boolean closed;
        /** The one thread that awaits, published before it looks at pending (Dekker with post). */
        private volatile @Nullable Thread waiter;

        Wakeup(Platform platform) {
            this.platform = platform;
        }

        void post() {
            pending = true;
            wake();
        }

        void close() {
            closed = true;
            wake();
        }

        private void wake() {
            Thread w = waiter;
            if (w != null) {
                platform.unpark(w);
            }
        }

        /** The owning thread only. */
        boolean await() {
            waiter = Thread.currentThread();
            while (!pending && !closed) {
                platform.park(this);
                if (Thread.interrupted()) {
                    return false;
                }
            }
            pending = false;
            return !closed;
        }
    }

    /**
     * The histogram's counts per latency range, doubling from {@code FIRST_BUCKET_NANOS} (empty
     * ranges left out). The cycle thread, world running (a walk over every bucket).
     */
    private static List<CycleRecord.SuspendLatency.Bucket> buckets(Histogram h) {
        List<CycleRecord.SuspendLatency.Bucket> out = new ArrayList<>();
        if (h.getTotalCount() == 0) {
            return out;
        }
        for (var v : h.logarithmicBucketValues(CycleRecord.SuspendLatency.FIRST_BUCKET_NANOS, 2.0)) {
            long n = v.getCountAddedInThisIterationStep();
            if (n > 0) {
                out.add(new CycleRecord.SuspendLatency.Bucket(v.getValueIteratedTo() + 1, n)); // the step's exclusive bound
            }
        }
        return out;
    }

    private static CycleRecord.Strategies strategies(CycleWork w, SuspendWaitCounters.Snapshot d) {
        return new CycleRecord.Strategies(d.spins(), d.parks(), d.wakeups(), d.parkTimeouts(), d.waitingCalls(),
                d.waitCpuNanos(), w.stacksNoWait.get(), w.stacksSelfScanned.get(), w.stacksBlocked.get(),
                w.blockedNanos.get(), w.stackJobNanos.get());
    }

    /** Preemption and suspendG counters at a moment, to attribute them to a cycle. */
    private record SchedCounters(long cooperative, long async, SuspendWaitCounters.Snapshot suspend) {
        static SchedCounters of(Sched rt) {
            Sched.SchedStats s = rt.stats();
            return new SchedCounters(s.preemptionsCooperative(), s.preemptionsAsync(),
                    rt.suspendWaitCounters().snapshot());
        }
    }
}
