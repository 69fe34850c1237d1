package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.SchedConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cycle's record carries its whole suspendG latency histogram (the JSON's
 * {@code suspendG.buckets}, which gcsim report draws as a CDF): every call the stack jobs made is
 * in exactly one bucket, the bounds double from 128 ns, and the slowest call is in the last one.
 */
@Timeout(120)
class SuspendLatencyBucketsTest {
    @Test
    void everySuspendGCallIsInOneBucketOfDoublingBounds() {
        GcConfig config = GcConfig.defaults(0).withAutoTrigger(false);
        try (MarkRun run = MarkRun.start(Workloads.listsOnStacks(32, 40, 6), SchedConfig.of(2), config)) {
            List<CycleRecord> cycles = run.cycles(3);
            run.assertVerified();
            for (CycleRecord c : cycles) {
                CycleRecord.SuspendLatency s = c.suspend();
                assertThat(s.calls()).as("stack jobs called suspendG").isPositive();
                assertThat(s.buckets().stream().mapToLong(CycleRecord.SuspendLatency.Bucket::count).sum())
                        .as("cycle %d", c.n()).isEqualTo(s.calls());
                long bound = CycleRecord.SuspendLatency.FIRST_BUCKET_NANOS;
                long previous = 0;
                for (CycleRecord.SuspendLatency.Bucket b : s.buckets()) {
                    assertThat(b.count()).isPositive();
                    assertThat(b.upToNanos()).isGreaterThan(previous);
                    while (bound < b.upToNanos()) {
                        bound *= 2;
                    }
                    assertThat(b.upToNanos()).as("a doubling of 128 ns").isEqualTo(bound);
                    previous = b.upToNanos();
                }
                // HdrHistogram keeps 2 significant digits here: the max may sit just above its bound.
                assertThat(s.maxNanos()).isLessThan(previous + previous / 50);
            }
        }
    }
}
