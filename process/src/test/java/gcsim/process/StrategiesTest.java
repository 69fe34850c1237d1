package gcsim.process;

import static gcsim.goroutines.GStatus.G_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.SuspendWait;
import gcsim.goroutines.mutator.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The selectable strategies (--suspend spin|park, --stack-scan
 * blocking|two-phase, --preempt async|cooperative) under the verification
 * workloads, Go's TestAsyncPreempt situation, and conservative scanning of
 * the frame async preemption interrupts.
 */
class StrategiesTest {
    static Stream<Arguments> combinations() {
        List<Arguments> as = new ArrayList<>();
        int seed = 0;
        for (boolean park : new boolean[] {false, true}) {
            for (GcConfig.StackScanStrategy ss : GcConfig.StackScanStrategy.values()) {
                for (boolean async : new boolean[] {true, false}) {
                    for (GcConfig.Mode mode : GcConfig.Mode.values()) {
                        as.add(Arguments.of(park, ss, async, mode, seed++));
                    }
                }
            }
        }
        return as.stream();
    }

    /**
     * Every combination, checkmark on, on the self-verifying workloads; the
     * "seed" varies the workload's shape (goroutines, list length, depth).
     * The records account for every stack job the strategy ran.
     */
    @ParameterizedTest(name = "park={0} {1} async={2} {3}")
    @MethodSource("combinations")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyCombinationPassesTheVerificationWorkloads(boolean park, GcConfig.StackScanStrategy ss, boolean async,
            GcConfig.Mode mode, int seed) {
        // Go's controller decides the mark workers (2 Ps: one fractional worker at a time), so
        // mutators keep running while stacks are scanned; --workers 2 would dedicate both Ps
        // to marking and no stack job could ever meet a running goroutine.
        GoProcessBuilder options = GoProcess.builder().procs(2)
                .suspendWait(park ? SuspendWait.PARK : SuspendWait.SPIN)
                .preempt(async ? PreemptMode.ASYNC : PreemptMode.COOPERATIVE)
                .mode(mode).stackScan(ss);
        List<CycleRecord> rs = new ArrayList<>();
        try (GoProcess run = options.program(Workloads.listsOnStacks(6 + seed % 5, 100 + 10 * seed, 10 + seed))
                .build().start()) {
            rs.addAll(run.runCycles(4));
            assertThat(run.interpreter().useAfterFree()).isZero();
        }
        boolean runningFound = false;
        try (GoProcess run = options.program(Workloads.spinnersWithCalls(4 + seed % 3)).build().start()) {
            rs.addAll(run.runCycles(3));
            if (mode == GcConfig.Mode.CONCURRENT && ss == GcConfig.StackScanStrategy.TWO_PHASE) {
                // Whether a stack job finds its spinner running is a race the OS scheduler decides:
                // a loaded machine can leave every spinner runnable for a few cycles. Up to 40 more
                // cycles before concluding the strategy never meets a running goroutine.
                for (int extra = 0; extra < 40 && !(runningFound = anyRanIntoARunningG(rs)); extra++) {
                    rs.addAll(run.runCycles(1));
                }
            }
        }
        try (GoProcess run = options.program(Workloads.channelsAndChurn(2 + seed % 3)).build().start()) {
            rs.addAll(run.runCycles(3));
            assertThat(run.interpreter().useAfterFree()).isZero();
        }
        for (CycleRecord r : rs) {
            assertThat(r.checkmark()).isEqualTo(CycleRecord.Checkmark.OK);
            CycleRecord.Strategies st = r.strategies();
            if (ss == GcConfig.StackScanStrategy.TWO_PHASE) {
                assertThat(st.stacksNoWait() + st.stacksSelfScanned() + st.stacksBlocked())
                        .as("every stack job taken exactly once").isEqualTo(r.stacksScanned() + r.suspend().dead());
            } else {
                assertThat(st.stacksNoWait() + st.stacksSelfScanned() + st.stacksBlocked()).isZero();
            }
            if (park) {
                assertThat(st.suspendSpins()).isZero();
            } else {
                assertThat(st.suspendParks()).isZero();
            }
            if (!async) {
                assertThat(r.asyncPreemptions()).isZero();
            }
        }
        if (mode == GcConfig.Mode.CONCURRENT && ss == GcConfig.StackScanStrategy.TWO_PHASE) {
            // Spinners with calls are running when found: they scan themselves or are blocked for.
            assertThat(runningFound).as("a stack job found a spinner running, in %s", rs).isTrue();
        }
    }

