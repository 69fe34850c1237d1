package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import gcsim.goroutines.GoVersion;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * go1.14's heap_scan through a cycle: mark termination sets it to the cycle's scan work (gcMark:
 * {@code memstats.heap_scan = uint64(gcController.scanWork)}), in Go's unit (ScanWorkTest), and the
 * next cycle's assist ratio expects heap_scan's live share (revise: {@code heap_scan * 100 / (100 +
 * GOGC)}) over the runway to the goal.
 */
@Timeout(120)
class HeapScanCycleTest {
    /** 32 bytes, one pointer, in word 0: go1.14 scans 16 bytes of it, go1.19 8. */
    private static final ObjectType LINK = ObjectType.withPointers("link", 4, 0);
    private static final int N = 2000;

    /**
     * main builds a list of N links, keeps its head in a local and parks for ever; a goroutine
     * that allocates nothing spins meanwhile (else all goroutines would be asleep).
     */
    private static Program listThenPark() {
        return Program.builder()
                .type(LINK)
                .func("spin", 1, 0).label("loop").gosched().jmp("loop").end()
                .func("main", 4, 0).ptrLocals(0, 1)
                    .spawn("spin")
                    // 0 head, 1 new link, 2 i, 3 n
                    .clear(0)
                    .constant(2, 0)
                    .constant(3, N)
                    .label("build")
                    .newobj(1, "link")
                    .storep(1, 0, 0)
                    .mov(0, 1)
                    .addi(2, 2, 1)
                    .jlt(2, 3, "build")
                    .clear(1)
                    .block()
                    .end()
                .entry("main")
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GoVersion.class, names = {"GO1_14", "GO1_19"})
    void markTerminationSetsHeapScanToTheCyclesScanWork(GoVersion v) {
        try (MarkRun run = MarkRun.start(listThenPark(), SchedConfig.of(1).withGoVersion(v),
                GcConfig.defaults(0).withAutoTrigger(false))) {
            run.until(() -> run.heap().stats().allocations() >= N);
            run.cycles(1);
            long perLink = v.checkmarkInHeapBitmap() ? 16 : 8;
            assertThat(run.heap().heapScan()).as("%s: the list scanned, Go's scan work per link", v)
                    .isEqualTo(N * perLink);
            run.assertVerified();
        }
    }

    @Test
    void go1_14sAssistRatioExpectsTheLiveShareOfHeapScan() {
        try (MarkRun run = MarkRun.start(listThenPark(), SchedConfig.of(1),
                GcConfig.defaults(0).withAutoTrigger(false))) {
            run.until(() -> run.heap().stats().allocations() >= N);
            run.cycles(1);
            long heapScan = run.heap().heapScan();
            long heapLive = run.heap().heapLive();
            long goal = run.heap().heapGoal();
            assertThat(heapScan).isEqualTo(N * 16L);
            assertThat(heapLive).isLessThan(goal);
            run.cycles(1); // nothing allocates: the cycle starts from these figures
            double expected = (heapScan * 100.0 / (100 + 100)) / (goal - heapLive); // GOGC=100
            assertThat(run.gc().assistForTest().assistWorkPerByte()).isCloseTo(expected, within(expected * 1e-9));
            run.assertVerified();
        }
    }
}
