package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.G;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gcMarkDone's ragged barrier against real mutators on real Ms: stores buffered in a P's wbBuf
 * and not yet flushed when the workers run dry must be shaded before mark terminates. The
 * checkmark and the mutators' own checks are the oracles; the negative control skips
 * gcMarkDone's wbBuf flushes and must be caught.
 *
 * <h2>The whole-run workload: the deletion half of a buffered store</h2>
 * Each keeper owns a holder {@code h}, always on its stack, and a node {@code x} that moves:
 * {@code h.0 = x; x = nil} (x lives in h alone), sleep, {@code x = h.0; h.0 = nil} (x lives on
 * the stack alone; the barrier buffers the pair (x, nil)), check x, sleep. A cycle that scans the
 * keeper's stack while x is in h greys h; if the keeper moves x back to its (now black) stack
 * before h is scanned, h is scanned empty and x is grey only through the buffered (x, nil) entry:
 * Yuasa's deletion half, not yet flushed. Nothing else shades x (the keepers allocate nothing
 * after start-up, so none assists; 32 keepers store too little for a buffer to fill during a
 * cycle), so only gcMarkDone's flush of that P's wbBuf saves it. Without it the sweep frees x
 * while the keeper still uses it. (The former workload, a fresh holder every round and the
 * insertion half, allocated before each store: with the workers as goroutines, the first keeper
 * to allocate during mark stole all the background credit and the others parked in "GC assist
 * wait" at that allocation, before their store, until mark termination; measured up to 255
 * parks a cycle and no object shaded by the flushes, as Go's assists would do.)
 *
 * <p>Why a gate. Under Go's controller on 4 Ps (one dedicated worker, three Ps for mutators and
 * idle workers) the race above is rare if left to itself: the keepers sleep through the cycle's
 * stops, so startTheWorld readies them all at once just as the root jobs begin; they take their
 * step before their stacks are scanned and then sleep past the point where the worker, which
 * takes every root job before it drains (gcDrain), scans the holders it greyed. Measured without
 * the gate (this class, 2 shared cores): 0, 3, 29, 0 objects shaded by the flushes in 30 cycles
 * (two of four positive runs failed); the mutators caught the skipped flush only after cycle 127
 * and 84. So one more goroutine, the gate, spawned after the keepers (goids and allgs follow
 * creation order, so its stack job comes after theirs), holds the worker that scans it in the
 * scan hook until the keepers have taken a step since ({@code 4 * KEEPERS} more instructions:
 * each step is 4 or 5), as an OS that deschedules that worker's thread would. The holders that
 * worker greyed stay grey meanwhile; the keepers scanned with x in h move it out; then the
 * holders are scanned empty. The gate only widens the window, the oracles decide; it gives up
 * after 10 s or when the runtime died, and mark goes on. Measured with it (six runs): 231 to 539
 * objects shaded by the flushes in 30 cycles; the checkmark caught the skipped flush in cycle
 * 1, 1, 2, 1, 1, 1, the mutators after cycle 3, 1, 2, 1, 1, 1 (bound: 300).
 */
@Timeout(120)
class MarkDoneTest {
    static final ObjectType NODE = ObjectType.withPointers("node", 2, 0);
    static final ObjectType HOLDER = ObjectType.withPointers("holder", 1, 0);
    static final int KEEPERS = 32;
    /** Instructions each keeper runs per round (two steps). */
    static final int ROUND = 9;

    /**
     * {@code n} keepers, each moving a node of value 4242 between its stack and its holder (see the
     * class comment), then the gate goroutine, which allocates one object and blocks.
     */
    static Program keepers(int n) {
        return Program.builder()
                .type(NODE).type(HOLDER)
                // keeper(v): locals 0 h (holder), 1 x (node), 2 got, 3 nil; arg v in slot 5
                .func("keeper", 4, 1).ptrLocals(0, 1, 3)
                    .newobj(1, "node").storew(1, 1, 5)
                    .newobj(0, "holder")
                    .label("round")
                    .storep(0, 0, 1).clear(1)         // the barrier buffers (nil, x)
                    .sleep(1000)                      // x lives in h alone
                    .loadp(1, 0, 0).storep(0, 0, 3)   // the barrier buffers (x, nil)
                    .loadw(2, 1, 1).checkeq(2, 5)
                    .sleep(1000)                      // x lives on this stack alone
                    .jmp("round").end()
                .func("gate", 1, 0).ptrLocals(0)
                    .newobj(0, "holder").clear(0)     // its allocation says it has been spawned
                    .block().end()
                .func("main", 2, 0)
                    .constant(0, n).constant(1, 4242)
                    .label("spawn").spawn("keeper", 1).decjnz(0, "spawn")
                    .spawn("gate")
                    .block().end()
                .entry("main")
                .build();
    }

