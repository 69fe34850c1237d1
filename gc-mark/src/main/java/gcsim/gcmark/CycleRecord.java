package gcsim.gcmark;

import java.util.List;

/**
 * What one GC cycle did, as measured: the source of the gctrace line, the
 * CLI's summary table and its JSON. Immutable; produced by the collector at
 * the end of mark termination.
 *
 * @param n                     cycle number, from 1 (Go's memstats.numgc)
 * @param startNanosSinceInit   when sweep termination began, since the simulated runtime started
 * @param cpuUtilisationPercent GC's share of CPU since the program started (Go's gc_cpu_fraction)
 * @param stwSweepTermNanos     wall time of the sweep-termination stop-the-world
 * @param concurrentMarkNanos   wall time of concurrent mark (0 in stop-the-world mode)
 * @param stwMarkTermNanos      wall time of the mark-termination stop-the-world
 * @param sweepTermCpuNanos     CPU during sweep termination
 * @param assistCpuNanos        CPU spent in mark assists by allocating goroutines
 * @param backgroundCpuNanos    time of the dedicated and fractional background mark workers (Go's
 *                              dedicatedMarkTime + fractionalMarkTime: wall time while they ran)
 * @param idleCpuNanos          time of idle-priority marking (Go's idleMarkTime)
 * @param markTermCpuNanos      CPU during mark termination
 * @param heapStartBytes        heap in use when the cycle started
 * @param heapMarkTermBytes     heap in use at mark termination
 * @param heapLiveBytes         bytes marked live
 * @param heapGoalBytes         the heap goal this cycle ran against
 * @param procs                 GOMAXPROCS
 * @param forced                started by an explicit request (runtime.GC), not by the heap goal
 * @param objectsMarked         objects marked
 * @param bytesMarked           bytes marked
 * @param stacksScanned         goroutine stacks scanned (the stack root jobs that found a live G)
 * @param framesScanned         frames those scans walked
 * @param suspend               every suspendG latency of the cycle
 * @param strategies            what the suspend and stack-scan strategies did (see {@link Strategies})
 * @param cooperativePreemptions preemptions taken at a stack-guard check during the cycle
 * @param asyncPreemptions      preemptions taken by the async (signal) path during the cycle
 * @param checkmark             the checkmark outcome
 * @param assists               mark assists of the cycle (allocating goroutines made to help)
 * @param roots                 the allgs snapshot the stack root jobs were prepared from
 * @param workers               what the background mark workers did, by mode (see {@link MarkWorkers})
 * @param pauses                the two stops of the world, broken down (see {@link Pauses})
 * @param pacer                 go1.18+'s pacer figures at this cycle's mark termination (see {@link PacerFigures})
 */
