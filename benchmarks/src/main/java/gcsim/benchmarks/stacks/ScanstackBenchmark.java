package gcsim.benchmarks.stacks;

import gcsim.stacks.FrameLayout;
import gcsim.stacks.Stack;
import gcsim.stacks.StackPointerAdjuster;
import gcsim.stacks.StackScan;
import gcsim.stacks.StackSlotVisitor;
import gcsim.stacks.Unwinder;
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
 * scanstack cost per frame (64-byte frames, two pointer slots each, a visitor that sums the
 * values as a stand-in for the GC's shading). {@code deep}: one stack of 1,000 frames;
 * {@code wide}: 10,000 stacks of 10 frames, the shape of a GC over many goroutines. Scores
 * are nanoseconds per frame; target: tens of nanoseconds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ScanstackBenchmark {
    static final int DEEP = 1000;
    static final int STACKS = 10_000;
    static final int SHALLOW = 10;

    StackBench deep;
    StackScan scan;
    Stack[] wide;
    long[] wideSp;
    long widePc;
    final Sum sum = new Sum();

    /** Sums slot values; what a real visitor would shade. */
    static final class Sum implements StackSlotVisitor {
        long total;

        @Override
        public void visit(long slotAddr, long value, boolean conservative) {
            total += value;
        }
    }

    @Setup
    public void setup() {
        deep = new StackBench();
        deep.recurse(DEEP);
        scan = new StackScan(deep.tab);
        StackBench shallow = new StackBench();
        wide = new Stack[STACKS];
        wideSp = new long[STACKS];
        for (int i = 0; i < STACKS; i++) {
            shallow.stack = shallow.alloc.stackalloc(shallow.cache, 2048);
            shallow.sp = FrameLayout.pushOutermost(shallow.stack, shallow.rec);
            shallow.recurse(SHALLOW);
            wide[i] = shallow.stack;
            wideSp[i] = shallow.sp;
        }
        widePc = shallow.pc();
        // Both fixtures register bench.rec first, so one table resolves both.
        if (shallow.rec.id() != deep.rec.id()) {
            throw new IllegalStateException("function ids differ");
        }
        scan = new StackScan(deep.tab);
        polluteFrameWalk();
    }

    /**
     * Runs the unwinder and copystack too before measuring, so the shared frame walk has
     * seen all three of its per-frame steps, as in a gcsim run where stacks grow while the
     * GC scans them (the benchmark would otherwise measure a best case).
     */
    private void polluteFrameWalk() {
        Unwinder unwinder = new Unwinder(deep.tab);
        long frames = 0;
        for (int i = 0; i < 2000; i++) {
            frames += unwinder.gentraceback(deep.stack, deep.pc(), deep.sp, f -> true);
            Stack old = deep.stack;
            Stack moved = deep.growth.copystack(deep.cache, old, deep.pc(), deep.sp, old.size(),
                    StackPointerAdjuster.NONE);
            deep.sp += moved.hi - old.hi;
            deep.stack = moved;
        }
        if (frames != 2000L * DEEP) {
            throw new IllegalStateException("unwound " + frames);
        }
    }

    @Benchmark
    @OperationsPerInvocation(DEEP)
    public long deep() {
        scan.scanstack(deep.stack, deep.pc(), deep.sp, sum);
        return sum.total;
    }

    @Benchmark
    @OperationsPerInvocation(STACKS * SHALLOW)
    public long wide() {
        int frames = 0;
        for (int i = 0; i < STACKS; i++) {
            frames += scan.scanstack(wide[i], widePc, wideSp[i], sum);
        }
        return sum.total + frames;
    }
}
