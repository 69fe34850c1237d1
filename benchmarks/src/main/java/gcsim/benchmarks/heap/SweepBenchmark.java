package gcsim.benchmarks.heap;

import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import gcsim.heap.internal.HeapGcSupport;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sweep cost per span ({@link HeapGcSupport#sweepOne}), one sweeper thread. Nanoseconds per span.
 *
 * <p>Before each invocation (unmeasured) the heap is topped up to exactly {@link #SPANS} full
 * spans of 32-byte objects (256 per span), {@code survivePercent} of the objects in each span
 * are marked, and a sweep cycle starts. The invocation sweeps all of them: at 0% every span goes
 * back to the page heap, at 50% half the objects are freed and poisoned, at 100% nothing is freed
 * (the bit swap alone).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SweepBenchmark {
    static final int SPANS = 2000;
    static final int PER_SPAN = 8192 / 32;

    @Param({"0", "50", "100"})
    public int survivePercent;

    private Heap heap;
    private MCache mcache;
    private ObjectType type;
    private long[] live = new long[SPANS * PER_SPAN];
    private int nlive;

    @Setup(Level.Trial)
    public void makeHeap() {
        heap = new Heap(HeapConfig.of(1));
        mcache = heap.mcache(0);
        type = ObjectType.withPointers("node", 4, 0, 1);
    }

    @Setup(Level.Invocation)
    public void prepareCycle() {
        heap.gc().finishSweep();
        while (nlive < live.length) {
            live[nlive++] = heap.allocate(mcache, type);
        }
        heap.gc().flushMCaches();
        int kept = 0;
        for (int i = 0; i < nlive; i++) {
            if (i % 100 < survivePercent) {
                heap.gc().tryMark(live[i]);
                live[kept++] = live[i];
            }
        }
        nlive = kept;
        heap.gc().setHeapMarked(heap.markedBytes());
        heap.gc().startSweepCycle();
        if (heap.stats().spansInUse() != SPANS) {
            throw new IllegalStateException("expected " + SPANS + " spans, have " + heap.stats().spansInUse());
        }
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public int sweepAllSpans() {
        HeapGcSupport gc = heap.gc();
        int swept = 0;
        while (gc.sweepOne()) {
            swept++;
        }
        if (swept != SPANS) {
            throw new AssertionError("swept " + swept);
        }
        return swept;
    }
}
