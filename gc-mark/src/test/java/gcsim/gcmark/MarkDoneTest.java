package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gcMarkDone's ragged barrier against real mutators on real Ms: stores buffered in a P's wbBuf
 * and not yet flushed when the workers run dry must be shaded before mark terminates. The
 * workload is the insertion-barrier one (examples/breaks/insertion-barrier.gcs): each goroutine
 * moves its node between its stack and a holder born black; a cycle that scans the stack just
 * after the move leaves the node reachable only from the black holder, and grey only through
 * the buffered barrier entry. The checkmark and the mutators' own checks are the oracles; the
 * negative control skips gcMarkDone's wbBuf flushes and must be caught.
 */
@Timeout(120)
class MarkDoneTest {
    static final ObjectType NODE = ObjectType.withPointers("node", 2, 0);
    static final ObjectType HOLDER = ObjectType.withPointers("holder", 1, 0);

    /** {@code n} keepers: a node of value 4242 moving between the stack and fresh holders. */
    static Program keepers(int n) {
        return Program.builder()
                .type(NODE).type(HOLDER)
                // keeper(v): locals 0 b (holder), 1 x (node), 2 got; arg v in slot 4
                .func("keeper", 3, 1).ptrLocals(0, 1)
                    .newobj(1, "node").storew(1, 1, 4)
                    .label("round")
                    .newobj(0, "holder").storep(0, 0, 1).clear(1) // the barrier buffers (nil, x)
                    .sleep(1000)                                   // x lives in the holder alone
                    .loadp(1, 0, 0).clear(0)
                    .loadw(2, 1, 1).checkeq(2, 4)
                    .sleep(1000)                                   // x lives on this stack alone
                    .jmp("round").end()
                .func("main", 2, 0)
                    .constant(0, n).constant(1, 4242)
                    .label("spawn").spawn("keeper", 1).decjnz(0, "spawn")
                    .block().end()
                .entry("main")
                .build();
    }

    private static MarkRun start(boolean checkmark, boolean skipFlush) {
        return MarkRun.start(keepers(256), SchedConfig.of(2),
                GcConfig.defaults(2).withAutoTrigger(false).withCheckmark(checkmark),
                gc -> gc.markDone.skipWbBufFlushForTest = skipFlush);
    }

    @Test
    void storesBufferedWhenTheWorkersRunDryAreShadedBeforeMarkTerminatesCheckmark() {
        try (MarkRun run = start(true, false)) {
            run.until(() -> run.interp().allocations() > 600);
            run.cycles(30);
            run.assertVerified();
            assertThat(run.gc().markDone.shadedByFlushes.get())
                    .as("gcMarkDone's flushes greyed objects only a buffered store kept").isPositive();
        }
    }

    @Test
    void storesBufferedWhenTheWorkersRunDryAreShadedBeforeMarkTerminatesMutatorChecks() {
        try (MarkRun run = start(false, false)) {
            run.until(() -> run.interp().allocations() > 600);
            run.cycles(30);
            long after = run.interp().allocations();
            run.until(() -> run.interp().allocations() > after + 2 * 256); // every keeper checks again after the last sweep
            assertThat(run.rt().fatalError()).as("a mutator check failed or freed memory was read").isNull();
            assertThat(run.interp().useAfterFree()).isZero();
            assertThat(run.gc().markDone.shadedByFlushes.get()).isPositive();
        }
    }

    /**
     * Negative control: gcMarkDone without its wbBuf flushes loses nodes; the checkmark sees it.
     * Measured (2 shared cores): caught in cycle 25, 5, 8, 3, 4, 2; the bound is 300.
     */
    @Test
    void withoutTheWbBufFlushTheCheckmarkCatchesTheLoss() {
        try (MarkRun run = start(true, true)) {
            run.until(() -> run.interp().allocations() > 600);
            int cycles = 0;
            while (cycles < 300 && run.gc().checkmarkFailures().isEmpty()) {
                run.gc().gc();
                cycles++;
            }
            assertThat(run.gc().checkmarkFailures()).as("caught within %d cycles", cycles).isNotEmpty();
            assertThat(run.gc().records()).anyMatch(r -> r.checkmark() == CycleRecord.Checkmark.FAILED);
        }
    }

