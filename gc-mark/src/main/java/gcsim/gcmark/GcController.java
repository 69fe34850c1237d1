package gcsim.gcmark;

import gcsim.base.GoThrow;
import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.platform.Platform;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The background half of Go's GC pacer (mgc.go {@code gcControllerState}): how many Ps mark,
 * in which mode, and for how long. go1.14's background utilization goal is 25% of GOMAXPROCS.
 *
 * <h2>Worker modes (Go's {@code gcMarkWorkerMode})</h2>
 * <ul>
 *   <li><b>Dedicated</b>: the P marks until it runs out of work (first preemptibly: a
 *       preemption kicks the P's run queue to the global one; then to the end).
 *       {@link #startCycle} computes {@code dedicatedMarkWorkersNeeded}: 25% of GOMAXPROCS
 *       rounded to the nearest whole P;
 *   <li><b>Fractional</b>: when that rounding is more than 30% off (GOMAXPROCS 1, 2, 3 or 6),
 *       {@code fractionalUtilizationGoal} makes up the rest: a P runs a fractional worker
 *       while its own fractional mark time is below that share of the mark phase's wall time,
 *       and the worker stops ({@link #pollFractionalWorkerExit}) once it is 20% above;
 *   <li><b>Idle</b>: a P with nothing else to run marks until it has (findrunnable).
 * </ul>
 * With GOMAXPROCS 2: no dedicated worker and a fractional goal of 25% (each P's fractional
 * worker marks a quarter of the mark phase's wall time: 25% in all); with 4, one dedicated
 * worker and none fractional; with 6, one dedicated and 1/12 of each P. In stop-the-world mode every P is
 * dedicated. gcsim's {@code --workers N} overrides the dedicated count (no fractional
 * workers then; not Go's default).
 *
 * <p><b>Threads and state.</b> {@link #startCycle} runs with the world stopped on the
 * collector's thread. {@link #findRunnableGCWorker} and {@link #findIdleGCWorker} run on a
 * P's M in schedule/findrunnable; the per-P fields ({@link #mode}, the worker's start time)
 * are written there and read by that P's worker G, which runs on the same M next: the status
 * CAS that hands the worker to the M publishes them. Shared counters are atomics, as Go's.
 */
final class GcController {
    /** Go's gcBackgroundUtilization. */
    static final double GC_BACKGROUND_UTILIZATION = 0.25;
    /** Go's maxUtilError in startCycle. */
    static final double MAX_UTIL_ERROR = 0.3;
    /** Go's drainCheckThreshold: scan work between an idle/fractional worker's self-preempt checks. */
    static final long DRAIN_CHECK_THRESHOLD = 100_000;

    /** Go's gcMarkWorkerMode values. */
    enum Mode { NONE, DEDICATED, FRACTIONAL, IDLE }

    private final Platform platform;
    private final int procs;
    /** Go's dedicatedMarkWorkersNeeded: decremented as dedicated workers start, given back as they stop. */
    private final AtomicLong dedicatedMarkWorkersNeeded = new AtomicLong();
    /** What startCycle chose, for the record (dedicatedMarkWorkersNeeded's value at the start). */
    private volatile long dedicatedAtStart;
    /** Go's fractionalUtilizationGoal: the share of each P's time the fractional worker should mark. */
    private volatile double fractionalUtilizationGoal;
    /** Go's markStartTime: when assists and background workers started (world stopped). */
    private volatile long markStartTime;
    /** Go's dedicatedMarkTime, fractionalMarkTime, idleMarkTime (nanoseconds this cycle). */
    private final AtomicLong dedicatedMarkTime = new AtomicLong();
    private final AtomicLong fractionalMarkTime = new AtomicLong();
    private final AtomicLong idleMarkTime = new AtomicLong();
    /** Worker runs per mode this cycle (gcsim's addition to the record). */
    private final AtomicLong dedicatedRuns = new AtomicLong();
    private final AtomicLong fractionalRuns = new AtomicLong();
    private final AtomicLong idleRuns = new AtomicLong();
    /** gcsim: the workers' thread CPU time this cycle, all modes (see {@link ThreadCpu}). */
    private final AtomicLong workersThreadCpu = new AtomicLong();
    /**
     * gcsim: each P's worker runs, wall and thread CPU this cycle (written by the P's M only;
     * zeroed by {@link #takeCycle} with the world running, not by startCycle while it is stopped).
     */
    private final long[] workerRuns;
    private final long[] workerWallNanos;
    private final long[] workerThreadCpu;
    /**
     * Go's p.gcFractionalMarkTime, per P id. One AtomicLong per P rather than an AtomicLongArray:
     * startCycle clears them with the world stopped, once per cycle, in code HotSpot interprets
     * unless the launcher's compile commands compile it, and the array's VarHandle path
     * (JDK code, interpreted either way) cost about 10 us per cycle, AtomicLong.set well under one.
     */
    private final AtomicLong[] gcFractionalMarkTime;
    /** Go's p.gcMarkWorkerStartTime, per P id (the P's M only). */
    private final long[] gcMarkWorkerStartTime;
    /** Go's p.gcMarkWorkerMode, per P id (the P's M only). */
    private final Mode[] mode;
    /** Go's p.gcBgMarkWorker: the worker G attached to each P, null until it parks the first time. */
    private final AtomicReferenceArray<@Nullable G> gcBgMarkWorker;

    GcController(Platform platform, int procs) {
        this.platform = platform;
        this.procs = procs;
        this.gcFractionalMarkTime = new AtomicLong[procs];
        for (int i = 0; i < procs; i++) {
            gcFractionalMarkTime[i] = new AtomicLong();
        }
        this.gcMarkWorkerStartTime = new long[procs];
        this.workerRuns = new long[procs];
        this.workerWallNanos = new long[procs];
        this.workerThreadCpu = new long[procs];
        this.mode = new Mode[procs];
        java.util.Arrays.fill(mode, Mode.NONE);
        this.gcBgMarkWorker = new AtomicReferenceArray<>(procs);
    }

    /**
     * Go's startCycle, the worker half: resets the cycle's times and decides the dedicated
     * workers and the fractional goal. {@code stwMode}: every P dedicated ({@code
     * debug.gcstoptheworld > 0}); {@code dedicatedOverride} > 0: gcsim's {@code --workers}
     * (that many dedicated workers, capped at GOMAXPROCS, no fractional ones). World stopped,
     * the collector's thread.
     */
    void startCycle(boolean stwMode, int dedicatedOverride) {
        dedicatedMarkTime.set(0);
        fractionalMarkTime.set(0);
        idleMarkTime.set(0);
        dedicatedRuns.set(0);
        fractionalRuns.set(0);
        idleRuns.set(0);
        workersThreadCpu.set(0);
        double totalUtilizationGoal = procs * GC_BACKGROUND_UTILIZATION;
        long dedicated = (long) (totalUtilizationGoal + 0.5);
        double utilError = dedicated / totalUtilizationGoal - 1;
        double fractional = 0;
        if (utilError < -MAX_UTIL_ERROR || utilError > MAX_UTIL_ERROR) {
            // Rounding put us more than 30% off our goal. With
            // gcBackgroundUtilization of 25%, this happens for
            // GOMAXPROCS<=3 or GOMAXPROCS=6. Enable fractional
            // workers to compensate.
            if (dedicated > totalUtilizationGoal) {
                // Too many dedicated workers.
                dedicated--;
            }
            fractional = (totalUtilizationGoal - dedicated) / procs;
        }
        if (dedicatedOverride > 0) {
            // gcsim's --workers (not Go): exactly that many dedicated workers.
            dedicated = Math.min(dedicatedOverride, procs);
            fractional = 0;
        }
        // In STW mode, we just want dedicated workers.
        if (stwMode) {
            dedicated = procs;
            fractional = 0;
        }
        dedicatedMarkWorkersNeeded.set(dedicated);
        dedicatedAtStart = dedicated;
        fractionalUtilizationGoal = fractional;
        // Clear per-P state
        for (int i = 0; i < procs; i++) {
            gcFractionalMarkTime[i].set(0);
        }
    }

    /** Go's {@code gcController.markStartTime = now} in gcStart, just before blackening is enabled. World stopped. */
    void setMarkStartTime(long now) {
        markStartTime = now;
    }

    /**
     * Go's findRunnableGCWorker: pp's worker, made _Grunnable, if pp should mark now, else
     * null. {@code workAvailable} is Go's gcMarkWorkAvailable(pp). pp's M, in schedule, while
     * blackening is enabled.
     */
    @Nullable G findRunnableGCWorker(int pid, boolean workAvailable) {
        G gp = gcBgMarkWorker.get(pid);
        if (gp == null) {
            // The mark worker associated with this P is blocked
            // performing a mark transition. We can't run it
            // because it may be on some other run or wait queue.
            return null;
        }
        if (!workAvailable) {
            // No work to be done right now. This can happen at
            // the end of the mark phase when there are still
            // assists tapering off. Don't bother running a worker
            // now because it'll just return immediately.
            return null;
        }
        if (decIfPositive(dedicatedMarkWorkersNeeded)) {
            // This P is now dedicated to marking until the end of
            // the concurrent mark phase.
            mode[pid] = Mode.DEDICATED;
        } else if (fractionalUtilizationGoal == 0) {
            // No need for fractional workers.
            return null;
        } else {
            // Is this P behind on the fractional utilization
            // goal?
            //
            // This should be kept in sync with pollFractionalWorkerExit.
            long delta = platform.nanoTime() - markStartTime;
            if (delta > 0 && (double) gcFractionalMarkTime[pid].get() / delta > fractionalUtilizationGoal) {
                // Nope. No need to run a fractional worker.
                return null;
            }
            // Run a fractional worker.
            mode[pid] = Mode.FRACTIONAL;
        }
        // Run the background mark worker
        GStatus.casgstatus(gp, GStatus.G_WAITING, GStatus.G_RUNNABLE);
        return gp;
    }

    /** findrunnable's idle-time marking: pp's worker in idle mode, made _Grunnable, or null. pp's M. */
    @Nullable G findIdleGCWorker(int pid, boolean workAvailable) {
        G gp = gcBgMarkWorker.get(pid);
        if (gp == null || !workAvailable) {
            return null;
        }
        mode[pid] = Mode.IDLE;
        GStatus.casgstatus(gp, GStatus.G_WAITING, GStatus.G_RUNNABLE);
        return gp;
    }

    /** Whether P {@code pid} has a worker attached (Go's {@code _p_.gcBgMarkWorker != 0}). Any thread. */
    boolean hasWorker(int pid) {
        return gcBgMarkWorker.get(pid) != null;
    }

    /**
     * The worker's park: "If the worker isn't attached to its P, attach now ... As soon as we
     * attach, the owner P may schedule the worker, so this must be done after the G is
     * stopped." False when the P got another worker (this one must exit). Runs as gopark's
     * unlock function on the worker's M, the worker already _Gwaiting.
     */
    boolean attach(int pid, G gp) {
        return gcBgMarkWorker.get(pid) == gp || gcBgMarkWorker.compareAndSet(pid, null, gp);
    }

    /** The mode pp's worker was started in. The worker G, on pp's M. */
    Mode mode(int pid) {
        return mode[pid];
    }

    /** Go's {@code _p_.gcMarkWorkerStartTime = startTime}. The worker G, on pp's M. */
    void workerStarted(int pid, long now) {
        gcMarkWorkerStartTime[pid] = now;
    }

    /**
     * gcBgMarkWorker's "Account for time" after its drain: the duration goes to its mode's
     * total, a dedicated worker gives its slot back, a fractional one adds to its P's time.
     * {@code threadCpu}: the worker's thread CPU time in that run (gcsim's addition). The worker
     * G, on pp's M.
     */
    void workerStopped(int pid, long duration, long threadCpu) {
        workersThreadCpu.addAndGet(threadCpu);
        workerRuns[pid]++;
        workerWallNanos[pid] += duration;
        workerThreadCpu[pid] += threadCpu;
        switch (mode[pid]) {
            case DEDICATED -> {
                dedicatedMarkTime.addAndGet(duration);
                dedicatedMarkWorkersNeeded.incrementAndGet();
                dedicatedRuns.incrementAndGet();
            }
            case FRACTIONAL -> {
                fractionalMarkTime.addAndGet(duration);
                gcFractionalMarkTime[pid].addAndGet(duration);
                fractionalRuns.incrementAndGet();
            }
            case IDLE -> {
                idleMarkTime.addAndGet(duration);
                idleRuns.incrementAndGet();
            }
            default -> throw new GoThrow("gcBgMarkWorker: unexpected gcMarkWorkerMode");
        }
    }

    /**
     * Go's pollFractionalWorkerExit: whether the fractional worker on P {@code pid} should
     * self-preempt, with 20% slack over the goal "so that the fractional worker isn't behind
     * again the instant it exits". The worker G, on its P's M.
     */
    boolean pollFractionalWorkerExit(int pid) {
        // This should be kept in sync with the fractional worker
        // scheduler logic in findRunnableGCWorker.
        long now = platform.nanoTime();
        long delta = now - markStartTime;
        if (delta <= 0) {
            return true;
        }
        long selfTime = gcFractionalMarkTime[pid].get() + (now - gcMarkWorkerStartTime[pid]);
        return (double) selfTime / delta > 1.2 * fractionalUtilizationGoal;
    }

    /** Go's markStartTime of the running (or last) cycle. Any thread. */
    long markStartTime() {
        return markStartTime;
    }

    /** Go's idleMarkTime of the running cycle so far (not reset). Any thread. */
    long idleMarkTime() {
        return idleMarkTime.get();
    }

    /**
     * The cycle's per-mode and per-P figures for its record; {@code objectsGreyed[p]} is what P
     * p's gcWork greyed this cycle (mark termination reads it before folding it into the total).
     * After mark termination with the world running, every worker parked and the next cycle not
     * yet started (the per-P counters are their Ms' plain writes, made before they parked; this
     * zeroes them for the next cycle).
     */
    CycleRecord.MarkWorkers takeCycle(long[] objectsGreyed) {
        java.util.List<CycleRecord.WorkerOnP> perP = new java.util.ArrayList<>(procs);
        for (int p = 0; p < procs; p++) {
            perP.add(new CycleRecord.WorkerOnP(p, workerRuns[p], workerWallNanos[p], workerThreadCpu[p],
                    p < objectsGreyed.length ? objectsGreyed[p] : 0));
            workerRuns[p] = 0;
            workerWallNanos[p] = 0;
            workerThreadCpu[p] = 0;
        }
        return new CycleRecord.MarkWorkers(dedicatedAtStart, fractionalUtilizationGoal,
                dedicatedMarkTime.get(), fractionalMarkTime.get(), idleMarkTime.get(),
                dedicatedRuns.get(), fractionalRuns.get(), idleRuns.get(), workersThreadCpu.get(), perP);
    }

    private static boolean decIfPositive(AtomicLong ptr) {
        if (ptr.get() > 0) {
            if (ptr.decrementAndGet() >= 0) {
                return true;
            }
            // We lost a race
            ptr.incrementAndGet();
        }
        return false;
    }
}
