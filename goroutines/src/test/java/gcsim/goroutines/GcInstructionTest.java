package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Program;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's side of the {@code gc} instruction (runtime.GC()), against a stub of the
 * collector's hook: each call sees gp's state saved AT the instruction; after a park or a Gosched
 * gp executes the instruction again (GC()'s waits); only a 0 takes it past. Without a collector
 * the instruction does nothing.
 */
class GcInstructionTest {
    /** main: a = 5; gc; b = 5; check a == b; return. */
    private static Program program() {
        return Program.builder()
                .func("main", 2, 0).constant(0, 5).gc().constant(1, 5).checkeq(0, 1).ret().end()
                .build();
    }

    @Test
    void theInstructionRunsAgainAfterEachWaitAndGoesOnAfterAZero() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> pcs = new CopyOnWriteArrayList<>();
        AtomicReference<G> parked = new AtomicReference<>();
        try (TestRt t = new TestRt(program(), SchedConfig.of(2))) {
            t.rt.setGcHooks(new GcHooks() {
                @Override
                public int afterAllocate(M mp, G gp, long bytes) {
                    return 0;
                }

                @Override
                public int runtimeGC(M mp, G gp) {
                    pcs.add(gp.savedPc());
                    switch (calls.incrementAndGet()) {
                        case 1 -> {
                            // gcWaitOnMark: park until "mark termination" (the test) readies gp
                            Sched.gopark(mp, gp, () -> parked.set(gp), WaitReason.WAIT_FOR_GC_CYCLE);
                            return GoCode.PARK;
                        }
                        case 2 -> {
                            return GoCode.GOSCHED; // the sweep loop's Gosched
                        }
                        default -> {
                            return 0; // GC() returned
                        }
                    }
                }
            });
            // The stub "collector" that will ready gp counts as a running M for checkdead, as the
            // collector's pending cycle does for a real runtime.GC() caller.
            t.rt.gcSupport().enterGcCycle();
            t.start();
            TestRt.until(() -> parked.get() != null, t.rt);
            G gp = parked.get();
            assertThat(gp.status()).isEqualTo(GStatus.G_WAITING);
            assertThat(Traceback.goroutineheader(gp)).isEqualTo("goroutine 1 [wait for GC cycle]:");
            assertThat(calls.get()).as("parked: not called again until readied").isEqualTo(1);
            t.rt.ready(gp, false);
            t.rt.gcSupport().exitGcCycle();
            assertThat(t.await(20)).isZero();
            assertThat(calls.get()).isEqualTo(3);
            assertThat(pcs).hasSize(3).containsOnly(pcs.get(0));
        }
    }

    @Test
    void withoutACollectorGcDoesNothing() throws Exception {
        try (TestRt t = new TestRt(program(), SchedConfig.of(1)).start()) {
            assertThat(t.await(20)).isZero();
        }
    }
}
