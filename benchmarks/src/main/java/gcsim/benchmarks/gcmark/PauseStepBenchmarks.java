package gcsim.benchmarks.gcmark;

import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.Sched;
import gcsim.process.GoProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * Each stopped step of a GC cycle (issue 16): whole cycles ({@link GoProcess#runCycle}, one mark
 * worker, checkmark off unless {@code -p checkmark=on}) over the two workloads, both
 * built by the interpreter from the scenario files in {@code benchmarks/scale/} as the command
 * builds them:
 * <ul>
 *   <li>{@code tree}: {@code tree.gcs}, one goroutine's 1,048,575-node binary tree (32-byte
 *       nodes), 1 P;
 *   <li>{@code parked}: {@code parked.gcs}, {@code goroutines} goroutines parked on a channel,
 *       each holding a node, 2 Ps. 1,000,000 is a parameter to pass ({@code -p
 *       goroutines=1000000}, about 4 GB), not in the default run.
 * </ul>
 * The score is the whole cycle. The auxiliary counters read {@link CycleRecord#pauses()}: for
 * sweep termination ({@code st*}) and mark termination ({@code mt*}) the time to stop, the rest
 * (stopped time no step covers), the restart, the whole pause, and each step by its name:
 * {@code stStepFinishSweep} is the step named {@code finishSweep}. A counter per step the
 * collector records today; a step under a name no counter has (the steps are being changed) is
 * added to {@code stStepOther}/{@code mtStepOther}, so the sums stay whole, and every step is
 * also listed by name, per cycle, when the trial ends. Counters are sums over an iteration;
 * divide by {@code cycles} ({@code benchmarks/pauses.py} does).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class PauseStepBenchmarks {

    /** A started process running a {@code benchmarks/scale} scenario, every goroutine at rest. */
    abstract static class Workload {
        GoProcess process;
        final Map<String, Long> stepTotals = new LinkedHashMap<>();
        long cyclesSeen;

        void start(String scenario, int goroutines, int procs, boolean checkmark, int parked) {
            process = GoProcess.builder().scenarioText(scenario, resource(scenario)).goroutines(goroutines)
                    .procs(procs).workers(1).checkmark(checkmark).autoTrigger(false).build().start();
            Sched rt = process.runtime();
            // At rest: `parked` user goroutines waiting (the ticker's sleep counts when it sleeps) and
            // none running or runnable, so each cycle measures resting stacks and a built heap.
            if (!process.awaitCondition(() -> atRest(rt, parked), Duration.ofMinutes(5))) {
                throw new IllegalStateException(scenario + ": goroutines not at rest after 5 minutes");
            }
        }

        private static boolean atRest(Sched rt, int parked) {
            int waiting = 0;
            for (G g : rt.allgs()) {
                if (g.isSystemGoroutine()) {
                    continue;
                }
                int s = GStatus.readgstatus(g) & ~GStatus.G_SCAN;
                if (s == GStatus.G_WAITING) {
                    waiting++;
                } else if (s != GStatus.G_DEAD && s != GStatus.G_IDLE) {
                    return false;
                }
            }
            return waiting >= parked;
        }

        void count(CycleRecord r) {
            cyclesSeen++;
            CycleRecord.Pauses p = r.pauses();
            for (CycleRecord.Step s : p.sweepTermination().steps()) {
                stepTotals.merge("sweepTermination." + s.name(), s.nanos(), Long::sum);
            }
            for (CycleRecord.Step s : p.markTermination().steps()) {
                stepTotals.merge("markTermination." + s.name(), s.nanos(), Long::sum);
            }
        }

        /** Every step by name, mean per cycle over the whole trial (warm-up included). */
        @TearDown(Level.Trial)
        public void close() {
            StringBuilder b = new StringBuilder("\nstopped steps, mean per cycle over " + cyclesSeen + " cycles:");
            stepTotals.forEach((k, v) -> b.append(String.format("%n  %-36s %10.1f us", k,
                    v / 1e3 / Math.max(1, cyclesSeen))));
            System.out.println(b);
            process.close();
        }
    }

    static String resource(String name) {
        try (InputStream in = PauseStepBenchmarks.class.getResourceAsStream("/gcsim/benchmarks/scale/" + name)) {
            if (in == null) {
                throw new IllegalStateException("benchmark resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @State(Scope.Benchmark)
    public static class Tree extends Workload {
        @Param({"off"})
        public String checkmark;

        @Setup(Level.Trial)
        public void build() {
            start("tree.gcs", 1, 1, checkmark.equals("on"), 1);
        }
    }

    @State(Scope.Benchmark)
    public static class Parked extends Workload {
        @Param({"10000", "100000"})
        public int goroutines;

        @Param({"off"})
        public String checkmark;

        @Setup(Level.Trial)
        public void build() {
            start("parked.gcs", goroutines, 2, checkmark.equals("on"), goroutines);
        }
    }

    @Benchmark
    public CycleRecord tree(Tree w, StepCounters c) {
        CycleRecord r = w.process.runCycle();
        w.count(r);
        c.add(r);
        return r;
    }

    @Benchmark
    public CycleRecord parked(Parked w, StepCounters c) {
        CycleRecord r = w.process.runCycle();
        w.count(r);
        c.add(r);
        return r;
    }
}