    private static MarkRun start(boolean checkmark, boolean skipFlush) {
        MarkRun run = MarkRun.start(keepers(KEEPERS), SchedConfig.of(4),
                GcConfig.defaults(0).withAutoTrigger(false).withCheckmark(checkmark), // Go's controller
                gc -> gc.markDone.skipWbBufFlushForTest = skipFlush);
        run.until(() -> run.interp().allocations() > 2 * KEEPERS); // every keeper set up, the gate spawned
        G gate = null;
        for (G gp : run.rt().allgs()) {
            if (!gp.isSystemGoroutine() && (gate == null || gp.goid() > gate.goid())) {
                gate = gp; // the last goroutine main spawned
            }
        }
        G theGate = java.util.Objects.requireNonNull(gate);
        run.gc().setScanHookForTest(gp -> {
            if (gp == theGate && run.gc().inMarkPhase()) { // concurrent mark only, not the checkmark pass
                holdUntilTheKeepersStepped(run);
            }
        });
        return run;
    }

    /** The gate (see the class comment), on the worker that scans the gate's stack. */
    private static void holdUntilTheKeepersStepped(MarkRun run) {
        long from = run.interp().instructions();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (run.interp().instructions() - from < 4L * KEEPERS && run.rt().fatalError() == null
                && !run.rt().hasExited() && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Lets the keepers run about two more rounds each (or die trying), so each reads its node
     * again; false if they did not within 40 s.
     */
    private static boolean letEveryKeeperCheckAgain(MarkRun run) {
        long target = run.interp().instructions() + 2L * ROUND * KEEPERS;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (run.rt().fatalError() == null && run.interp().instructions() < target) {
            if (System.nanoTime() > giveUp) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }

    @Test
    void storesBufferedWhenTheWorkersRunDryAreShadedBeforeMarkTerminatesCheckmark() {
        try (MarkRun run = start(true, false)) {
            run.cycles(30);
            run.assertVerified();
            assertThat(run.gc().markDone.shadedByFlushes.get())
                    .as("gcMarkDone's flushes greyed objects only a buffered store kept").isPositive();
        }
    }

    @Test
    void storesBufferedWhenTheWorkersRunDryAreShadedBeforeMarkTerminatesMutatorChecks() {
        try (MarkRun run = start(false, false)) {
            run.cycles(30);
            assertThat(letEveryKeeperCheckAgain(run)).as("the keepers ran after the last sweep").isTrue();
            assertThat(run.rt().fatalError()).as("a mutator check failed or freed memory was read").isNull();
            assertThat(run.interp().useAfterFree()).isZero();
            assertThat(run.gc().markDone.shadedByFlushes.get()).isPositive();
        }
    }

    /** Negative control: gcMarkDone without its wbBuf flushes loses nodes; the checkmark sees it. */
    @Test
    void withoutTheWbBufFlushTheCheckmarkCatchesTheLoss() {
        try (MarkRun run = start(true, true)) {
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
     * read of it fails.
     */
    @Test
    void withoutTheWbBufFlushTheMutatorsCatchTheLoss() {
        try (MarkRun run = start(false, true)) {
            int cycles = 0;
            while (cycles < 300 && run.rt().fatalError() == null) {
                try {
                    run.gc().gc();
                } catch (RuntimeException | Error e) {
                    break; // the process died during the cycle: its fatal error says why
                }
                cycles++;
                letEveryKeeperCheckAgain(run);
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
        GcWork[] perP = {GcWork.create(pool), GcWork.create(pool)};
        GcWork shared = GcWork.create(pool);
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
