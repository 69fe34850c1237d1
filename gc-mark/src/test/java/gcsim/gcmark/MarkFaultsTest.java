package gcsim.gcmark;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.G;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Interp;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults injected into a GC cycle with the collector's stack-scan seam and
 * latches: the only mark worker is descheduled in the middle of a stack job
 * (holding a suspended G) while the mutators go on: goroutines are created
 * after the root snapshot (they are not among the cycle's stack jobs), run
 * and exit, lists are built and verified, pointers move through channels
 * (mutators that run out of assist work park until the cycle ends). The
 * cycle must still finish with checkmark clean, and afterwards every G is
 * accounted for (world stopped: no scan bit, live == created - exited).
 */
@Timeout(60)
class MarkFaultsTest {

    @Test
    void markWorkerDescheduledMidStackScanWhileGsAreCreatedAndExit() throws Exception {
        // 6 Ps: the held worker keeps its P (a descheduled thread holds its P in Go too), a
        // goroutine readying the held G spins in casgstatus on its P, and a suspender waiting for
        // that spinning G holds a third; main still finds one to keep spawning on.
        Sched rt = new Sched(SchedConfig.of(6));
        Heap heap = new Heap(HeapConfig.of(6));
        Interp interp = new Interp(rt, heap, Workloads.channelsAndChurn(2));
        Collector gc = new Collector(rt, heap, GcConfig.defaults(2).withAutoTrigger(false));
        gc.addChannelRoots(interp.chans());
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<G> heldG = new AtomicReference<>();
        gc.setScanHookForTest(gp -> {
            // Only a background mark worker, a system goroutine on its P's M (as Go's, it
            // holds that P while its thread is descheduled; the checkmark pass runs with the
            // world stopped on the collector's coordinator goroutine), and any G but main (main keeps
            // spawning the churn).
            M mp = M.getm();
            G self = mp == null ? null : mp.curg();
            if (self != null && self.isGcBgMarkWorker()
                    && gp != rt.allgs()[0] && heldG.compareAndSet(null, gp)) {
                held.countDown();
                await(release); // the worker is descheduled mid stack job, holding gp
            }
        });
        gc.start();
        interp.start();
        try {
            until(rt, () -> rt.stats().goroutinesCreated() > 10); // the churn has begun
            // Cycles until a mark worker (not an assist) takes a stack job and is held.
            List<CycleRecord> cycles = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread collector = new Thread(() -> {
                try {
                    for (int i = 0; i < 200 && heldG.get() == null; i++) {
                        cycles.add(gc.gc());
                    }
                } catch (RuntimeException | Error e) {
                    failure.set(e);
                }
            }, "test-gc");
            collector.start();
            await(held);
            G gp = heldG.get();
            long created = rt.stats().goroutinesCreated();
            // While the worker is descheduled: new Gs start (after the root snapshot), run
            // (allocating: with the only worker gone, their assists do the mark work or park).
            until(rt, () -> rt.stats().goroutinesCreated() >= created + 20);
            assertThat(readgstatus(gp) & G_SCAN).as("the held G stays suspended").isNotZero();
            release.countDown();
            collector.join(30_000);
            assertThat(failure.get()).isNull();
            assertThat(collector.isAlive()).as("the cycle finished").isFalse();
            assertThat(cycles).isNotEmpty().allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            gc.setScanHookForTest(null);
            for (int i = 0; i < 3; i++) {
                assertThat(gc.gc().checkmark()).isEqualTo(CycleRecord.Checkmark.OK);
            }
            assertThat(gc.checkmarkFailures()).isEmpty();
            assertThat(rt.fatalError()).as("mutators verified their data").isNull();
            assertThat(interp.useAfterFree()).isZero();
            gc.close();
            assertEveryGAccountedFor(rt);
        } finally {
            release.countDown();
            rt.shutdown();
            gc.close();
        }
    }

    /** With the world stopped and no collector running: no scan bit anywhere; live Gs == created - exited. */
    static void assertEveryGAccountedFor(Sched rt) {
        rt.stopTheWorld("test: account for every G");
        try {
            assertThat(rt.unaccountedGs()).isNull();
        } finally {
            rt.startTheWorld();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            assertThat(l.await(20, TimeUnit.SECONDS)).as("latch").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void until(Sched rt, BooleanSupplier cond) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (!cond.getAsBoolean()) {
            assertThat(rt.fatalError()).as("runtime failure").isNull();
            if (System.nanoTime() > deadline) {
                StringBuilder gs = new StringBuilder();
                for (G gp : rt.allgs()) {
                    gs.append(' ').append(gp).append(':').append(Integer.toHexString(readgstatus(gp)))
                            .append('/').append(gp.waitreason());
                }
                Thread.getAllStackTraces().forEach((t, st) -> {
                    if (t.getName().startsWith("gcsim")) {
                        gs.append("\n").append(t.getName());
                        for (int i = 0; i < Math.min(8, st.length); i++) {
                            gs.append("\n    ").append(st[i]);
                        }
                    }
                });
                throw new AssertionError("condition not reached in time; " + rt.stats() + ";" + gs);
            }
            Thread.yield();
        }
    }
}
