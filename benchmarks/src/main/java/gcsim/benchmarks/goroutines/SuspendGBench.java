package gcsim.benchmarks.goroutines;

import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.Suspension;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.ObjectType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Latency of one suspendG + resumeG pair (the GC's per-stack cost before
 * scanning), from a thread that is not an M, on a blocked goroutine (a
 * scan-bit CAS pair) and on a runnable one; the running case is
 * {@link SuspendGRunningBench}. Sample mode reports p50/p99. Target: blocked
 * well under 1 us.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SuspendGBench {
    /** Whether preemption requests also "signal" the M (Go 1.14 async preemption). */
    @Param({"true", "false"})
    public boolean async;

    private Sched rt;
    private Sched rt1;
    private G blocked;
    private G runnable;

    private static final ObjectType CELL = ObjectType.scalars("cell", 1);

    @Setup(Level.Trial)
    public void setup() throws InterruptedException {
        // Two Ps: a worker spinning with calls (keeps an M busy), a worker blocked on a channel.
        Program p = Program.builder()
                .chan("never", 0, false)
                .func("f", 1, 0).addi(0, 0, 1).ret().end()
                .func("spin", 1, 0).label("l").call("f", -1).jmp("l").end()
                .func("blocked", 1, 0).recv("never", 0).ret().end()
                .func("main", 1, 0).spawn("spin").spawn("blocked").recv("never", 0).ret().end()
                .build();
        rt = new Sched(SchedConfig.of(2).withAsyncPreempt(async));
        new Interp(rt, null, p).start();
        blocked = awaitG(rt, 2, GStatus.G_WAITING);
        // One P held by main in a tight loop: the spawned G stays runnable.
        Program q = Program.builder()
                .type(CELL)
                .func("idle", 0, 0).ret().end()
                .func("main", 1, 0).spawn("idle").label("l").jmp("l").end()
                .build();
        rt1 = new Sched(SchedConfig.of(1).withAsyncPreempt(false).withSysmon(false));
        new Interp(rt1, new Heap(HeapConfig.of(1)), q).start();
        runnable = awaitG(rt1, 1, GStatus.G_RUNNABLE);
    }

    private static G awaitG(Sched s, int index, int status) {
        for (;;) {
            G[] gs = s.allgs();
            if (gs.length > index && GStatus.readgstatus(gs[index]) == status) {
                return gs[index];
            }
            Thread.yield();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.shutdown();
        rt1.shutdown();
    }

    @Benchmark
    public SuspendGState blocked() {
        SuspendGState st = Suspension.suspendG(blocked);
        Suspension.resumeG(st);
        return st;
    }

    @Benchmark
    public SuspendGState runnable() {
        SuspendGState st = Suspension.suspendG(runnable);
        Suspension.resumeG(st);
        return st;
    }
}
