package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One running test world for the gc-mark tests that need the collector's
 * package-private seams (the mark-termination and scan hooks, {@link Workbuf}):
 * a scheduler, a heap, the interpreter running a program and a started
 * collector (with the program's channels as roots), wired in GoProcess's order.
 * Every other whole-process test uses the process module's GoProcess, which
 * gc-mark, below it, cannot see. Close it to stop the collector and the runtime.
 */
record MarkRun(Sched rt, Heap heap, Interp interp, Collector gc) implements AutoCloseable {

    static MarkRun start(Program p, SchedConfig sc, GcConfig config) {
        return start(p, sc, config, gc -> { });
    }

    /** As {@link #start(Program, SchedConfig, GcConfig)}, with {@code setUp} run on the collector before it starts. */
    static MarkRun start(Program p, SchedConfig sc, GcConfig config, Consumer<Collector> setUp) {
        Sched rt = new Sched(sc);
        Heap heap = new Heap(HeapConfig.of(sc.gomaxprocs()));
        Interp interp = new Interp(rt, heap, p);
        Collector gc = new Collector(rt, heap, config);
        setUp.accept(gc);
        gc.addChannelRoots(interp.chans());
        gc.start();
        interp.start();
        return new MarkRun(rt, heap, interp, gc);
    }

    /** Runs n forced cycles; fails with the runtime's own fatal error when the mutators or the runtime died. */
    List<CycleRecord> cycles(int n) {
        List<CycleRecord> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                rs.add(gc.gc());
            } catch (Throwable t) {
                Throwable cause = rt.fatalError();
                throw new AssertionError("cycle " + (i + 1) + " failed: " + t
                        + (cause != null ? "; the runtime had died of: " + cause : ""), cause != null ? cause : t);
            }
            assertThat(rt.fatalError()).as("mutator or runtime failure").isNull();
        }
        return rs;
    }

    /** Polls (yielding, no sleeping) until cond holds; fails if the runtime died or 40 s passed. */
    void until(BooleanSupplier cond) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!cond.getAsBoolean()) {
            assertThat(rt.fatalError()).as("runtime failure").isNull();
            assertThat(System.nanoTime()).as("condition not reached in time").isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** No runtime failure, no checkmark failure in any cycle, no use after free. */
    void assertVerified() {
        assertThat(rt.fatalError()).as("mutator or runtime failure").isNull();
        assertThat(gc.checkmarkFailures()).isEmpty();
        assertThat(gc.records()).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
        assertThat(interp.useAfterFree()).isZero();
    }

    @Override
    public void close() {
        gc.close();
        rt.shutdown();
    }
}
