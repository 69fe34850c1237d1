package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.GoThrow;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gcMark's first check (mgc.go): mark termination must find no work queued and every root job
 * claimed, else Go prints the queue state and panics with "non-empty mark queue after concurrent
 * mark" on the system stack ("fatal error: panic on system stack"). The collector's mark-termination
 * seam leaves a buffer of work on the global list to make it fire.
 *
 * <p>The seam and {@link Workbuf} are package-private, so this test stays in gc-mark and wires
 * its process itself ({@link World}) instead of using the process module's GoProcess, which
 * gc-mark cannot see.
 */
@Timeout(60)
class MarkTerminationCheckTest {

    /**
     * The minimal process: runtime, heap for the same Ps, interpreter, collector (with the seam
     * set before it starts), in GoProcess's order. Close stops the collector, then the runtime.
     */
    private record World(Sched rt, Interp interp, Collector gc) implements AutoCloseable {
        static World start(Program p, int procs, GcConfig config, Consumer<WorkPool> markTerminationHook) {
            Sched rt = new Sched(SchedConfig.of(procs));
            Heap heap = new Heap(HeapConfig.of(procs));
            Interp interp = new Interp(rt, heap, p);
            Collector gc = new Collector(rt, heap, config);
            gc.setMarkTerminationHookForTest(markTerminationHook);
            gc.addChannelRoots(interp.chans());
            gc.start();
            interp.start();
            return new World(rt, interp, gc);
        }

        /** Runs n forced cycles; the runtime must stay alive through them. */
        List<CycleRecord> cycles(int n) {
            List<CycleRecord> rs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rs.add(gc.gc());
                assertThat(rt.fatalError()).as("mutator or runtime failure").isNull();
            }
            return rs;
        }

        @Override
        public void close() {
            gc.close();
            rt.shutdown();
        }
    }

    @Test
    void workLeftOnTheGlobalListAtMarkTerminationPanicsAsGoDoes() {
        AtomicInteger calls = new AtomicInteger();
        try (World run = World.start(Workloads.listsOnStacks(4, 50, 10), 2,
                GcConfig.defaults(2).withAutoTrigger(false), pool -> {
                    if (calls.incrementAndGet() == 2) { // the second cycle: the first shows the path is clean
                        Workbuf b = pool.getempty();
                        b.obj[b.nobj++] = 0x1000; // never scanned: the check comes first
                        pool.putfull(b);
                    }
                })) {
            assertThat(run.gc().gc().checkmark()).isEqualTo(CycleRecord.Checkmark.OK);
            assertThatThrownBy(() -> run.gc().gc())
                    .isInstanceOfSatisfying(GoThrow.class, t -> {
                        assertThat(t.getMessage()).isEqualTo("panic on system stack");
                        assertThat(t.detail()).isNotNull();
                        List<String> lines = t.detail().lines().toList();
                        assertThat(lines).hasSize(2);
                        java.util.regex.Matcher m = java.util.regex.Pattern.compile("runtime: full=0x1 next=(\\d+)"
                                + " jobs=(\\d+) nDataRoots=\\d+ nBSSRoots=0 nSpanRoots=0 nStackRoots=\\d+")
                                .matcher(lines.get(0));
                        assertThat(m.matches()).as(lines.get(0)).isTrue();
                        // Every root job was claimed (workers overshoot next, as Go's Xadd does): only
                        // the queued buffer makes it fire.
                        assertThat(Long.parseLong(m.group(1))).isGreaterThanOrEqualTo(Long.parseLong(m.group(2)));
                        assertThat(lines.get(1)).isEqualTo("panic: non-empty mark queue after concurrent mark");
                    });
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void aNormalCycleReachesMarkTerminationWithNothingQueued() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> leftOver = new AtomicReference<>();
        try (World run = World.start(Workloads.listsOnStacks(8, 200, 20), 2,
                GcConfig.defaults(2).withAutoTrigger(false), pool -> {
                    calls.incrementAndGet();
                    if (!pool.fullIsEmpty()) {
                        leftOver.compareAndSet(null, pool.fullCount() + " full buffers");
                    }
                })) {
            List<CycleRecord> rs = run.cycles(6);
            assertThat(rs).hasSize(6).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            assertThat(rs).anyMatch(r -> r.objectsMarked() > 0);
            assertThat(calls).hasValue(6);
            assertThat(leftOver).as("work queued at mark termination").hasValue(null);
            // No runtime failure, no checkmark failure in any cycle, no use after free.
            assertThat(run.rt().fatalError()).as("mutator or runtime failure").isNull();
            assertThat(run.gc().checkmarkFailures()).isEmpty();
            assertThat(run.gc().records()).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            assertThat(run.interp().useAfterFree()).isZero();
        }
    }
}
