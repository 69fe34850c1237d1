package gcsim.benchmarks.stacks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Growing one goroutine stack from 2 KiB to 100,000 frames of 64 bytes: every call's
 * prologue check, all twelve doublings with their copystack (copy + adjustframe over every
 * frame so far) and the frame pushes. Target (DESIGN.md): within 1.5x of the 3.0 ms the
 * real Go 1.19 runtime takes on this machine kind, i.e. at most 4.5 ms.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StackGrowthBenchmark {
    static final int FRAMES = 100_000;

    StackBench b;

    @Setup(Level.Trial)
    public void setup() {
        b = new StackBench();
        // Warm the allocator: later invocations reuse the freed spans, as a long-running
        // program reuses stack memory.
        b.recurse(FRAMES);
    }

    @Setup(Level.Invocation)
    public void fresh() {
        b.reset();
    }

    @Benchmark
    public long growTo100kFrames() {
        b.recurse(FRAMES);
        return b.sp + b.growths;
    }
}
