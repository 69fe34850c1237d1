package gcsim.benchmarks.gcmark;

import gcsim.gcmark.Collector;
import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SuspendWait;
import gcsim.goroutines.mutator.Program;
import gcsim.process.GoProcess;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 7's strategies against each other, one whole GC cycle per
 * invocation (checkmark off, 2 Ps, 1 mark worker) while {@code running}
 * goroutines run a loop that calls a leaf function, so every stack job meets
 * a running goroutine:
 * <ul>
 *   <li>{@code suspend}: {@code spin} (go1.14's suspendG wait) vs {@code park}
 *       (its TODO "Don't busy wait"); compare the score (cycle time) and the
 *       auxiliary counters {@code suspenderBusyUs} (the suspenders' busy time,
 *       wall minus parked and yielded) and {@code suspendP99Us}.
 *   <li>{@code stackScan}: {@code blocking} (the go1.14 markroot) vs
 *       {@code two-phase} (the mgcmark.go TODO); compare {@code stackJobUs}
 *       (the total stack-job time) and the score.
 *   <li>{@code preempt}: {@code async} vs {@code cooperative}: with calls in
 *       the loop both stop at the next prologue; tight loops without calls
 *       are the CLI's {@code tight-loops} scenario (see docs/benchmarks.md, "Strategies").
 * </ul>
 * Auxiliary counters are sums over an iteration's cycles; divide by
 * {@code cycles} for a per-cycle figure (p99 is the mean of the cycles' p99).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class StrategyBenchmarks {

    @State(Scope.Benchmark)
    public static class World {
        @Param({"spin", "park"})
        public String suspend;

        @Param({"blocking", "two-phase"})
        public String stackScan;

        @Param({"async", "cooperative"})
        public String preempt;

        @Param({"64"})
        public int running;

        GoProcess process;
        Sched rt;
        Collector gc;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            Program p = Program.builder()
                    .chan("never", 0, false)
                    .func("leaf", 1, 0).addi(0, 0, 1).ret().end()
                    .func("spin", 1, 0).label("l").call("leaf", -1).jmp("l").end()
                    .func("main", 2, 0)
                        .constant(0, running).label("s").spawn("spin").decjnz(0, "s")
                        .recv("never", 1).ret().end()
                    .build();
            process = GoProcess.builder().program(p).procs(2).workers(1)
                    .preempt(preempt.equals("async") ? PreemptMode.ASYNC : PreemptMode.COOPERATIVE)
                    .suspendWait(suspend.equals("park") ? SuspendWait.PARK : SuspendWait.SPIN)
                    .checkmark(false).autoTrigger(false)
                    .stackScan(stackScan.equals("two-phase") ? GcConfig.StackScanStrategy.TWO_PHASE
                            : GcConfig.StackScanStrategy.BLOCKING)
                    .build().start();
            rt = process.runtime();
            gc = process.collector();
            while (rt.stats().goroutinesCreated() < running + 1L) {
                Thread.sleep(10);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            process.close();
        }
    }

    /** Per-iteration sums of what each cycle's record says about the strategies. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Figures {
        public long cycles;
        public double suspenderBusyUs;
        public double stackJobUs;
        public double suspendP99Us;

        @Setup(Level.Iteration)
        public void reset() {
            cycles = 0;
            suspenderBusyUs = 0;
            stackJobUs = 0;
            suspendP99Us = 0;
        }

        void add(CycleRecord r) {
            cycles++;
            suspenderBusyUs += r.strategies().suspendWaitCpuNanos() / 1e3;
            stackJobUs += r.strategies().stackJobNanos() / 1e3;
            suspendP99Us += r.suspend().p99Nanos() / 1e3;
        }
    }

    @Benchmark
    public CycleRecord cycle(World w, Figures f) {
        CycleRecord r = w.gc.gc();
        f.add(r);
        return r;
    }
}
