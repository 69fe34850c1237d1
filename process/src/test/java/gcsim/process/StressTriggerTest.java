package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.gcmark.GcConfig;
import gcsim.goroutines.mutator.Program;
import java.time.Duration;
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
    /** A world with the heap trigger off and the given stress triggers on. */
    private static GoProcess start(Program p, int procs, GcConfig.Mode mode, long gcEvery, boolean atSafepoints) {
        return Processes.of(p, procs, 1).mode(mode).autoTrigger(false)
                .gcEvery(gcEvery).gcAtSafepoints(atSafepoints).build().start();
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
        try (GoProcess run = start(allocateAndExit(1_000), 2, mode, 40, false)) {
            assertThat(run.awaitExit(Duration.ofSeconds(40))).isZero();
            assertThat(run.interpreter().allocations()).isEqualTo(1_000);
            assertThat(run.collector().stressCycles()).isEqualTo(1_000 / 40);
            assertThat(run.collector().records()).hasSize(1_000 / 40);
            Processes.assertVerified(run);
        }
    }

    /** Several goroutines on two Ps: allocations are counted across Ps; lists verified by the mutators. */
    @Test
    void gcEveryCountsAllocationsAcrossPs() {
        try (GoProcess run = start(Workloads.listsOnStacks(6, 60, 8), 2, GcConfig.Mode.CONCURRENT, 25, false)) {
            Processes.until(run, () -> run.collector().stressCycles() >= 40);
            long allocs = run.interpreter().allocations();
            long cycles = run.collector().stressCycles();
            // Each goroutine holding a ticket waits for it: at most 6 tickets are unserved.
            assertThat(cycles).isGreaterThanOrEqualTo(allocs / 25 - 6);
            Processes.assertVerified(run);
        }
    }

    /** Spinning goroutines calling functions: safe points request cycles back to back, nobody else does. */
    @ParameterizedTest
    @EnumSource(GcConfig.Mode.class)
    void gcAtSafepointsRunsCyclesWhileGoroutinesReachSafePoints(GcConfig.Mode mode) {
        try (GoProcess run = start(Workloads.spinnersWithCalls(4), 2, mode, 0, true)) {
            Processes.until(run, () -> run.collector().stressCycles() >= 30);
            assertThat(run.collector().records()).hasSizeGreaterThanOrEqualTo(30);
            Processes.assertVerified(run);
        }
    }

    /** Without the triggers (and without the heap trigger) no cycle starts: the tests above measure them. */
    @Test
    void offMeansNoCycles() throws Exception {
        try (GoProcess run = start(allocateAndExit(1_000), 2, GcConfig.Mode.CONCURRENT, 0, false)) {
            assertThat(run.awaitExit(Duration.ofSeconds(40))).isZero();
            assertThat(run.collector().records()).isEmpty();
            assertThat(run.collector().stressCycles()).isZero();
        }
    }
}
