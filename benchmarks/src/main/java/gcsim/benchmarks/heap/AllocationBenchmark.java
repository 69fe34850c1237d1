package gcsim.benchmarks.heap;

import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Allocation rate of {@link Heap#allocate}: nanoseconds per object, one thread, one mcache.
 *
 * <p>Each invocation allocates {@link #BATCH} objects. Between invocations (not measured) a GC
 * cycle with nothing marked sweeps them all away, so every invocation runs in the steady state
 * of a collected program: spans come back from the page heap dirty and slots are zeroed on
 * allocation, refills go through mcentral and mheap as they would in a real run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AllocationBenchmark {
    static final int BATCH = 100_000;

    /** Object size in words: 2 (16-byte class), 8 (64 B), 64 (512 B). */
    @Param({"2", "8", "64"})
    public int words;

    private Heap heap;
    private MCache mcache;
    private ObjectType type;

    @Setup(Level.Trial)
    public void makeHeap() {
        heap = new Heap(HeapConfig.of(1));
        mcache = heap.mcache(0);
        type = ObjectType.withPointers("obj" + words, words, 0);
    }

    @Setup(Level.Invocation)
    public void collectEverything() {
        heap.gc().finishSweep();
        heap.gc().flushMCaches();
        heap.gc().setHeapMarked(0);
        heap.gc().startSweepCycle();
        heap.gc().finishSweep();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void allocate(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(heap.allocate(mcache, type));
        }
    }
}
