package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.M;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.WaitReason;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mgc.go's GC() and gcWaitOnMark, as the mutator's {@code gc} instruction runs them: a goroutine
 * that calls runtime.GC() while a cycle is marking waits for that cycle's mark termination, then
 * for a whole new cycle (which it asks for), and only then returns. Each cycle is held in mark
 * by the collector's scan hook (the mark worker descheduled on a latch in the stack job of a
 * blocked goroutine), so the test sees the caller waiting at each step; no sleeps.
 */
@Timeout(60)
class RuntimeGcWaitTest {
    private static final ObjectType FLAG = ObjectType.scalars("flag", 1);
    private static final long HOLDER_GOID = 2;

    /**
     * main starts holder; holder allocates the flag (its local 0), starts caller and blocks; caller
     * spins with calls until the flag is 1, calls gc, sets the flag to 2 and spins on.
     */
    private static Program program() {
        return Program.builder()
                .type(FLAG)
                .func("leaf", 0, 0).ret().end()
                .func("caller", 1, 1).ptrArgs(0)             // slot 0 v; slot 2 the flag
                    .label("spin").call("leaf", -1).loadw(0, 2, 0).jnz(0, "go").jmp("spin")
                    .label("go").gc().constant(0, 2).storew(2, 0, 0)
                    .label("after").call("leaf", -1).jmp("after").end()  // runs on: all asleep would be a deadlock
                .func("holder", 1, 0).ptrLocals(0)
                    .newobj(0, "flag").spawn("caller", 0).block().end()
                .func("main", 0, 0).spawn("holder").block().end()
                .entry("main")
                .build();
    }

    @Test
    void aCallDuringACycleWaitsForItsEndThenForAWholeNewCycle() throws Exception {
        CountDownLatch[] held = {new CountDownLatch(1), new CountDownLatch(1)};
        CountDownLatch[] release = {new CountDownLatch(1), new CountDownLatch(1)};
        AtomicLong holds = new AtomicLong();
        AtomicLong flag = new AtomicLong();
        // One dedicated worker on 3 Ps: held in a stack job it keeps its P, and the caller still
        // has one to run on.
        GcConfig config = GcConfig.defaults(1).withAutoTrigger(false);
        try (MarkRun run = MarkRun.start(program(), SchedConfig.of(3), config, gc -> gc.setScanHookForTest(gp -> {
            // A background mark worker goroutine's stack job of holder (blocked: its stack holds
            // still), in each of the first two cycles; never the checkmark pass (on the
            // collector's coordinator goroutine).
            M mp = M.getm();
            G self = mp == null ? null : mp.curg();
            if (gp.goid() == HOLDER_GOID && self != null && self.isGcBgMarkWorker()) {
                int i = (int) holds.getAndIncrement();
                if (i < 2) {
                    var st = gp.stack();
                    if (st != null) {
                        flag.set(st.read(gp.savedSp())); // holder's local 0: the flag object
                    }
                    held[i].countDown();
                    await(release[i]);
                }
            }
        }))) {
            run.until(() -> run.rt().allgs().length >= 3);
            G caller = run.rt().allgs()[2];
            run.until(() -> caller.status() == GStatus.G_RUNNING || caller.status() == GStatus.G_RUNNABLE);

            // Cycle 1, from outside (the test's thread), held in mark.
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    run.gc().gc();
                } catch (RuntimeException | Error e) {
                    failure.set(e);
                }
            }, "test-gc");
            t.start();
            await(held[0]);
            run.heap().writeWord(flag.get(), 1); // caller now calls gc during cycle 1's mark
            run.until(() -> waitingForGcCycle(caller));
            assertThat(run.gc().records()).as("cycle 1 is still marking").isEmpty();

            release[0].countDown();
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(failure.get()).isNull();
            // Cycle 1 ended; caller asked for cycle 2 (the trigger thread runs it) and waits for its end.
            await(held[1]);
            assertThat(waitingForGcCycle(caller)).as("still waiting, in cycle 2's mark: status 0x%x, %s",
                    caller.status(), caller.waitreason()).isTrue();
            assertThat(run.heap().readWord(flag.get())).as("gc has not returned").isEqualTo(1);
            assertThat(run.gc().records()).hasSize(1);

            release[1].countDown();
            run.until(() -> run.heap().readWord(flag.get()) == 2);
            run.until(() -> run.gc().records().size() == 2);
            List<CycleRecord> rs = run.gc().records();
            assertThat(rs.get(0).forced()).as("cycle 1: Collector.gc()").isTrue();
            assertThat(rs.get(1).forced()).as("cycle 2: runtime.GC() is user-forced").isTrue();
            assertThat(holds.get()).as("no third cycle").isEqualTo(2);
            run.assertVerified();
        } finally {
            release[0].countDown();
            release[1].countDown();
        }
    }

    /**
     * A G is parked in gcWaitOnMark: _Gwaiting, "wait for GC cycle" (with or without the scan
     * bit: the other mark worker may be scanning its stack at that moment).
     */
    private static boolean waitingForGcCycle(G gp) {
        return (gp.status() & ~GStatus.G_SCAN) == GStatus.G_WAITING && gp.waitreason() == WaitReason.WAIT_FOR_GC_CYCLE;
    }

    private static void await(CountDownLatch l) {
        try {
            assertThat(l.await(20, TimeUnit.SECONDS)).as("latch").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
