package gcsim.gcmark;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.readgstatus;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.STACK_GUARD;

import gcsim.goroutines.G;
import gcsim.goroutines.GoVersion;
import gcsim.goroutines.Sched;
import gcsim.heap.Globals;
import gcsim.heap.Heap;
import gcsim.heap.internal.PacerHook;
import gcsim.stacks.Stack;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * go1.18's redesigned pacer (mgcpacer.go, Go #44167, a108b280bc, 9ac1ee2d46) where it differs
 * from go1.14's: goroutine stacks and globals are GC work. With {@link GoVersion#pacerCountsRoots()}
 * (go1.18 and later) a stack job and a globals block report their bytes as scan work
 * ({@link #stackScanned}, {@link #globalsScanned}): the assist that ran the job is credited with
 * them (gcDrainN's {@code workFlushed += markroot(...)}) and a background worker flushes them to
 * background credit (markroot's {@code gcFlushBgCredit(workDone)}); the assist ratio expects
 * {@code lastHeapScan + stackScan + globalsScan} units of work ({@link #scanWorkExpected}); and mark
 * termination's commit, which the heap runs ({@code gcsim.heap.PacerGoal}), sets the goal to
 * {@code heapMarked + (heapMarked + stackScan + globalsScan) * GOGC/100} and the trigger to the goal
 * minus the cons/mark runway ({@link #endCycle}).
 *
 * <p>The stack term: go1.18's {@code stackScan} is {@code scannableStackSize} when the cycle
 * started, the allocated stack bytes (hi - lo) of the live goroutines, and a stack job's work is
 * its allocated size too ("stackScanWork includes all allocated space"). go1.19 (016d755213)
 * counts what is scanned, hi - sp, and the goal uses {@code lastStackScan}, the cycle's stack scan
 * work; go1.19 also computes the adaptive starting stack size ({@link #computeStartingStackSize}).
 *
 * <p>Deliberate differences: Go keeps {@code scannableStackSize} as a running sum (newproc1,
 * goexit0, copystack, per P with 8 KiB slack); here {@link #startCycle} sums the live goroutines'
 * stacks with the world stopped (go1.18+ only; O(goroutines) in that pause). As gcsim's go1.14
 * assist ratio, the ratio is computed once when the cycle starts (no revise during the cycle), so
 * revise's extrapolation to {@code maxScanWork} never applies; go1.18's {@code heapScan} is not
 * modelled (go1.14's heap_scan is: {@code Heap.heapScan}).
 * Under go1.14 nothing here is called but {@link #addHeapScanWork}, which only counts.
 *
 * <p>Threads: {@link #startCycle} and {@link #endCycle} with the world stopped (gcStart's assist
 * enable, mark termination's heap_marked update); the counters from any marking thread.
 */
final class Pacer implements PacerHook {
    /**
     * go1.18's gcGoalUtilization with the redesign: equal to gcBackgroundUtilization (25%); the
     * difference to 30% that go1.14 left for assists is gone.
     */
    static final double GC_GOAL_UTILIZATION = GcController.GC_BACKGROUND_UTILIZATION;
    /** go1.18's startCycle: the heap goal is at least this far above heap_live (go1.14: 1 MiB). */
    static final long MIN_RUNWAY = 64 << 10;

    private final Sched rt;
    private final Heap heap;
    private final GcController controller;
    private final boolean countsRoots;
    private final boolean go119;
    private final int maxStackSize;
    /** Go's assistTime of the cycle so far (Assist's counter, read without taking it). */
    private LongSupplier assistTime = () -> 0;

    /** Go's heapScanWork (beside bgScanCredit, as in Go's gcControllerState), stackScanWork, globalsScanWork of the running cycle. */
    private final ScanWorkAccounts accounts = ScanWorkAccounts.create();
    private final AtomicLong stackScanWork = new AtomicLong();
    private final AtomicLong globalsScanWork = new AtomicLong();
    /** go1.19's p.scannedStackSize and p.scannedStacks, summed over the Ps (one counter each here). */
    private final AtomicLong scannedStackSize = new AtomicLong();
    private final AtomicLong scannedStacks = new AtomicLong();

    // Written with the world stopped, read by the same cycle thread (or after a stop).
    /** go1.18's stackScan (go1.19's maxStackScan): live goroutines' allocated stack bytes at startCycle. */
    private long stackScan;
    /** go1.19's lastStackScan: the stack bytes the last cycle scanned. */
    private long lastStackScan;
    /** Go's lastHeapScan: the heap scan work of the last cycle. */
    private long lastHeapScan;
    /** Go's consMark and its PI controller (kp 0.9, ti 4, tt 1000, output in [-1000, 1000]). */
    private double consMark;
    private final PiController consMarkController = new PiController(0.9, 4.0, 1000, -1000, 1000);
    /** The trigger the running cycle started at (go1.18: c.trigger; go1.19: c.triggered, heap_live then). */
    private long cycleTrigger;
    /** What the last endCycle gave the heap, and the starting stack size, for the cycle record. */
    private volatile CycleRecord.PacerFigures last = CycleRecord.PacerFigures.NONE;

    Pacer(Sched rt, Heap heap, GcController controller) {
        GoVersion v = rt.config().goVersion();
        this.rt = rt;
        this.heap = heap;
        this.controller = controller;
        this.countsRoots = v.pacerCountsRoots();
        this.go119 = v.adaptiveStackStart();
        this.maxStackSize = (int) Math.min(rt.config().maxStackSize(), Integer.MAX_VALUE / 2);
    }

    /** Where endCycle reads the cycle's assist time (Go's gcController.assistTime). Constructor time. */
    void useAssistTime(LongSupplier assistNanos) {
        this.assistTime = assistNanos;
    }

    /** Whether stacks and globals are pacer work (go1.18+). */
    boolean countsRoots() {
        return countsRoots;
    }

    /**
     * go1.18's startCycle, the parts about work: resets the cycle's stack and globals scan work
     * (the heap's is zeroed with bgScanCredit by {@link Assist#enable} right after, as in every
     * version) and takes {@code stackScan = scannableStackSize}. gcStart, world stopped; go1.18+
     * only.
     */
    void startCycle(CycleWork work, long heapLive) {
        stackScanWork.set(0);
        globalsScanWork.set(0);
        long sum = 0;
        for (G gp : work.allgs) {
            Stack s = gp.stack();
            if ((readgstatus(gp) & ~G_SCAN) != G_DEAD && s != null) {
                sum += s.size();
            }
        }
        stackScan = sum;
        cycleTrigger = go119 ? heapLive : heap.stats().gcTrigger();
    }

    /**
     * go1.18's revise at the start of a cycle: the scan work expected, {@code lastHeapScan +
     * stackScan + globalsScan} (go1.19: lastStackScan). World stopped, after {@link #startCycle}.
     */
    long scanWorkExpected() {
        return lastHeapScan + (go119 ? lastStackScan : stackScan) + heap.globals().size();
    }

    /**
     * A stack job scanned gp's stack {@code st} from {@code sp}: go1.19's scanstack statistics,
     * and the scan work the stack job reports (go1.18: hi - lo; go1.19: hi - sp), added to
     * stackScanWork. 0 before go1.18 (no stack scan work). The scanning thread, owning gp's stack.
     */
    long stackScanned(Stack st, long sp) {
        if (!countsRoots) {
            return 0;
        }
        long work;
        if (go119) {
            // scannedSize is the amount of work we'll be reporting.
            // It is less than the allocated size (which is hi-lo).
            long scannedSize = st.hi() - Math.max(sp, st.lo());
            // Keep statistics for initial stack size calculation.
            // Note that this accumulates the scanned size, not the allocated size.
            scannedStackSize.addAndGet(scannedSize);
            scannedStacks.incrementAndGet();
            work = scannedSize;
        } else {
            work = st.hi() - st.lo();
        }
        stackScanWork.addAndGet(work);
        return work;
    }

    /** markrootBlock's work: the block's bytes (go1.18+; else 0), added to globalsScanWork. A marking thread. */
    long globalsScanned(int block) {
        if (!countsRoots) {
            return 0;
        }
        long size = heap.globals().size();
        long n = Math.min(Globals.rootBlockBytes, size - (long) block * Globals.rootBlockBytes);
        globalsScanWork.addAndGet(n);
        return n;
    }

    /** The counters a drain flushes scan work to: heapScanWork here, bgScanCredit for {@link Assist}. */
    ScanWorkAccounts scanWorkAccounts() {
        return accounts;
    }

    /** Heap scan work flushed by a drain (Go's gcController.heapScanWork). Any marking thread. */
    void addHeapScanWork(long n) {
        accounts.addHeapScanWork(n);
    }

    @Override
    public Inputs initial() {
        return new Inputs(0, heap.globals().size(), 0, go119);
    }

    /**
     * Go's endCycle (the cons/mark estimate), resetLive's lastHeapScan (and go1.19's
     * lastStackScan), go1.19's gcComputeStartingStackSize, then commit's inputs: the stack term,
     * globalsScan and the runway. Mark termination, world stopped (the heap calls it).
     */
    @Override
    public Inputs endCycle(long heapLive, long bytesMarked) {
        long heapWork = accounts.heapScanWork();
        long stackWork = stackScanWork.get();
        long globalsWork = globalsScanWork.get();
        updateConsMark(heapLive, heapWork + stackWork + globalsWork);
        lastHeapScan = heapWork;
        lastStackScan = stackWork;
        int startingStackSize = go119 ? computeStartingStackSize() : FIXED_STACK;
        long stackTerm = go119 ? lastStackScan : stackScan;
        long globals = heap.globals().size();
        long runway = (long) ((consMark * (1 - GC_GOAL_UTILIZATION) / GC_GOAL_UTILIZATION)
                * (lastHeapScan + stackTerm + globals));
        last = new CycleRecord.PacerFigures(stackTerm, globals, heapWork, stackWork, globalsWork, consMark,
                runway, startingStackSize);
        return new Inputs(stackTerm, globals, runway, go119);
    }

    /** go1.18's endCycle under the redesign: one PI step of consMark towards this cycle's ratio. */
    private void updateConsMark(long heapLive, long scanWork) {
        long now = rt.platform().nanoTime();
        int procs = rt.allp().length;
        // Compute the duration of time for which assists were turned on.
        long assistDuration = now - controller.markStartTime();
        // Assume background mark hit its utilization goal.
        double utilization = GcController.GC_BACKGROUND_UTILIZATION;
        double idleUtilization = 0;
        if (assistDuration > 0) {
            utilization += (double) assistTime.getAsLong() / ((double) assistDuration * procs);
            idleUtilization = (double) controller.idleMarkTime() / ((double) assistDuration * procs);
        }
        if (heapLive <= cycleTrigger) {
            // Shouldn't happen, but let's be very safe about this in case the
            // GC is somehow extremely short.
            return;
        }
        // No scan work gives an infinite ratio, and the controller resets (as Go's).
        double currentConsMark = ((heapLive - cycleTrigger) * (utilization + idleUtilization))
                / ((double) scanWork * (1 - utilization));
        // Update cons/mark controller. The time period for this is 1 GC cycle.
        if (!consMarkController.next(consMark, currentConsMark, 1.0)) {
            // The error spiraled out of control. Just reset consMark and keep going.
            consMark = 0;
        } else {
            consMark = consMarkController.output;
        }
    }

    /**
     * go1.19's gcComputeStartingStackSize: the average scanned stack plus StackGuard, rounded up
     * to a power of 2 within [FIXED_STACK, maxstacksize], becomes the stack size of reused Gs;
     * FIXED_STACK when no stack was scanned. Resets the statistics. Deliberate: StackGuard is
     * gcsim's go1.14 value (896; go1.19's is 928), the one its stacks use everywhere. World
     * stopped.
     */
    int computeStartingStackSize() {
        long size = scannedStackSize.getAndSet(0);
        long stacks = scannedStacks.getAndSet(0);
        int start;
        if (stacks == 0) {
            start = FIXED_STACK;
        } else {
            long avg = size / stacks + STACK_GUARD;
            // Note: we add stackGuard to ensure that a goroutine that
            // uses the average space will not trigger a growth.
            avg = Math.max(Math.min(avg, maxStackSize), FIXED_STACK);
            start = round2((int) avg);
        }
        rt.gcSupport().setStartingStackSize(start);
        return start;
    }

    /** Go's round2: the smallest power of 2 at least x. */
    static int round2(int x) {
        int s = 0;
        while ((1L << s) < x) {
            s++;
        }
        return 1 << s;
    }

    /** What the last mark termination computed, for the cycle's record. World stopped. */
    CycleRecord.PacerFigures takeCycle() {
        CycleRecord.PacerFigures f = last;
        last = CycleRecord.PacerFigures.NONE;
        return f;
    }

    /** Go's piController (mgcpacer.go), for consMark. The cycle thread only. */
    static final class PiController {
        private final double kp;
        private final double ti;
        private final double tt;
        private final double min;
        private final double max;
        /** Integral of the error from t=0 to now. */
        private double errIntegral;
        /** The last {@link #next}'s output. */
        double output;

        PiController(double kp, double ti, double tt, double min, double max) {
            this.kp = kp;
            this.ti = ti;
            this.tt = tt;
            this.min = min;
            this.max = max;
        }

        /**
         * Go's next: a new sample; the output in {@link #output}. False (output min, state reset)
         * when the input or the integral overflowed.
         */
        boolean next(double input, double setpoint, double period) {
            // Compute the raw output value.
            double prop = kp * (setpoint - input);
            double rawOutput = prop + errIntegral;
            // Clamp rawOutput into output.
            double out = rawOutput;
            if (Double.isInfinite(out) || Double.isNaN(out)) {
                errIntegral = 0;
                output = min;
                return false;
            }
            out = Math.min(Math.max(out, min), max);
            // Update the controller's state.
            if (ti != 0 && tt != 0) {
                errIntegral += (kp * period / ti) * (setpoint - input) + (period / tt) * (out - rawOutput);
                if (Double.isInfinite(errIntegral) || Double.isNaN(errIntegral)) {
                    errIntegral = 0;
                    output = min;
                    return false;
                }
            }
            output = out;
            return true;
        }
    }
}
