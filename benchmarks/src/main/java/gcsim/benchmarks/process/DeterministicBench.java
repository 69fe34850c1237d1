package gcsim.benchmarks.process;

import gcsim.process.GoProcess;
import gcsim.process.RunResult;
import gcsim.process.scenario.BuiltinScenario;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The deterministic mode's speed: simulated instructions per second of a whole
 * {@code gcsim run --deterministic} (the CLI's process, built-in scenario, 50
 * goroutines, 2 Ps, 3 cycles, seed 1), the figure a {@code gcsim hunt} over
 * thousands of seeds depends on. The score to read is the {@code instructions}
 * counter (an ops/s rate: interpreted instructions of all Ms per second of wall
 * time); {@code runs} is the number of whole runs per second. The {@code real}
 * parameter value runs the same process on real threads, for comparison.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DeterministicBench -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeterministicBench {
    @Param({"default", "churn"})
    public String scenario;

    @Param({"deterministic"})
    public String mode;

    /** Cycles per run ({@code -p cycles=1,3,12}: the per-run set-up cost against the running). */
    @Param({"3"})
    public int cycles;

    /** Instructions per run, summed by JMH over the iteration and divided by its time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
        }
    }

    @Benchmark
    public RunResult runs(Counters c) {
        GoProcess p = GoProcess.builder()
                .scenario(BuiltinScenario.valueOf(scenario.toUpperCase(java.util.Locale.ROOT).replace('-', '_')))
                .goroutines(50).procs(2).seed(1)
                .deterministic(mode.equals("deterministic"))
                .build();
        RunResult r = p.run(cycles, Duration.ofSeconds(60));
        if (r.fatal() != null || r.timedOut() || !r.verification().clean()) {
            throw new AssertionError("run failed: " + r.fatal());
        }
        c.instructions += r.mutator().instructions();
        return r;
    }
}
