package gcsim.benchmarks.stacks;

import gcsim.stacks.Stack;
import gcsim.stacks.StackScan;
import gcsim.stacks.StackSlotVisitor;
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
            shallow.sp = gcsim.stacks.FrameLayout.pushOutermost(shallow.stack, shallow.rec);
            shallow.recurse(SHALLOW);
            wide[i] = shallow.stack;
            wideSp[i] = shallow.sp;
        }
        widePc = shallow.pc();
        scan = new StackScan(deep.tab);
        if (shallow.tab != deep.tab) {
            // Both benches register bench.rec first, so its id is the same in both tables.
            if (shallow.rec.id() != deep.rec.id()) {
                throw new IllegalStateException("function ids differ");
            }
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
