package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.SchedConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Whole GC cycles against running, self-verifying mutators. The oracles:
 * checkmark after every cycle (nothing reachable left unmarked) and the
 * mutators' own checks (a freed node read, or a wrong value, kills the run).
 */
class ConcurrentMarkTest {
    @ParameterizedTest
    @ValueSource(strings = {"CONCURRENT", "STW"})
    void cyclesUnderSelfVerifyingMutatorsLoseNothing(String mode) {
        GcConfig config = GcConfig.defaults(2).withMode(GcConfig.Mode.valueOf(mode));
        try (MarkRun run = MarkRun.start(Workloads.listsOnStacks(20, 300, 40), SchedConfig.of(2), config)) {
            List<CycleRecord> rs = run.cycles(12);
            for (CycleRecord r : rs) {
                assertThat(r.heapStartBytes()).as("heap_live at cycle start").isNotNegative();
                assertThat(r.heapMarkTermBytes()).isNotNegative();
                assertThat(r.checkmark()).as("cycle %d: %s", r.n(), run.gc().checkmarkFailures())
                        .isEqualTo(CycleRecord.Checkmark.OK);
                assertThat(r.stacksScanned()).isGreaterThan(0);
                assertThat(r.suspend().calls()).isGreaterThanOrEqualTo(r.stacksScanned());
                // One stack job per G of the snapshot: it scanned the G or found it dead.
                assertThat(r.stacksScanned() + r.suspend().dead()).isEqualTo(r.roots().allgs());
                assertThat(r.roots().alive()).isBetween(1L, r.roots().allgs());
            }
            assertThat(rs).anyMatch(r -> r.objectsMarked() > 0);
            assertThat(rs).anyMatch(r -> r.framesScanned() > r.stacksScanned());
            assertThat(run.gc().checkmarkFailures()).isEmpty();
            assertThat(run.interp().useAfterFree()).isZero();
            if (mode.equals("STW")) {
                assertThat(rs).allMatch(r -> r.concurrentMarkNanos() == 0);
            }
        }
    }

    @Test
    void heldNodesSurviveAndGarbageIsFreed() {
        try (MarkRun run = MarkRun.start(Workloads.shuffleBetweenHolders(8, 500), SchedConfig.of(2),
                GcConfig.defaults(2))) {
            List<CycleRecord> rs = run.cycles(10);
            assertThat(run.gc().checkmarkFailures()).isEmpty();
            assertThat(rs).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
        }
    }

    /**
     * The oracle works: with the write barrier deliberately missing, the
     * shuffling mutators hide nodes from concurrent mark and checkmark says so
     * (and repairs them, so the run stays alive to report it).
     */
    @Test
    void withoutTheWriteBarrierCheckmarkCatchesLostObjects() {
        SchedConfig broken = SchedConfig.of(2).withBroken(
                EnumSet.of(ProtocolPiece.DELETION_BARRIER, ProtocolPiece.INSERTION_BARRIER));
        try (MarkRun run = MarkRun.start(Workloads.shuffleBetweenHolders(8, 2000), broken, GcConfig.defaults(1))) {
            boolean failed = false;
            for (int i = 0; i < 60 && !failed; i++) {
                failed = run.gc().gc().checkmark() == CycleRecord.Checkmark.FAILED;
            }
            assertThat(failed).as("checkmark caught a lost object within 60 cycles").isTrue();
            assertThat(run.gc().checkmarkFailures()).first().asString()
                    .contains("unmarked object").contains("of type node").contains("reached by: ");
        }
    }

    /** TestPreemptionGC: goroutines spinning through calls; every cycle completes and scans them all. */
    @Test
    void preemptionGcEveryCycleCompletesWithSpinningGoroutines() {
        try (MarkRun run = MarkRun.start(Workloads.spinnersWithCalls(8), SchedConfig.of(2), GcConfig.defaults(2))) {
            List<CycleRecord> rs = run.cycles(10);
            assertThat(rs).hasSize(10).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            // main + 8 spinners stopped and scanned in every cycle once they exist.
            CycleRecord last = rs.get(rs.size() - 1);
            assertThat(last.stacksScanned()).isGreaterThanOrEqualTo(9);
            // Nobody exits: exactly the goroutines alive at the root snapshot are scanned.
            assertThat(rs).allMatch(r -> r.stacksScanned() == r.roots().alive() && r.roots().alive() > 0);
            assertThat(rs.stream().mapToLong(CycleRecord::cooperativePreemptions).sum()).isGreaterThan(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONCURRENT", "STW"})
    void pointersThroughChannelsAndReusedGoroutinesSurvive(String mode) {
        GcConfig config = GcConfig.defaults(2).withMode(GcConfig.Mode.valueOf(mode));
        try (MarkRun run = MarkRun.start(Workloads.channelsAndChurn(6), SchedConfig.of(2), config)) {
            List<CycleRecord> rs = new ArrayList<>(run.cycles(12));
            // Keep cycling (bounded) until churn goroutines have exited and a cycle's
            // snapshot held a dead G: STW cycles back to back leave mutators little time.
            while (rs.size() < 300 && !(run.rt().stats().goroutinesExited() > 0
                    && rs.stream().anyMatch(r -> r.suspend().dead() > 0))) {
                rs.addAll(run.cycles(1));
            }
            assertThat(run.gc().checkmarkFailures()).isEmpty();
            assertThat(rs).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            assertThat(run.rt().stats().goroutinesExited()).as("churn goroutines exited").isGreaterThan(0);
            assertThat(rs).anyMatch(r -> r.suspend().dead() > 0);
        }
    }
}
