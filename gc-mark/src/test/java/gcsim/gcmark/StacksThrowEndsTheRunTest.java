package gcsim.gcmark;

import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import gcsim.base.GoThrow;
import gcsim.goroutines.G;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import gcsim.stacks.FuncTab;
import gcsim.stacks.Stack;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A throw of the stacks module raised inside a GC cycle of a whole process (Sched, Heap,
 * Interp, Collector) ends the run as the runtime's own throw: {@link gcsim.base.GoThrow} with
 * Go's message and its {@code print} lines, recorded as the process's fatal error, so the command
 * prints Go's {@code fatal error:} report ({@link GoThrow#goOutput()}, what its FatalReport
 * starts with) and not a gcsim bug's Java trace. The two paths issue 14 names: shrinkstack's
 * copystack (under scanstack) and the scan's unwinder. The collector's per-instance scan seam
 * corrupts the suspended goroutine's stack just before its stack job scans it, as a compiler bug
 * or a bad liveness map would in Go.
 */
@Timeout(60)
class StacksThrowEndsTheRunTest {
    static final ObjectType BOX = ObjectType.scalars("box", 1);

    /**
     * main naps in a loop; one goroutine, "parker", grows its stack by recursing {@code depth} frames of
     * 18 words, returns and parks with a heap pointer in its pointer slot 0.
     */
    private static Program parker(int depth) {
        return Program.builder()
                .type(BOX)
                // deep(d): locals 0..15 (0 holds d-1), slot 16 the return pc, slot 17 the argument d
                .func("deep", 16, 1)
                    .jnz(17, "down")
                    .ret()
                    .label("down")
                    .addi(0, 17, -1)
                    .call("deep", -1, 0)
                    .ret().end()
                .func("parker", 2, 0).ptrLocals(0)
                    .newobj(0, "box")
                    .constant(1, depth)
                    .call("deep", -1, 1)
                    .block()
                    .end()
                .func("main", 0, 0)
                    .spawn("parker")
                    .label("nap")
                    .sleep(1000) // a timer keeps checkdead from calling the parked process a deadlock
                    .jmp("nap")
                    .end()
                .entry("main")
                .build();
    }

    @Test
    void aBadPointerFoundByShrinkstacksCopystackEndsTheRunAsGosFatalError() throws Exception {
        // 200 frames of 144 bytes: the stack grows to 32 KiB; parked in parker it uses less than
        // a quarter, so scanstack shrinks it, and copystack's adjustpointers finds the junk.
        AtomicReference<G> corrupted = new AtomicReference<>();
        GoThrow t = throwInScan(parker(200), gp -> {
            Stack s = gp.stack();
            if (s != null && s.size() > 2048 && corrupted.compareAndSet(null, gp)) {
                s.write(gp.savedSp(), 0x10); // parker's pointer slot 0 now holds junk
            }
        });
        G gp = corrupted.get();
        assertThat(gp).as("the grown goroutine was scanned").isNotNull();
        assertThat(t).hasMessage("invalid pointer found on stack");
        // The address is the slot's in the new stack (Go adjusts the copy), which was never installed.
        assertThat(t.runtimePrint()).matches("runtime: bad pointer in frame parker at 0x[0-9a-f]+: 0x10\n");
        assertThat(t.goOutput()).isEqualTo(t.runtimePrint() + "fatal error: invalid pointer found on stack\n");
    }

    @Test
    void aBrokenFrameChainFoundByTheScansUnwinderEndsTheRunAsGosFatalError() throws Exception {
        // No recursion: parker keeps the 2 KiB stack, which never shrinks, so only the scan's
        // own unwinder walks it. Its outermost return pc (goexit) is overwritten.
        AtomicReference<G> corrupted = new AtomicReference<>();
        GoThrow t = throwInScan(parker(0), gp -> {
            Stack s = gp.stack();
            if (s == null || gp.goid() == 1) {
                return;
            }
            for (long a = gp.savedSp(); a < s.hi(); a += 8) {
                if (s.read(a) == FuncTab.GOEXIT_PC && corrupted.compareAndSet(null, gp)) {
                    s.write(a, FuncTab.pcOf(77, 0)); // a pc of no function
                }
            }
        });
        G gp = corrupted.get();
        assertThat(gp).as("parker was scanned").isNotNull();
        Stack s = gp.stack();
        assertThat(s).isNotNull();
        assertThat(t).hasMessage("traceback did not unwind completely");
        String print = "runtime: callers sp=" + GoThrow.hex(s.hi()) + " " + s + "\n";
        assertThat(t.runtimePrint()).isEqualTo(print);
        assertThat(t.goOutput()).isEqualTo(print + "fatal error: traceback did not unwind completely\n");
    }

    /**
     * The same throw from a mark worker's scan of its own stack (1 P, one worker: its own stack
     * job is markroot's self-scan, which holds the worker's scan bit while it scans). The throw
     * must reach the process as it is; unwinding through the worker's "leave _Gwaiting" would
     * spin for ever on the scan bit the dying scan holds (it hung a CI run once that way).
     */
    @Test
    void aThrowInAMarkWorkersScanOfItsOwnStackEndsTheRun() throws Exception {
        AtomicReference<G> corrupted = new AtomicReference<>();
        GoThrow t = throwInScan(parker(0), 1, gp -> {
            Stack s = gp.stack();
            if (s == null || !gp.isGcBgMarkWorker()) {
                return;
            }
            for (long a = gp.savedSp(); a < s.hi(); a += 8) {
                if (s.read(a) == FuncTab.GOEXIT_PC && corrupted.compareAndSet(null, gp)) {
                    s.write(a, FuncTab.pcOf(77, 0)); // a pc of no function
                }
            }
        });
        assertThat(corrupted.get()).as("the worker's own stack was scanned").isNotNull();
        assertThat(t).hasMessage("traceback did not unwind completely");
    }

    private static GoThrow throwInScan(Program p, Consumer<G> corrupt) throws Exception {
        return throwInScan(p, 2, corrupt);
    }

    /**
     * Runs {@code p} until parker parked, then one cycle whose stack jobs run
     * {@code corrupt} on each suspended goroutine before scanning it; returns the process's fatal
     * error, which must be a GoThrow (the cycle itself ends however the exit leaves it).
     */
    private static GoThrow throwInScan(Program p, int procs, Consumer<G> corrupt) throws Exception {
        try (MarkRun run = MarkRun.start(p, SchedConfig.of(procs), GcConfig.defaults(1).withAutoTrigger(false),
                gc -> gc.setScanHookForTest(corrupt))) {
            run.until(() -> run.rt().allgs().length == 2 && readgstatus(run.rt().allgs()[1]) == G_WAITING);
            Throwable cycle = catchThrowable(run.gc()::gc);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!run.rt().hasExited()) {
                assertThat(System.nanoTime()).as("the throw ended the process").isLessThan(deadline);
                Thread.yield();
            }
            Throwable fatal = run.rt().fatalError();
            assertThat(fatal).as("the process's fatal error (the cycle ended with %s)", cycle)
                    .isInstanceOf(GoThrow.class);
            return (GoThrow) fatal;
        }
    }
}
