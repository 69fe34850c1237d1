package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.SchedConfig;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What mark termination does with the world stopped is Go's, not a walk of the heap: heap_marked
 * comes from the bytes the cycle counted as it marked (work.bytesMarked, gcmarknewobject's bytes
 * for objects allocated black, the write barrier's shading), as go1.14's gcMark sets it. With the
 * collector's check on, every cycle compares that count with the bytes of the objects whose mark
 * bit is set (a walk over every span) and fails the cycle on a difference; mutators allocate
 * during mark (allocate-black) and store through the barrier, so all three sources count. The
 * check's own negative control: dropping gcmarknewobject's bytes from the count made the first
 * cycle of alloc-heavy fail ("heap_marked 14176 != marked bytes 17744") and two of these three cases
 * fail at their first cycle (the stop-the-world case allocates nothing during mark).
 */
@Timeout(120)
class StoppedWorkTest {
    @ParameterizedTest(name = "procs {0}, stw {1}")
    @CsvSource({"2, false", "4, false", "2, true"})
    void heapMarkedIsTheCountOfMarkedBytes(int procs, boolean stw) {
        GcConfig config = GcConfig.defaults(0).withAutoTrigger(false)
                .withMode(stw ? GcConfig.Mode.STW : GcConfig.Mode.CONCURRENT);
        try (MarkRun run = MarkRun.start(Workloads.listsOnStacks(32, 40, 6), SchedConfig.of(procs), config,
                gc -> gc.checkHeapMarkedForTest = true)) {
            // Every cycle must find lists to mark: the first one waits until the workers build them
            // (forced at once, it could run before any worker allocated and find an empty heap).
            run.until(() -> run.interp().allocations() > 2 * 32 * 40);
            List<CycleRecord> cycles = run.cycles(6);
            run.assertVerified();
            assertThat(cycles).allMatch(c -> c.heapLiveBytes() > 0 && c.heapLiveBytes() >= c.bytesMarked());
        }
    }
}
