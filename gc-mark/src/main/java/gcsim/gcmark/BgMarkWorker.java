package gcsim.gcmark;

import gcsim.base.GoThrow;
import gcsim.goroutines.G;
import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.WaitReason;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's {@code gcBgMarkWorker} (mgc.go): the background mark worker of one P, a system
 * goroutine. gcBgMarkStartWorkers starts one per P before the first cycle; it tells the
 * collector it is ready, parks ("GC worker (idle)") and attaches itself to its P. From then on
 * only the scheduler runs it: {@code findRunnableGCWorker} (schedule) or findrunnable's idle
 * check makes it runnable on its own P when {@link GcController} says the P should mark, in one
 * of three modes. Each time it runs:
 * <ol>
 *   <li>{@code work.nwait--} (Go counts active workers down from {@code work.nproc}, an
 *       arbitrarily large number, so {@code nwait == nproc} means "no worker is working");
 *   <li>the G goes to _Gwaiting while it drains, "so its stack can be scanned. This lets two
 *       mark workers scan each other (otherwise, they would deadlock)";
 *   <li>{@link #gcDrain} by mode: dedicated drains until preempted, kicks its P's run queue
 *       to the global one if it was, then drains to the end without preemption; fractional
 *       drains until preempted or over its share ({@code pollFractionalWorkerExit}); idle
 *       drains until preempted or its P has other work ({@code pollWork});
 *   <li>the time goes to its mode; {@code work.nwait++}; the last worker out with no work in
 *       sight signals the collector, which runs gcMarkDone;
 *   <li>it parks again.
 * </ol>
 * The worker never leaves its M except by parking: it is never preempted into a run queue (it
 * checks {@code gp.preempt} itself), so when its P schedules it is always parked.
 *
 * <p>Deliberate difference: Go's last worker calls gcMarkDone itself, on its G; here the
 * collector's cycle thread runs gcMarkDone and mark termination (it stops the world without
 * holding a P), so the worker only signals it ({@link CycleWork#idleSignal}).
 *
 * <p>Threads: {@link #run} on whichever M runs the G, one at a time; the fields are the G's
 * own ({@link #started}) or handed over with the world stopped ({@link #latencies}, taken by
 * the collector at mark termination while the worker is parked).
 */
final class BgMarkWorker implements GoCode {
    /** Go's gcDrainFlags. */
    static final int DRAIN_UNTIL_PREEMPT = 1;
    static final int DRAIN_FLUSH_BG_CREDIT = 2;
    static final int DRAIN_IDLE = 4;
    static final int DRAIN_FRACTIONAL = 8;
    /** Go's gcCreditSlack: flush scan credit to assists every 2000 units. */
    static final int GC_CREDIT_SLACK = 2000;

    /** What every worker of one collector shares. */
    record Context(Sched rt, GcController controller, Roots roots, Marking marking, WorkPool pool,
            GcWork[] perP, Assist assist, Supplier<@Nullable CycleWork> cycle, Semaphore bgMarkReady) {}

    private final Context c;
    /** The P this worker belongs to (Go's {@code _p_} argument). */
    private final int pid;
    /** Whether the G has run its start-up part (told the collector it is ready). The G's M. */
    private boolean started;
    /**
     * suspendG latencies of this worker's stack jobs in {@link #latenciesOf}'s cycle; see
     * {@link #addLatenciesTo}. Reset by the worker itself at its first run of a cycle, so that no
     * histogram is allocated or cleared while the world is stopped.
     */
    private final Histogram latencies = CycleWork.latencyHistogram();
    /** The cycle {@link #latencies} holds figures of, or null when they were taken. */
    private @Nullable CycleWork latenciesOf;

    BgMarkWorker(Context c, int pid) {
        this.c = c;
        this.pid = pid;
    }

    @Override
    public int run(M mp, G gp) {
        if (!started) {
            started = true;
            // Inform gcBgMarkStartWorkers that this worker is ready.
            c.bgMarkReady().release();
        } else {
            markOnce(gp);
        }
        // Go to sleep until woken by gcController.findRunnable.
        Sched.gopark(mp, gp, () -> attach(gp), WaitReason.GC_WORKER_IDLE);
        return PARK;
    }

    /**
     * gopark's unlock function: attach to the P now that the G is stopped. Go's worker exits
     * when the P already has another; ours cannot: the collector starts one per P only.
     */
    private void attach(G gp) {
        if (!c.controller().attach(pid, gp)) {
            throw new GoThrow("gcBgMarkWorker: P " + pid + " already has a worker");
        }
    }

    /** One run of the worker: from findRunnableGCWorker's decision to the worker's next park. */
    private void markOnce(G gp) {
        CycleWork work = c.cycle().get();
        if (work == null || !work.blackenEnabled) {
            throw new GoThrow("gcBgMarkWorker: blackening not enabled");
        }
        if (latenciesOf != work) {
            latencies.reset(); // this worker's first run in the cycle: on its own time, world running
            latenciesOf = work;
        }
        long startTime = c.rt().platform().nanoTime();
        long startCpu = ThreadCpu.now(); // gcsim: the worker's thread CPU beside Go's wall time
        c.controller().workerStarted(pid, startTime);
        long decnwait = work.nwait.decrementAndGet();
        if (decnwait == CycleWork.NPROC) {
            throw new GoThrow("work.nwait was > work.nproc",
                    "runtime: work.nwait= " + decnwait + " work.nproc= " + CycleWork.NPROC);
        }
        GcWork gcw = c.perP()[pid];
        GcController.Mode mode = c.controller().mode(pid);
        // Mark our goroutine preemptible so its stack
        // can be scanned. This lets two mark workers
        // scan each other (otherwise, they would
        // deadlock).
        gp.gc().enterWaitingMarkWorker();
        switch (mode) {
            case DEDICATED -> {
                gcDrain(work, gcw, gp, DRAIN_UNTIL_PREEMPT | DRAIN_FLUSH_BG_CREDIT);
                if (gp.gc().preempt()) {
                    // We were preempted. This is a useful signal to kick
                    // everything out of the run queue so it can run
                    // somewhere else.
                    c.rt().gcSupport().kickLocalRunq();
                }
                // Go back to draining, this time
                // without preemption.
                gcDrain(work, gcw, gp, DRAIN_FLUSH_BG_CREDIT);
            }
            case FRACTIONAL -> gcDrain(work, gcw, gp,
                    DRAIN_FRACTIONAL | DRAIN_UNTIL_PREEMPT | DRAIN_FLUSH_BG_CREDIT);
            case IDLE -> gcDrain(work, gcw, gp, DRAIN_IDLE | DRAIN_UNTIL_PREEMPT | DRAIN_FLUSH_BG_CREDIT);
            default -> throw new GoThrow("gcBgMarkWorker: unexpected gcMarkWorkerMode");
        }
        // No finally: a throw is fatal and leaves every G as it is, as Go's throw does.
        // Unwinding through exitWaiting would spin for ever in casgstatus when the throw came
        // from a scan of this worker's own stack (markroot's self-scan), whose scan bit the
        // dying scan still holds: StacksThrowEndsTheRunTest hung that way once.
        gp.gc().exitWaiting();
        // Account for time.
        long cpu = ThreadCpu.now() - startCpu;
        long duration = c.rt().platform().nanoTime() - startTime;
        c.controller().workerStopped(pid, duration, cpu);
        gcsim.goroutines.RuntimeEvents ev = c.rt().runtimeEvents();
        if (ev != gcsim.goroutines.RuntimeEvents.NONE) {
            ev.gcMarkWorkerRun(mode.name().toLowerCase(java.util.Locale.ROOT), duration);
        }
        // Was this the last worker and did we run out
        // of work?
        long incnwait = work.nwait.incrementAndGet();
        if (incnwait > CycleWork.NPROC) {
            throw new GoThrow("work.nwait > work.nproc", "runtime: p.gcMarkWorkerMode= " + mode
                    + " work.nwait= " + incnwait + " work.nproc= " + CycleWork.NPROC);
        }
        // If this worker reached a background mark completion
        // point, signal the main GC goroutine.
        if (incnwait == CycleWork.NPROC && !gcMarkWorkAvailable(work, c.pool(), null)) {
            work.idleSignal.release();
        }
    }

    /**
     * gcDrain's loop condition, negated: whether to stop draining now. go1.14: {@code preemptible
     * && gp.preempt}; go1.22 ({@code yieldToSafePoints}): {@code gp.preempt && (preemptible ||
     * sched.gcwaiting.Load() || pp.runSafePointFn != 0)}. The worker G's M.
     */
    private boolean stopDrain(G gp, boolean preemptible, boolean yieldToSafePoints) {
        if (!gp.gc().preempt()) {
            return false; // the per-object case: one read, no method reference made
        }
        return stopDrain(true, preemptible, yieldToSafePoints, c.rt().gcSupport()::drainShouldYield);
    }

    /** {@link #stopDrain(G, boolean, boolean)} on its inputs (tests); {@code wanted} is read only if it matters. */
    static boolean stopDrain(boolean preempt, boolean preemptible, boolean yieldToSafePoints, BooleanSupplier wanted) {
        if (!preempt) {
            return false;
        }
        return preemptible || (yieldToSafePoints && wanted.getAsBoolean());
    }

    /**
     * Go's gcDrain: root jobs first, then grey objects, until there is no work, or (with
     * {@link #DRAIN_UNTIL_PREEMPT}) the G is asked to stop, or (idle/fractional) the self-preempt
     * check says so every {@link GcController#DRAIN_CHECK_THRESHOLD} units of scan work.
     * The worker G's M, the G _Gwaiting.
     */
    private void gcDrain(CycleWork work, GcWork gcw, G gp, int flags) {
        boolean preemptible = (flags & DRAIN_UNTIL_PREEMPT) != 0;
        boolean flushBgCredit = (flags & DRAIN_FLUSH_BG_CREDIT) != 0;
        long initScanWork = gcw.scanWork;
        // checkWork is the scan work before performing the next
        // self-preempt check.
        long checkWork = Long.MAX_VALUE;
        BooleanSupplier check = null;
        if ((flags & (DRAIN_IDLE | DRAIN_FRACTIONAL)) != 0) {
            checkWork = initScanWork + GcController.DRAIN_CHECK_THRESHOLD;
            if ((flags & DRAIN_IDLE) != 0) {
                check = c.rt().gcSupport()::pollWork;
            } else {
                check = () -> c.controller().pollFractionalWorkerExit(pid);
            }
        }
        // go1.22: "Stop if we're preemptible, if someone wants to STW, or if someone is calling
        // forEachP" (gp.preempt && (preemptible || sched.gcwaiting.Load() || pp.runSafePointFn != 0));
        // go1.14: only if preemptible.
        boolean yieldToSafePoints = c.rt().config().goVersion().workersYieldToSafePoints();
        // Drain root marking jobs.
        if (work.rootsLeft() && drainRoots(work, gcw, gp, preemptible, yieldToSafePoints, flushBgCredit, check)) {
            flushScanWork(gcw, initScanWork, flushBgCredit);
            return;
        }
        // Drain heap marking jobs.
        WorkPool pool = c.pool();
        Marking marking = c.marking();
        // gcsim: the object the last scan greyed last, marked but not yet put on gcw (0: none).
        // It is gcw's logical top: Go puts it there and pops it at once (the LIFO's top), so it
        // is scanned next unless something else must see gcw first, in which case it is put
        // there first. Same objects, same order, same gcWork states as Go's put then tryGetFast;
        // one store and load of the buffer and its count fewer per object (Marking.scanobjectHeld).
        long next = 0;
        // The heap scans the object this loop would scan next itself (the held one, or the top
        // of gcw's current buffer) while this loop would do nothing else first
        // (FusedMark.scanobjectHeld): GcWork.scanNext makes this loop's checks (the stop
        // condition's gp.preempt, work.full, the room for the held object, the flush threshold)
        // and its tryGetFast, so a check or step added here must be added there.
        gcw.startDrainLoop(gp.gc());
        while (!stopDrain(gp, preemptible, yieldToSafePoints)) {
            // Try to keep work available on the global queue.
            if (pool.fullIsEmpty()) {
                next = putHeld(gcw, next); // balance hands off what Go's would
                gcw.balance();
            }
            long b = next;
            if (b != 0 && !gcw.putFastHasRoom()) {
                // Go's put would move buffers first (wbuf1 full): do exactly that, then pop.
                b = putHeld(gcw, b);
            }
            if (b == 0) {
                b = gcw.tryGetFast();
                if (b == 0) {
                    b = gcw.tryGet();
                }
                if (b == 0) {
                    // Unable to get work.
                    break;
                }
            }
            next = marking.scanobjectHeld(b, gcw);
            // Flush background scan work credit to the global
            // account if we've accumulated enough locally so
            // mutator assists can draw on it.
            if (gcw.scanWorkFlushDue()) {
                c.assist().pacer().addHeapScanWork(gcw.scanWork);
                if (flushBgCredit) {
                    c.assist().gcFlushBgCredit(gcw.scanWork - initScanWork);
                    initScanWork = 0;
                }
                checkWork -= gcw.scanWork;
                gcw.scanWork = 0;
                if (checkWork <= 0) {
                    checkWork += GcController.DRAIN_CHECK_THRESHOLD;
                    if (check != null && check.getAsBoolean()) {
                        break;
                    }
                }
            }
        }
        gcw.endDrainLoop();
        putHeld(gcw, next);
        flushScanWork(gcw, initScanWork, flushBgCredit);
    }

    /**
     * gcDrain's root jobs: until none is left or the G is asked to stop; true when the
     * idle/fractional self-preempt {@code check} says to stop draining altogether.
     */
    private boolean drainRoots(CycleWork work, GcWork gcw, G gp, boolean preemptible, boolean yieldToSafePoints,
            boolean flushBgCredit, @Nullable BooleanSupplier check) {
        while (!stopDrain(gp, preemptible, yieldToSafePoints)) {
            int job = work.markrootNext.getAndIncrement();
            if (job >= work.markrootJobs) {
                break;
            }
            long rootWork = c.roots().markroot(work, c.marking(), gcw, job, latencies);
            if (rootWork != 0 && flushBgCredit) {
                // go1.18's markroot(gcw, job, flushBgCredit): stack and globals work is
                // background credit too (0 before go1.18).
                c.assist().gcFlushBgCredit(rootWork);
            }
            if (check != null && check.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    /** Puts gcDrain's held object (if any) on gcw, where Go's scanobject put it; returns 0. */
    private static long putHeld(GcWork gcw, long held) {
        if (held != 0 && !gcw.putFast(held)) {
            gcw.put(held);
        }
        return 0;
    }

    /** gcDrain's done: flush remaining scan work credit. */
    private void flushScanWork(GcWork gcw, long initScanWork, boolean flushBgCredit) {
        if (gcw.scanWork > 0) {
            c.assist().pacer().addHeapScanWork(gcw.scanWork);
            if (flushBgCredit) {
                c.assist().gcFlushBgCredit(gcw.scanWork - initScanWork);
            }
            gcw.scanWork = 0;
        }
    }

    /** Go's gcMarkWorkAvailable(p): p's own gcWork (when given), global work, or root jobs left. */
    static boolean gcMarkWorkAvailable(CycleWork work, WorkPool pool, @Nullable GcWork own) {
        return (own != null && !own.empty()) || !pool.fullIsEmpty() || work.rootsLeft();
    }

    /**
     * Adds this worker's suspendG latencies of {@code work} to the cycle's, if it ran in that
     * cycle, and marks them taken. The collector at mark termination (world stopped, the worker
     * parked: its last park published what it recorded).
     */
    void addLatenciesTo(CycleWork work) {
        if (latenciesOf == work) {
            work.addLatencies(latencies);
            latenciesOf = null;
        }
    }
}
