package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Interp;
import gcsim.goroutines.Program;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stress triggers: every cycle they start is checkmarked clean, and they
 * start the cycles they promise (the heap trigger is off, nobody calls gc(),
 * so every cycle seen is theirs).
 */
@Timeout(60)
class StressTriggerTest {
    private record Run(Sched rt, Heap heap, Interp interp, Collector gc) implements AutoCloseable {
        static Run start(Program p, int procs, GcConfig.Mode mode, long gcEvery, boolean atSafepoints) {
            Sched rt = new Sched(SchedConfig.of(procs));
            Heap heap = new Heap(HeapConfig.of(procs));
            Interp interp = new Interp(rt, heap, p);
            Collector gc = new Collector(rt, heap, GcConfig.defaults(1).withMode(mode).withAutoTrigger(false));
            gc.setStressTriggers(gcEvery, atSafepoints);
            gc.addChannelRoots(interp.chans());
            gc.start();
            interp.start();
            return new Run(rt, heap, interp, gc);
        }

        void until(BooleanSupplier cond) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!cond.getAsBoolean()) {
                assertThat(rt.fatalError()).as("runtime failure").isNull();
                assertThat(System.nanoTime()).as("condition not reached in time").isLessThan(deadline);
                Thread.onSpinWait();
                Thread.yield();
            }
        }

        void assertVerified() {
            assertThat(rt.fatalError()).as("mutator or runtime failure").isNull();
            assertThat(gc.checkmarkFailures()).isEmpty();
            assertThat(gc.records()).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            assertThat(interp.useAfterFree()).isZero();
        }

        @Override
        public void close() {
            gc.close();
            rt.shutdown();
        }
    }

    /** main allocates {@code n} garbage objects and returns. */
    private static Program allocateAndExit(int n) {
        return Program.builder()
                .type(Workloads.GARBAGE)
                .func("main", 2, 0).ptrLocals(0)
                    .constant(1, n).label("l").newobj(0, "garbage").decjnz(1, "l").ret().end()
                .build();
    }

    /** One goroutine: its every N-th allocation waits for its own cycle, so exactly floor(A/N) cycles run. */
    @ParameterizedTest
    @EnumSource(GcConfig.Mode.class)
    void gcEveryRunsOneCyclePerNAllocations(GcConfig.Mode mode) throws Exception {
        try (Run run = Run.start(allocateAndExit(1_000), 2, mode, 40, false)) {
            assertThat(run.rt().awaitExit(40, TimeUnit.SECONDS)).isZero();
            assertThat(run.interp().allocations()).isEqualTo(1_000);
            assertThat(run.gc().stressCycles()).isEqualTo(1_000 / 40);
            assertThat(run.gc().records()).hasSize(1_000 / 40);
            run.assertVerified();
        }
    }

    /** Several goroutines on two Ps: allocations are counted across Ps; lists verified by the mutators. */
    @Test
    void gcEveryCountsAllocationsAcrossPs() {
        try (Run run = Run.start(Workloads.listsOnStacks(6, 60, 8), 2, GcConfig.Mode.CONCURRENT, 25, false)) {
            run.until(() -> run.gc().stressCycles() >= 40);
            long allocs = run.interp().allocations();
            long cycles = run.gc().stressCycles();
            // Each goroutine holding a ticket waits for it: at most 6 tickets are unserved.
            assertThat(cycles).isGreaterThanOrEqualTo(allocs / 25 - 6);
            run.assertVerified();
        }
    }

    /** Spinning goroutines calling functions: safe points request cycles back to back, nobody else does. */
    @ParameterizedTest
    @EnumSource(GcConfig.Mode.class)
    void gcAtSafepointsRunsCyclesWhileGoroutinesReachSafePoints(GcConfig.Mode mode) {
        try (Run run = Run.start(Workloads.spinnersWithCalls(4), 2, mode, 0, true)) {
            run.until(() -> run.gc().stressCycles() >= 30);
            assertThat(run.gc().records()).hasSizeGreaterThanOrEqualTo(30);
            run.assertVerified();
        }
    }

    /** Without the triggers (and without the heap trigger) no cycle starts: the tests above measure them. */
    @Test
    void offMeansNoCycles() throws Exception {
        try (Run run = Run.start(allocateAndExit(1_000), 2, GcConfig.Mode.CONCURRENT, 0, false)) {
            assertThat(run.rt().awaitExit(40, TimeUnit.SECONDS)).isZero();
            assertThat(run.gc().records()).isEmpty();
            assertThat(run.gc().stressCycles()).isZero();
        }
    }
}
