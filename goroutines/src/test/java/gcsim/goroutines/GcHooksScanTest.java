package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.heap.Heap;
import gcsim.stacks.Stack;
import gcsim.stacks.StackScan;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gc-mark's stack job, done from the allocation hook as an assist would: the
 * allocating G moves itself to waiting, then every G is suspended, its stack
 * scanned with the stacks module's StackScan through the frames the
 * interpreter laid out, and resumed. Every precise pointer slot must hold nil
 * or the base of an allocated heap object: the stack maps the interpreter
 * registers never lie, whatever state each G was caught in.
 */
class GcHooksScanTest {
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {true, false})
    void everyStackScansPreciselyFromTheAllocationHook(boolean async) throws Exception {
        try (TestRt t = new TestRt(StressTest.program(600), SchedConfig.of(2).withAsyncPreempt(async))) {
            StackScan scan = new StackScan(t.rt.functab());
            Heap heap = t.heap;
            AtomicLong allocs = new AtomicLong();
            AtomicLong stacks = new AtomicLong();
            AtomicLong pointers = new AtomicLong();
            AtomicLong bad = new AtomicLong();
            t.rt.setGcHooks((mp, gp, bytes) -> {
                if (allocs.incrementAndGet() % 2000 != 0) {
                    return 0;
                }
                G self = gp;
                self.gc().enterWaitingAssist();
                for (G g : t.rt.allgs()) {
                    SuspendGState st = Suspension.suspendG(g);
                    if (!st.dead()) {
                        Stack s = g.stack();
                        if (s != null && g.savedPc() != 0) {
                            scan.scanstack(s, g.savedPc(), g.savedSp(), (slot, v, conservative) -> {
                                if (!conservative && v != 0) {
                                    pointers.incrementAndGet();
                                    if (heap.findObject(v) != v) {
                                        bad.incrementAndGet();
                                    }
                                }
                            });
                            stacks.incrementAndGet();
                        }
                    }
                    Suspension.resumeG(st);
                }
                self.gc().exitWaiting();
                return 0;
            });
            t.start();
            assertThat(t.await(60)).isZero();
            assertThat(stacks.get()).isPositive();
            assertThat(pointers.get()).isPositive();
            assertThat(bad.get()).isZero();
            for (G g : t.rt.allgs()) {
                assertThat(readgstatus(g) & G_SCAN).isZero();
            }
        }
    }

    /** gcStart's shape: stop the world from the allocating G (running), check, start it again. */
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {true, false})
    void stopTheWorldFromTheAllocationHook(boolean async) throws Exception {
        try (TestRt t = new TestRt(StressTest.program(600), SchedConfig.of(2).withAsyncPreempt(async))) {
            AtomicLong allocs = new AtomicLong();
            AtomicLong stops = new AtomicLong();
            AtomicLong notStopped = new AtomicLong();
            t.rt.setGcHooks((mp, gp, bytes) -> {
                if (allocs.incrementAndGet() % 3000 != 0) {
                    return 0;
                }
                t.rt.stopTheWorld("GC");
                for (P pp : t.rt.allp) {
                    if (pp.status() != P.P_GCSTOP) {
                        notStopped.incrementAndGet();
                    }
                }
                for (G g : t.rt.allgs()) {
                    if (g != gp && readgstatus(g) == G_RUNNING) {
                        notStopped.incrementAndGet();
                    }
                }
                stops.incrementAndGet();
                t.rt.startTheWorld();
                return 0;
            });
            t.start();
            assertThat(t.await(60)).isZero();
            assertThat(stops.get()).isPositive();
            assertThat(notStopped.get()).isZero();
        }
    }
}