    private static boolean anyRanIntoARunningG(List<CycleRecord> rs) {
        return rs.stream().anyMatch(r -> r.strategies().stacksSelfScanned() + r.strategies().stacksBlocked() > 0);
    }

    /**
     * Go's TestAsyncPreempt (testprog AsyncPreempt): one P, goroutines in a
     * tight loop without calls, in a loop calling a frameless nosplit function
     * (no prologue check either), and in an empty loop; then a GC. The loops
     * are bounded so the cooperative run ends.
     */
    static Program asyncPreemptProgram(long iterations) {
        return Program.builder()
                .func("frameless", 0, 0).nosplit().ret().end()
                .func("tight", 2, 0)
                    .constant(0, iterations).label("l").addi(1, 1, 1).decjnz(0, "l").ret().end()
                .func("withCalls", 1, 0)
                    .constant(0, iterations).label("l").call("frameless", -1).decjnz(0, "l").ret().end()
                .func("empty", 1, 0)
                    .constant(0, iterations).label("l").decjnz(0, "l").ret().end()
                // main sleeps in a loop rather than blocking, so the process is not
                // "all goroutines are asleep" once the loops have ended.
                .func("main", 0, 0)
                    .spawn("tight").spawn("withCalls").spawn("empty").label("w").sleep(1000).jmp("w").end()
                .entry("main")
                .build();
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void asyncPreemptSituationOneP(boolean async) {
        // Cooperative: 40M iterations a loop (a second or so); async: 2G, which no
        // loop can finish before the cycle does (the test ends by shutdown).
        // One P and Go's controller: a fractional mark worker shares the P with the loops, as
        // in Go's test (a dedicated --workers 1 would hold the only P for the whole mark).
        try (GoProcess run = Processes.of(asyncPreemptProgram(async ? 2_000_000_000L : 40_000_000L), 1, 0)
                .preempt(async ? PreemptMode.ASYNC : PreemptMode.COOPERATIVE).autoTrigger(false).build().start()) {
            Processes.untilAWorkerRuns(run);
            if (async) {
                // The first cycle starts the mark worker goroutine (its start preempts the loop
                // before the cycle's counters are read); the cycle measured is the next one,
                // started from outside while a loop holds the only P, as runtime.GC's stop is in
                // Go's test once the loops spin.
                run.runCycles(1);
                Processes.untilAWorkerRuns(run);
            }
            CycleRecord r = run.runCycles(1).get(0);
            long exited = run.runtime().stats().goroutinesExited();
            assertThat(r.checkmark()).isEqualTo(CycleRecord.Checkmark.OK);
            if (async) {
                assertThat(r.asyncPreemptions()).as("the loops were stopped by signals").isPositive();
                assertThat(exited).as("the cycle finished while every loop still ran").isZero();
            } else {
                assertThat(r.asyncPreemptions()).isZero();
                assertThat(exited).as("the cycle had to wait for a loop to end").isPositive();
            }
        }
    }

    /** Two-phase with tight loops: a loop found running scans its own stack in asyncPreempt2. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoPhaseRunningLoopsScanThemselves() {
        Program loops = Program.builder()
                .func("empty", 1, 0).label("again").constant(0, 1_000_000).label("l").decjnz(0, "l")
                    .jmp("again").end()
                .func("main", 1, 0).constant(0, 300).label("s").spawn("empty").decjnz(0, "s").block().end()
                .entry("main")
                .build();
        // 3 Ps, one dedicated worker: two loops run through each cycle's first pass. (With 2 Ps
        // the one P beside the worker's first runs the collector's coordinator goroutine to the
        // end of its phase, and its loop often starts only after the first pass went by.)
        try (GoProcess run = Processes.of(loops, 3, 1).suspendWait(SuspendWait.PARK).autoTrigger(false)
                .stackScan(GcConfig.StackScanStrategy.TWO_PHASE).build().start()) {
            long self = 0;
            // Whether the running loop reaches its safe point before the second pass claims its
            // stack is a race the OS scheduler decides (a loaded machine may not run the loop's
            // M at all for a while): up to 100 cycles (a few ms each) before concluding.
            for (int i = 0; i < 100 && self == 0; i++) {
                Processes.untilAWorkerRuns(run);
                CycleRecord r = run.runCycles(1).get(0);
                assertThat(r.checkmark()).isEqualTo(CycleRecord.Checkmark.OK);
                self += r.strategies().stacksSelfScanned();
            }
            assertThat(self).as("a running loop scanned itself at an async safe point: %s", run.cycles().stream()
                    .map(c -> c.strategies().stacksNoWait() + "/" + c.strategies().stacksSelfScanned() + "/"
                            + c.strategies().stacksBlocked() + " a" + c.asyncPreemptions() + " w" + c.workers())
                    .limit(5).toList()).isPositive();
        }
    }

    /**
     * Conservative scanning: keep(v) puts a node's address only in a scalar
     * slot (as a register spill the stack map does not describe), spins in a
     * tight loop, then reads the node back through that word and checks its
     * value. Cycles run while it spins; only the conservative scan of the
     * frame asyncPreempt interrupted keeps the node alive. A freed node would
     * read as poison (use after free) or fail the check.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void conservativeScanKeepsAnObjectOnlyAScratchWordPointsTo() {
        Program p = Program.builder()
                .type(Workloads.NODE).type(Workloads.HOLDER)
                // locals: 0 x, 1 h, 2 nil, 7 h2 (pointers); 3 word, 4 n, 5 got, 6 want (scalars).
                // No allocation while the address is only a word: like a uintptr in Go, a
                // word keeps nothing alive at a synchronous safe point (an assist scans
                // precisely), only at an asynchronous one.
                .func("keep", 8, 0).ptrLocals(0, 1, 2, 7)
                    .label("again")
                    .newobj(0, "node").constant(6, 42).storew(0, 1, 6)
                    .newobj(1, "holder").storep(1, 0, 0).newobj(7, "holder")
                    .loadw(3, 1, 0)                           // x's address as a plain word
                    .storep(1, 0, 2).clear(1).clear(0)        // no pointer to x is left anywhere
                    .constant(4, 3_000_000).label("spin").decjnz(4, "spin")
                    .storew(7, 0, 3).constant(3, 0)
                    .loadp(0, 7, 0).clear(7)                  // back to a pointer
                    .loadw(5, 0, 1).checkeq(5, 6).clear(0)
                    .jmp("again").end()
                .func("main", 0, 0).spawn("keep").spawn("keep").block().end()
                .entry("main")
                .build();
        try (GoProcess run = Processes.of(p, 2, 1).autoTrigger(false).build().start()) {
            Processes.untilAWorkerRuns(run);
            List<CycleRecord> rs = run.runCycles(25);
            assertThat(run.collector().checkmarkFailures()).isEmpty();
            assertThat(rs).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            assertThat(rs.stream().mapToLong(CycleRecord::asyncPreemptions).sum()).isPositive();
            assertThat(run.interpreter().useAfterFree()).isZero();
            assertThat(run.fatalError()).isNull();
        }
    }
}
