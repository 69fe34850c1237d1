package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.G;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.WaitReason;
import gcsim.goroutines.mutator.Program;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * A runtime.GC() request the trigger thread took just before close(): its cycle does not
     * start (closed by the time the thread has startSema), and the request must stay counted as
     * a running M, as every request left when the collector stops does. Marking it served ended
     * the run with "all goroutines are asleep - deadlock!": checkdead found the goroutines
     * waiting in GC() for a cycle that would never come (seen once in a full test run, in
     * RuntimeGcInstructionTest). Deterministic: the trigger thread is held at the seam before
     * startSema until close() has begun and every M is idle, the state in which serving the
     * request runs checkdead at once.
     */
    @Test
    void aRuntimeGcRequestWhoseCycleCloseStoppedStaysCountedAsRunning() throws Exception {
        Program gcLoop = Program.builder()
                .func("worker", 1, 0).label("again").gc().jmp("again").end()
                .func("main", 1, 0)
                    .constant(0, 4)
                    .label("spawn").spawn("worker").decjnz(0, "spawn")
                    .block()
                    .end()
                .entry("main")
                .build();
        GcConfig config = GcConfig.defaults(0).withAutoTrigger(false);
        try (MarkRun run = MarkRun.start(gcLoop, SchedConfig.of(2), config)) {
            run.until(() -> !run.gc().records().isEmpty());
            AtomicBoolean first = new AtomicBoolean(true);
            AtomicReference<Throwable> hookFailure = new AtomicReference<>();
            FutureTask<Void> close = new FutureTask<>(() -> {
                run.gc().close();
                return null;
            });
            run.gc().setBeforeStartSemaHookForTest(() -> {
                if (!first.getAndSet(false)) {
                    return;
                }
                try {
                    new Thread(close, "closer").start();
                    run.until(() -> run.gc().closedForTest());
                    run.until(() -> waitingInGc(run) == 4 && run.rt().runningMs() == 0);
                } catch (Throwable t) {
                    hookFailure.set(t);
                }
            });
            close.get(30, TimeUnit.SECONDS);
            assertThat(hookFailure.get()).as("the hook reached its state").isNull();
            assertThat(first.get()).as("the trigger thread met the seam").isFalse();
            assertThat(run.rt().fatalError()).as("no deadlock reported").isNull();
            run.rt().shutdown();
            assertThat(run.rt().joinMs(10_000)).as("every M ended").isTrue();
            assertThat(run.rt().fatalError()).as("the shutdown was quiet").isNull();
        }
    }

    /** How many of the program's goroutines wait in runtime.GC() for a cycle. */
    private static int waitingInGc(MarkRun run) {
        int n = 0;
        for (G gp : run.rt().allgs()) {
            if (gp.waitreason() == WaitReason.WAIT_FOR_GC_CYCLE) {
                n++;
            }
        }
        return n;
    }
}
