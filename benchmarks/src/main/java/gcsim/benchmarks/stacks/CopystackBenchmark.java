package gcsim.benchmarks.stacks;

import gcsim.stacks.Stack;
import gcsim.stacks.StackPointerAdjuster;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * copystack cost per KiB of used stack (64-byte frames with two pointer words, one of them
 * pointing into the stack): each operation moves the stack to a fresh one of the same size
 * (the freed one is reused by the next move), so the figure is copy + adjustframe + the
 * allocator round trip. Scores are nanoseconds per KiB copied.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CopystackBenchmark {

    /** 64 KiB in use in a 128 KiB stack. */
    @State(Scope.Thread)
    public static class Used64K {
        StackBench b;

        @Setup
        public void setup() {
            b = new StackBench();
            b.recurse(64 * 1024 / 64);
        }
    }

    /** 1 MiB in use in a 2 MiB stack. */
    @State(Scope.Thread)
    public static class Used1M {
        StackBench b;

        @Setup
        public void setup() {
            b = new StackBench();
            b.recurse(1024 * 1024 / 64);
        }
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long copy64KiB(Used64K s) {
        return move(s.b);
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long copy1MiB(Used1M s) {
        return move(s.b);
    }

    private static long move(StackBench b) {
        Stack old = b.stack;
        Stack moved = b.growth.copystack(b.cache, old, b.pc(), b.sp, old.size(), StackPointerAdjuster.NONE);
        b.sp += moved.hi - old.hi;
        b.stack = moved;
        return b.sp;
    }
}