    /**
     * Negative control with the checkmark off: the sweep frees a lost node; its keeper's own
     * check fails. Measured: caught after cycle 4, 7, 6, 4, 7, 35; the bound is 300.
     */
    @Test
    void withoutTheWbBufFlushTheMutatorsCatchTheLoss() {
        try (MarkRun run = start(false, true)) {
            run.until(() -> run.interp().allocations() > 600);
            int cycles = 0;
            while (cycles < 300 && run.rt().fatalError() == null) {
                try {
                    run.gc().gc();
                } catch (RuntimeException | Error e) {
                    break; // the process died during the cycle: its fatal error says why
                }
                cycles++;
                long after = run.interp().allocations();
                // let every keeper look at its node once more (or die trying)
                while (run.rt().fatalError() == null && run.interp().allocations() < after + 256) {
                    Thread.onSpinWait();
                }
            }
            Throwable fatal = run.rt().fatalError();
            assertThat(fatal).as("caught within %d cycles", cycles).isNotNull();
            assertThat(fatal.getMessage()).isIn("mutator check failed", "use of freed object");
        }
    }

    // ---- the ragged barrier alone, on a live runtime: one store buffered on a running P ----

    /**
     * A goroutine on a real M stores a white object (the barrier buffers it, the buffer is far
     * from full) and goes on running through the scheduler; then gcMarkDone's ragged barrier
     * runs. Its forEachP flush on that P's M must shade the object and report the flushed work
     * (gcMarkDoneFlushed != 0: back to the top). Without the wbBuf flush (the negative control)
     * the barrier reports nothing flushed and the object stays white: mark would terminate and
     * the sweep would free a reachable object.
     */
    @Test
    void aStoreBufferedOnARunningPJustBeforeTheRaggedBarrierIsShadedByIt() throws Exception {
        assertThat(raggedBarrierAfterOneBufferedStore(false)).isEqualTo("flushed=true marked=true queued=true");
    }

    @Test
    void withoutTheWbBufFlushTheRaggedBarrierMissesTheBufferedStore() throws Exception {
        assertThat(raggedBarrierAfterOneBufferedStore(true)).isEqualTo("flushed=false marked=false queued=false");
    }

    private static String raggedBarrierAfterOneBufferedStore(boolean skipFlush) throws Exception {
        gcsim.heap.Heap heap = new gcsim.heap.Heap(gcsim.heap.HeapConfig.of(2));
        gcsim.goroutines.Sched rt = new gcsim.goroutines.Sched(SchedConfig.of(2).withSysmon(false));
        WorkPool pool = new WorkPool();
        GcWork[] perP = {new GcWork(pool), new GcWork(pool)};
        GcWork shared = new GcWork(pool);
        Barrier barrier = new Barrier(Marking.normal(heap), perP, shared);
        MarkDone markDone = new MarkDone(rt.gcSupport(), barrier, perP, shared);
        markDone.skipWbBufFlushForTest = skipFlush;
        long holder = heap.allocate(heap.mcache(0), HOLDER);
        long x = heap.allocate(heap.mcache(0), NODE);
        java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        rt.start((mp, gp) -> {
            try {
                if (phase.compareAndSet(0, 1)) {
                    barrier.writePointer(holder, 0, x); // buffered: one entry of 256
                    phase.set(2);
                }
            } catch (Throwable t) {
                failed.set(t);
                return gcsim.goroutines.GoCode.EXIT;
            }
            return phase.get() == 3 ? gcsim.goroutines.GoCode.EXIT : gcsim.goroutines.GoCode.GOSCHED;
        }, null);
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (phase.get() != 2) {
                assertThat(System.nanoTime()).as("the store did not happen").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(heap.isMarked(x)).as("buffered, not shaded").isFalse();
            boolean flushed = markDone.raggedBarrier();
            boolean marked = heap.isMarked(x);
            boolean queued = false;
            for (Workbuf b = pool.trygetfull(); b != null; b = pool.trygetfull()) {
                for (int i = 0; i < b.nobj; i++) {
                    queued |= b.obj[i] == x;
                }
            }
            phase.set(3);
            assertThat(rt.awaitExit(20, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            assertThat(failed.get()).isNull();
            return "flushed=" + flushed + " marked=" + marked + " queued=" + queued;
        } finally {
            rt.shutdown();
        }
    }
}
