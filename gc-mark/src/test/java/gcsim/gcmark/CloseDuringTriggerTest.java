package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.SchedConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cycle whose caller decided on it before close() but reaches startSema after close() returned
 * does not start: else the run's shutdown, which follows close(), finds that cycle's
 * stop-the-world mid-phase and the coordinator goroutine dies of "stopTheWorld: process exited", a
 * fatal error no Go program has (seen once in CI: a heap-triggered cycle after a run's last cycle).
 * Deterministic: the caller is held at the seam just before startSema until close() returned.
 */
@Timeout(60)
class CloseDuringTriggerTest {
    @Test
    void aCycleReachingStartSemaAfterCloseDoesNotStart() throws Exception {
        GcConfig config = GcConfig.defaults(0).withAutoTrigger(false);
        try (MarkRun run = MarkRun.start(Workloads.listsOnStacks(2, 50, 2), SchedConfig.of(2), config)) {
            run.cycles(1);
            CountDownLatch atStartSema = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            run.gc().setBeforeStartSemaHookForTest(() -> {
                atStartSema.countDown();
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            FutureTask<CycleRecord> late = new FutureTask<>(run.gc()::gc);
            Thread caller = new Thread(late, "late-gc-caller");
            caller.start();
            assertThat(atStartSema.await(30, TimeUnit.SECONDS)).as("the caller reached the seam").isTrue();
            run.gc().close();
            closed.countDown();
            assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessage("Collector.gc() after close()");
            assertThat(run.gc().records()).as("no cycle after the first").hasSize(1);
            run.rt().shutdown();
            assertThat(run.rt().joinMs(10_000)).as("every M ended").isTrue();
            assertThat(run.rt().fatalError()).as("the shutdown was quiet").isNull();
        }
    }
}