public record CycleRecord(
        int n,
        long startNanosSinceInit,
        int cpuUtilisationPercent,
        long stwSweepTermNanos,
        long concurrentMarkNanos,
        long stwMarkTermNanos,
        long sweepTermCpuNanos,
        long assistCpuNanos,
        long backgroundCpuNanos,
        long idleCpuNanos,
        long markTermCpuNanos,
        long heapStartBytes,
        long heapMarkTermBytes,
        long heapLiveBytes,
        long heapGoalBytes,
        int procs,
        boolean forced,
        long objectsMarked,
        long bytesMarked,
        long stacksScanned,
        long framesScanned,
        SuspendLatency suspend,
        long cooperativePreemptions,
        long asyncPreemptions,
        Checkmark checkmark,
        AssistStats assists,
        RootSnapshot roots,
        Strategies strategies,
        MarkWorkers workers,
        Pauses pauses,
        PacerFigures pacer) {
    /** A record without go1.18's pacer figures ({@link PacerFigures#NONE}): go1.14's, or a caller that predates them. */
    public CycleRecord(int n, long startNanosSinceInit, int cpuUtilisationPercent, long stwSweepTermNanos,
            long concurrentMarkNanos, long stwMarkTermNanos, long sweepTermCpuNanos, long assistCpuNanos,
            long backgroundCpuNanos, long idleCpuNanos, long markTermCpuNanos, long heapStartBytes,
            long heapMarkTermBytes, long heapLiveBytes, long heapGoalBytes, int procs, boolean forced,
            long objectsMarked, long bytesMarked, long stacksScanned, long framesScanned, SuspendLatency suspend,
            long cooperativePreemptions, long asyncPreemptions, Checkmark checkmark, AssistStats assists,
            RootSnapshot roots, Strategies strategies, MarkWorkers workers, Pauses pauses) {
        this(n, startNanosSinceInit, cpuUtilisationPercent, stwSweepTermNanos, concurrentMarkNanos,
                stwMarkTermNanos, sweepTermCpuNanos, assistCpuNanos, backgroundCpuNanos, idleCpuNanos,
                markTermCpuNanos, heapStartBytes, heapMarkTermBytes, heapLiveBytes, heapGoalBytes, procs, forced,
                objectsMarked, bytesMarked, stacksScanned, framesScanned, suspend, cooperativePreemptions,
                asyncPreemptions, checkmark, assists, roots, strategies, workers, pauses, PacerFigures.NONE);
    }

    /** This record with go1.18's pacer figures. */
    public CycleRecord withPacer(PacerFigures p) {
        return new CycleRecord(n, startNanosSinceInit, cpuUtilisationPercent, stwSweepTermNanos, concurrentMarkNanos,
                stwMarkTermNanos, sweepTermCpuNanos, assistCpuNanos, backgroundCpuNanos, idleCpuNanos,
                markTermCpuNanos, heapStartBytes, heapMarkTermBytes, heapLiveBytes, heapGoalBytes, procs, forced,
                objectsMarked, bytesMarked, stacksScanned, framesScanned, suspend, cooperativePreemptions,
                asyncPreemptions, checkmark, assists, roots, strategies, workers, pauses, p);
    }

    /**
     * go1.18's and later pacer at this cycle's mark termination (gc-mark's {@code Pacer}; all
     * zero, {@link #NONE}, under go1.14, which has none of it). The next goal is
     * {@code heapLiveBytes + (heapLiveBytes + goalStackBytes + goalGlobalsBytes) * GOGC/100}
     * unless the trigger bounds push it up; the next trigger is that goal minus
     * {@code runwayBytes}, within its bounds.
     *
     * @param goalStackBytes     the goal's stack term: go1.18's stackScan (allocated stack bytes of
     *                           the live goroutines when the cycle started), go1.19's lastStackScan
     *                           (stack bytes this cycle scanned)
     * @param goalGlobalsBytes   the goal's globalsScan: the bytes of the globals area
     * @param heapScanWork       heap scan work of the cycle (bytes of objects scanned)
     * @param stackScanWork      stack scan work of the cycle (go1.18: hi - lo per stack; go1.19: hi - sp)
     * @param globalsScanWork    globals scan work of the cycle (bytes of root blocks scanned)
     * @param consMark           the cons/mark estimate after this cycle
     * @param runwayBytes        the trigger's runway: consMark * 3 * (lastHeapScan + stack + globals)
     * @param startingStackSize  the stack size reused goroutines get now (go1.19; 2048 before)
     */
    public record PacerFigures(long goalStackBytes, long goalGlobalsBytes, long heapScanWork, long stackScanWork,
            long globalsScanWork, double consMark, long runwayBytes, int startingStackSize) {
        public static final PacerFigures NONE = new PacerFigures(0, 0, 0, 0, 0, 0, 0, 0);
    }
    /** A record without the mark workers' figures and the pause breakdown (all zero), for callers that predate them. */
    public CycleRecord(int n, long startNanosSinceInit, int cpuUtilisationPercent, long stwSweepTermNanos,
            long concurrentMarkNanos, long stwMarkTermNanos, long sweepTermCpuNanos, long assistCpuNanos,
            long backgroundCpuNanos, long idleCpuNanos, long markTermCpuNanos, long heapStartBytes,
            long heapMarkTermBytes, long heapLiveBytes, long heapGoalBytes, int procs, boolean forced,
            long objectsMarked, long bytesMarked, long stacksScanned, long framesScanned, SuspendLatency suspend,
            long cooperativePreemptions, long asyncPreemptions, Checkmark checkmark, AssistStats assists,
            RootSnapshot roots, Strategies strategies) {
        this(n, startNanosSinceInit, cpuUtilisationPercent, stwSweepTermNanos, concurrentMarkNanos,
                stwMarkTermNanos, sweepTermCpuNanos, assistCpuNanos, backgroundCpuNanos, idleCpuNanos,
                markTermCpuNanos, heapStartBytes, heapMarkTermBytes, heapLiveBytes, heapGoalBytes, procs, forced,
                objectsMarked, bytesMarked, stacksScanned, framesScanned, suspend, cooperativePreemptions,
                asyncPreemptions, checkmark, assists, roots, strategies, MarkWorkers.NONE, Pauses.NONE);
    }


    /** A record without assist, snapshot and strategy figures (all zero), for callers that predate them. */
    public CycleRecord(int n, long startNanosSinceInit, int cpuUtilisationPercent, long stwSweepTermNanos,
            long concurrentMarkNanos, long stwMarkTermNanos, long sweepTermCpuNanos, long assistCpuNanos,
            long backgroundCpuNanos, long idleCpuNanos, long markTermCpuNanos, long heapStartBytes,
            long heapMarkTermBytes, long heapLiveBytes, long heapGoalBytes, int procs, boolean forced,
            long objectsMarked, long bytesMarked, long stacksScanned, long framesScanned, SuspendLatency suspend,
            long cooperativePreemptions, long asyncPreemptions, Checkmark checkmark) {
        this(n, startNanosSinceInit, cpuUtilisationPercent, stwSweepTermNanos, concurrentMarkNanos,
                stwMarkTermNanos, sweepTermCpuNanos, assistCpuNanos, backgroundCpuNanos, idleCpuNanos,
                markTermCpuNanos, heapStartBytes, heapMarkTermBytes, heapLiveBytes, heapGoalBytes, procs, forced,
                objectsMarked, bytesMarked, stacksScanned, framesScanned, suspend, cooperativePreemptions,
                asyncPreemptions, checkmark, AssistStats.NONE, RootSnapshot.NONE, Strategies.NONE);
    }

    /**
     * GC CPU utilization of the mark phase (gcsim's addition): assists, dedicated and fractional
     * workers as a share of GOMAXPROCS times the mark phase's wall time, as Go's pacer counts it
     * (idle marking is "free" and not counted; see {@link MarkWorkers#idleNanos}). About 0.25
     * with busy mutators; 0 when the mark phase took no time.
     */
    public double markUtilization() {
        long wall = concurrentMarkNanos * procs;
        return wall <= 0 ? 0 : (double) (assistCpuNanos + backgroundCpuNanos) / wall;
    }

    /** Mark CPU: assist + background + idle (the JSON's markCpuNanos). */
    public long markCpuNanos() {
        return assistCpuNanos + backgroundCpuNanos + idleCpuNanos;
    }

    /** The checkmark outcome of a cycle, spelled as in the JSON contract. */
    public enum Checkmark {
        OK("ok"), OFF("off"), FAILED("failed");

        private final String json;

        Checkmark(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /**
     * suspendG latencies of one cycle (the JSON's {@code suspendG}): how
     * many calls the stack jobs made, how many found the G dead, and
     * percentiles from an HdrHistogram. Not how the suspenders waited: that
     * is {@link gcsim.goroutines.SuspendWaitCounters} (the JSON's
     * {@code strategies}). {@code buckets}: the histogram itself, as counts per latency range
     * doubling from {@link #FIRST_BUCKET_NANOS} (empty ranges left out), so that a reader can draw
     * the whole distribution (gcsim report's CDF).
     */
    public record SuspendLatency(long calls, long dead, long p50Nanos, long p99Nanos, long maxNanos,
            List<Bucket> buckets) {
        /** The upper bound of the first bucket; each next one doubles it. */
        public static final long FIRST_BUCKET_NANOS = 128;

        public SuspendLatency {
            buckets = List.copyOf(buckets);
        }

        /** Without the histogram's buckets. */
        public SuspendLatency(long calls, long dead, long p50Nanos, long p99Nanos, long maxNanos) {
            this(calls, dead, p50Nanos, p99Nanos, maxNanos, List.of());
        }

        /** {@code count} calls took at least the previous bucket's bound and less than {@code upToNanos}. */
        public record Bucket(long upToNanos, long count) {}
    }

    /**
     * Mark assists of one cycle (Go's gcAssistAlloc): how many times an
     * allocating goroutine did scan work itself, how much, how many times it
     * paid (partly) with stolen background credit instead, and how many times
     * it had to park ("GC assist wait").
     *
     * @param count        gcAssistAlloc1 calls: assists that scanned
     * @param scanWork     scan work those assists did (bytes scanned)
     * @param creditSteals debts paid at least partly from the background credit
     * @param parks        assists that parked for want of credit and work
     * @param nanos        wall time spent assisting (the same as assistCpuNanos)
     */
    public record AssistStats(long count, long scanWork, long creditSteals, long parks, long nanos) {
        public static final AssistStats NONE = new AssistStats(0, 0, 0, 0, 0);
    }

    /**
     * The root snapshot of Go's gcMarkRootPrepare (world stopped): one stack
     * job per G in {@code allgs}; {@code alive} of them were not {@code _Gdead}.
     * Every stack job either scans its G ({@code stacksScanned}) or finds it
     * dead ({@code suspendG.dead}), so
     * {@code stacksScanned + suspend.dead == allgs}; with no goroutine
     * exiting or being reborn during mark, {@code stacksScanned == alive}.
     */
    public record RootSnapshot(long allgs, long alive) {
        public static final RootSnapshot NONE = new RootSnapshot(0, 0);
    }

    /**
     * What the selectable strategies did in this cycle (gcsim's additions to the record).
     *
     * @param suspendSpins        busy-wait rounds of suspenders ({@code --suspend spin}: procyield/osyield)
     * @param suspendParks        times a suspender parked ({@code --suspend park})
     * @param suspendWakeups      parked suspenders woken by the G's side
     * @param suspendParkTimeouts parks ended by the safety-net timeout (a G that never reached a safe point)
     * @param suspendWaitingCalls suspendG calls that had to wait
     * @param suspendWaitCpuNanos busy time of those waiting calls (wall time minus time parked or yielded)
     * @param stacksNoWait        two-phase: stacks taken at once, the G not running
     * @param stacksSelfScanned   two-phase: stacks the G scanned itself at a safe point
     * @param stacksBlocked       two-phase: stacks the second pass blocked in suspendG for
     * @param blockedNanos        two-phase: wall time of those blocking suspendG jobs
     * @param stackJobNanos       wall time of all stack jobs, summed (both strategies, self-scans included)
     */
    public record Strategies(long suspendSpins, long suspendParks, long suspendWakeups, long suspendParkTimeouts,
            long suspendWaitingCalls, long suspendWaitCpuNanos, long stacksNoWait, long stacksSelfScanned,
            long stacksBlocked, long blockedNanos, long stackJobNanos) {
        /** No figures. */
        public static final Strategies NONE = new Strategies(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * The background mark workers of one cycle (Go's gcControllerState, mgc.go): what
     * startCycle decided and how long each mode ran. Wall times of the worker goroutines while
     * they marked, as Go measures them.
     *
     * @param dedicatedWorkers  dedicatedMarkWorkersNeeded at the start (25% of GOMAXPROCS,
     *                          rounded; all Ps in stop-the-world mode; {@code --workers} if given)
     * @param fractionalGoal    fractionalUtilizationGoal: each P's share for the fractional worker
     * @param dedicatedNanos    dedicatedMarkTime
     * @param fractionalNanos   fractionalMarkTime
     * @param idleNanos         idleMarkTime
     * @param dedicatedRuns     times a worker ran in dedicated mode
     * @param fractionalRuns    times a worker ran in fractional mode
     * @param idleRuns          times a worker ran in idle mode
     * @param threadCpuNanos    gcsim's addition: the workers' thread CPU time in those runs, all
     *                          modes (the three times above are wall time while they ran, which
     *                          includes time the OS ran other threads; Go's gctrace "cpu" and
     *                          rusage count CPU). 0 when the JVM has no per-thread CPU clock
     * @param perP              gcsim's addition: the same per P, in P order (one entry per P)
     */
    public record MarkWorkers(long dedicatedWorkers, double fractionalGoal, long dedicatedNanos,
            long fractionalNanos, long idleNanos, long dedicatedRuns, long fractionalRuns, long idleRuns,
            long threadCpuNanos, List<WorkerOnP> perP) {
        /** No figures. */
        public static final MarkWorkers NONE = new MarkWorkers(0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());

        public MarkWorkers {
            perP = List.copyOf(perP);
        }
    }

    /**
     * One P's mark worker in one cycle (gcsim's addition): what shows one worker slower than
     * another, or one doing most of the work. The sums over the Ps are {@link MarkWorkers}'s runs
     * and thread CPU; the objects sum to the cycle's {@code objectsMarked}.
     *
     * @param p              the P's id
     * @param runs           times its worker ran (any mode)
     * @param wallNanos      the worker's wall time while it ran
     * @param threadCpuNanos the worker's thread CPU time in those runs (0 without a per-thread clock)
     * @param objectsGreyed  objects greyed through the P's gcWork this cycle: by its worker, and by
     *                       assists and write barriers of goroutines on that P
     */
    public record WorkerOnP(int p, long runs, long wallNanos, long threadCpuNanos, long objectsGreyed) {}

    /**
     * The cycle's two stops of the world, broken down as HotSpot's safepoint log breaks down a
     * safepoint (gcsim's addition; Go keeps only their sum, work.pauseNS): sweep termination's
     * and mark termination's (the last stop of gcMarkDone, after which mark termination ran).
     */
    public record Pauses(Pause sweepTermination, Pause markTermination) {
        /** No figures. */
        public static final Pauses NONE = new Pauses(Pause.NONE, Pause.NONE);
    }

    /**
     * One stop of the world: {@code timeToStopNanos + stoppedNanos + restartNanos} is its wall
     * time, from stopTheWorldWithSema's start to Go's {@code startTime} in startTheWorldWithSema
     * (every P with work handed to an M; the extra wakep after it is not in the pause, as in Go).
     *
     * @param requestNanosSinceInit when the stop was requested (stopTheWorldWithSema began,
     *                              worldsema held), since the runtime started
     * @param timeToStopNanos       request until every P was stopped
     * @param lastP                 the P that stopped last (-1: none)
     * @param lastM                 the M that P stopped on (-1: the stopper itself, not an M)
     * @param stoppedNanos          every P stopped until startTheWorld began: the collector's work
     * @param steps                 named parts of that work, in order, each measured on its own
     * @param restNanos             the rest of it: {@code stoppedNanos} minus the steps
     * @param restartNanos          startTheWorldWithSema's own time, up to Go's startTime
     */
    public record Pause(long requestNanosSinceInit, long timeToStopNanos, int lastP, long lastM,
            long stoppedNanos, java.util.List<Step> steps, long restNanos, long restartNanos) {
        /** No figures. */
        public static final Pause NONE = new Pause(0, 0, -1, -1, 0, java.util.List.of(), 0, 0);

        public Pause {
            steps = java.util.List.copyOf(steps);
        }

        /** The pause's wall time: time to stop + stopped + restart. */
        public long wallNanos() {
            return timeToStopNanos + stoppedNanos + restartNanos;
        }
    }

    /**
     * One named step of a stopped world's work.
     *
     * @param name                  the JSON key (e.g. {@code finishSweep}, {@code checkmark})
     * @param startNanosSinceInit   when it began, since the runtime started
     * @param nanos                 how long it took
     */
    public record Step(String name, long startNanosSinceInit, long nanos) {}
}
