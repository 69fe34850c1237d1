package gcsim.benchmarks.goroutines;

import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.Suspension;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
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
 * suspendG + resumeG of a goroutine that is running and making calls, on 2 Ps:
 * the request poisons stackguard0, the G's next prologue enters newstack,
 * preemptPark puts it in _Gpreempted, suspendG claims it, and resumeG readies
 * it. Before each measured pair the benchmark waits, unmeasured, until the G
 * runs again, so every sample is the running case. Target p50 <= 5 us,
 * p99 <= 50 us with 2 Ms on 2 cores. On an oversubscribed machine Go's
 * osyield loop waits for the G's M to get a time slice (milliseconds);
 * {@code sleeps=true} hands the CPU over instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SuspendGRunningBench {
    /** Whether preemption requests also "signal" the M (Go 1.14 async preemption). */
    @Param({"true", "false"})
    public boolean async;

    /** suspendG's wait after 10 µs: false is Go's osyield loop, true sleeps until woken. */
    @Param({"false", "true"})
    public boolean sleeps;

    private Sched rt;
    private G running;

    @Setup(Level.Trial)
    public void setup() {
        Program p = Program.builder()
                .chan("never", 0, false)
                .func("f", 1, 0).addi(0, 0, 1).ret().end()
                .func("spin", 1, 0).label("l").call("f", -1).jmp("l").end()
                .func("main", 1, 0).spawn("spin").recv("never", 0).ret().end()
                .build();
        rt = new Sched(SchedConfig.of(2).withAsyncPreempt(async).withSuspendSleeps(sleeps));
        new Interp(rt, null, p).start();
        for (;;) {
            G[] gs = rt.allgs();
            if (gs.length > 1) {
                running = gs[1];
                return;
            }
            Thread.yield();
        }
    }

    /** Unmeasured: wait until the G resumed by the previous pair is running again. */
    @Setup(Level.Invocation)
    public void awaitRunning() {
        while (GStatus.readgstatus(running) != GStatus.G_RUNNING) {
            Thread.onSpinWait();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.shutdown();
    }

    @Benchmark
    public SuspendGState runningWithCalls() {
        SuspendGState st = Suspension.suspendG(running);
        Suspension.resumeG(st);
        return st;
    }
}
