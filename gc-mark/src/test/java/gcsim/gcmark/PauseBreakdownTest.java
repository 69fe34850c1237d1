package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Program;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pause breakdown adds up: each stop's time to stop, stopped work and restart make its
 * phase's wall time (sweep termination's restart inside it, mark termination's after tEnd, as
 * Go's work.tMark and work.tEnd), the named steps lie inside the stopped time and with the rest
 * make it, and the checkmark is a step exactly when it runs. Exact equalities of clock reads, no
 * thresholds.
 */
@Timeout(60)
class PauseBreakdownTest {
    private static Program blockedMain() {
        return Program.builder()
                .func("main", 0, 0).label("w").sleep(1_000_000).jmp("w").end().build();
    }

    @ParameterizedTest(name = "checkmark {0}")
    @ValueSource(booleans = {false, true})
    void eachStopAddsUpToItsPhase(boolean checkmark) {
        GcConfig config = GcConfig.defaults(0).withAutoTrigger(false).withCheckmark(checkmark);
        try (MarkRun run = MarkRun.start(blockedMain(), SchedConfig.of(2), config)) {
            List<CycleRecord> cycles = run.cycles(3);
            for (CycleRecord c : cycles) {
                CycleRecord.Pause sweep = c.pauses().sweepTermination();
                CycleRecord.Pause mark = c.pauses().markTermination();
                assertThat(sweep.requestNanosSinceInit()).isEqualTo(c.startNanosSinceInit());
                assertThat(sweep.timeToStopNanos() + sweep.stoppedNanos() + sweep.restartNanos())
                        .isEqualTo(sweep.wallNanos()).isEqualTo(c.stwSweepTermNanos());
                assertThat(mark.requestNanosSinceInit())
                        .isEqualTo(c.startNanosSinceInit() + c.stwSweepTermNanos() + c.concurrentMarkNanos());
                assertThat(mark.timeToStopNanos() + mark.stoppedNanos()).isEqualTo(c.stwMarkTermNanos());
                assertAddsUp(sweep, c.procs());
                assertAddsUp(mark, c.procs());
                assertThat(sweep.steps()).extracting(CycleRecord.Step::name).containsExactly("finishSweep", "rootPrep");
                assertThat(mark.steps()).extracting(CycleRecord.Step::name).containsExactlyElementsOf(checkmark
                        ? List.of("checks", "checkmark", "sweepStart")
                        : List.of("checks", "sweepStart"));
            }
            assertThat(run.rt().fatalError()).isNull();
            assertThat(cycles).extracting(CycleRecord::checkmark)
                    .containsOnly(checkmark ? CycleRecord.Checkmark.OK : CycleRecord.Checkmark.OFF);
        }
    }

    /** Steps inside the stopped time, in order, not overlapping; steps + rest == stopped; a P came last. */
    private static void assertAddsUp(CycleRecord.Pause p, int procs) {
        assertThat(p.timeToStopNanos()).isNotNegative();
        assertThat(p.restartNanos()).isNotNegative();
        assertThat(p.restNanos()).isNotNegative();
        long from = p.requestNanosSinceInit() + p.timeToStopNanos();
        long to = from + p.stoppedNanos();
        long sum = 0;
        long at = from;
        for (CycleRecord.Step s : p.steps()) {
            assertThat(s.nanos()).as(s.name()).isNotNegative();
            assertThat(s.startNanosSinceInit()).as(s.name()).isGreaterThanOrEqualTo(at);
            at = s.startNanosSinceInit() + s.nanos();
            sum += s.nanos();
        }
        assertThat(at).isLessThanOrEqualTo(to);
        assertThat(sum + p.restNanos()).isEqualTo(p.stoppedNanos());
        assertThat(p.lastP()).isBetween(0, procs - 1);
        assertThat(p.lastM()).isGreaterThanOrEqualTo(-1);
    }
}
