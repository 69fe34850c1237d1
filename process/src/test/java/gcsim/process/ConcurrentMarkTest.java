package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.ProtocolPiece;
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
 * A process whose runtime dies fails {@link GoProcess#runCycles}.
 */
class ConcurrentMarkTest {
    @ParameterizedTest
    @ValueSource(strings = {"CONCURRENT", "STW"})
    void cyclesUnderSelfVerifyingMutatorsLoseNothing(String mode) {
        try (GoProcess run = Processes.of(Workloads.listsOnStacks(20, 300, 40), 2, 2)
                .mode(GcConfig.Mode.valueOf(mode)).build().start()) {
            List<CycleRecord> rs = run.runCycles(12);
            for (CycleRecord r : rs) {
                assertThat(r.heapStartBytes()).as("heap_live at cycle start").isNotNegative();
                assertThat(r.heapMarkTermBytes()).isNotNegative();
                assertThat(r.checkmark()).as("cycle %d: %s", r.n(), run.collector().checkmarkFailures())
                        .isEqualTo(CycleRecord.Checkmark.OK);
                assertThat(r.stacksScanned()).isGreaterThan(0);
                assertThat(r.suspend().calls()).isGreaterThanOrEqualTo(r.stacksScanned());
                // One stack job per G of the snapshot: it scanned the G or found it dead.
                assertThat(r.stacksScanned() + r.suspend().dead()).isEqualTo(r.roots().allgs());
                assertThat(r.roots().alive()).isBetween(1L, r.roots().allgs());
            }
            assertThat(rs).anyMatch(r -> r.objectsMarked() > 0);
            assertThat(rs).anyMatch(r -> r.framesScanned() > r.stacksScanned());
            assertThat(run.collector().checkmarkFailures()).isEmpty();
            assertThat(run.interpreter().useAfterFree()).isZero();
            if (mode.equals("STW")) {
                assertThat(rs).allMatch(r -> r.concurrentMarkNanos() == 0);
            }
        }
    }

    @Test
    void heldNodesSurviveAndGarbageIsFreed() {
        try (GoProcess run = Processes.of(Workloads.shuffleBetweenHolders(8, 500), 2, 2).build().start()) {
            List<CycleRecord> rs = run.runCycles(10);
            assertThat(run.collector().checkmarkFailures()).isEmpty();
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
        try (GoProcess run = Processes.of(Workloads.shuffleBetweenHolders(8, 2000), 2, 1)
                .broken(EnumSet.of(ProtocolPiece.DELETION_BARRIER, ProtocolPiece.INSERTION_BARRIER)).build().start()) {
            boolean failed = false;
            for (int i = 0; i < 60 && !failed; i++) {
                failed = run.collector().gc().checkmark() == CycleRecord.Checkmark.FAILED;
            }
            assertThat(failed).as("checkmark caught a lost object within 60 cycles").isTrue();
            assertThat(run.collector().checkmarkFailures()).first().asString()
                    .contains("unmarked object").contains("of type node").contains("reached by: ");
        }
    }

    /** TestPreemptionGC: goroutines spinning through calls; every cycle completes and scans them all. */
    @Test
    void preemptionGcEveryCycleCompletesWithSpinningGoroutines() {
        try (GoProcess run = Processes.of(Workloads.spinnersWithCalls(8), 2, 2).build().start()) {
            List<CycleRecord> rs = run.runCycles(10);
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
        try (GoProcess run = Processes.of(Workloads.channelsAndChurn(6), 2, 2)
                .mode(GcConfig.Mode.valueOf(mode)).build().start()) {
            List<CycleRecord> rs = new ArrayList<>(run.runCycles(12));
            // Keep cycling (bounded) until churn goroutines have exited and a cycle's
            // snapshot held a dead G: STW cycles back to back leave mutators little time.
            while (rs.size() < 300 && !(run.runtime().stats().goroutinesExited() > 0
                    && rs.stream().anyMatch(r -> r.suspend().dead() > 0))) {
                rs.addAll(run.runCycles(1));
            }
            assertThat(run.collector().checkmarkFailures()).isEmpty();
            assertThat(rs).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            assertThat(run.runtime().stats().goroutinesExited()).as("churn goroutines exited").isGreaterThan(0);
            assertThat(rs).anyMatch(r -> r.suspend().dead() > 0);
        }
    }
}
