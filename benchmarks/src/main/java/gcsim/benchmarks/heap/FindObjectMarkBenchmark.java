package gcsim.benchmarks.heap;

import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import gcsim.heap.internal.HeapGcSupport;
import java.util.SplittableRandom;
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
 * The collector's per-pointer cost: {@link Heap#findObject} of an interior pointer, then
 * {@link HeapGcSupport#tryMark} of the base. Nanoseconds per pointer, one thread.
 *
 * <p>The heap holds {@link #N} binary-tree nodes (two pointers, two scalars: 32 bytes) — or, with
 * {@code mixed}, objects of six size classes from 16 B to 40 KiB. The pointers are interior
 * addresses, visited in allocation order ({@code sequential}) or shuffled ({@code shuffled}, the
 * cache-hostile case).
 *
 * <p>{@code firstMark}: every pointer's object is unmarked, so every tryMark wins and does the
 * atomic OR. Mark bits must be cleared between invocations; that happens the way Go does it — a
 * sweep with everything marked (nothing is freed, the mark bits become the alloc bits and fresh
 * mark bits are taken) — in an unmeasured per-invocation setup. {@code alreadyMarked}: every
 * object is marked, so tryMark takes the early "already marked" exit (greyobject's common case
 * in a well-connected heap).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FindObjectMarkBenchmark {
    static final int N = 1 << 20;

    /** A heap of N objects and N interior pointers into them. */
    @State(Scope.Thread)
    public abstract static class Objects {
        @Param({"sequential", "shuffled"})
        public String order;

        @Param({"nodes", "mixed"})
        public String shapes;

        Heap heap;
        long[] pointers;

        @Setup(Level.Trial)
        public void buildHeap() {
            heap = new Heap(HeapConfig.of(1));
            MCache c = heap.mcache(0);
            ObjectType[] types = shapes.equals("nodes")
                    ? new ObjectType[] {ObjectType.withPointers("node", 4, 0, 1)}
                    : new ObjectType[] {ObjectType.withPointers("w2", 2, 0), ObjectType.withPointers("w4", 4, 0),
                        ObjectType.withPointers("w12", 12, 0), ObjectType.withPointers("w40", 40, 0),
                        ObjectType.withPointers("w300", 300, 0), ObjectType.withPointers("w5000", 5000, 0)};
            SplittableRandom rnd = new SplittableRandom(42);
            pointers = new long[N];
            for (int i = 0; i < N; i++) {
                ObjectType t = types[types.length == 1 ? 0 : (i % 1000 == 0 ? 5 : rnd.nextInt(5))];
                long base = heap.allocate(c, t);
                pointers[i] = base + 8L * rnd.nextInt(t.sizeWords()) + rnd.nextInt(8);
            }
            if (order.equals("shuffled")) {
                for (int i = N - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    long tmp = pointers[i];
                    pointers[i] = pointers[j];
                    pointers[j] = tmp;
                }
            }
            heap.gc().flushMCaches();
            afterBuild();
        }

        /** What a subclass prepares once the heap is built (JMH runs subclass setups first). */
        void afterBuild() {}
    }

    /** Unmarked before every invocation: Go's way to reset mark bits, a sweep with everything marked. */
    public static class Unmarked extends Objects {
        private boolean marked;

        @Setup(Level.Invocation)
        public void resetMarkBits() {
            if (marked) {
                heap.gc().startSweepCycle();
                heap.gc().finishSweep();
            }
            marked = true; // the invocation that follows marks everything
        }
    }

    /** Everything marked once, before the first invocation. */
    public static class Marked extends Objects {
        @Override
        void afterBuild() {
            markAll(heap, pointers);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int firstMark(Unmarked s) {
        int won = markAll(s.heap, s.pointers);
        if (won != N) {
            throw new AssertionError("expected every tryMark to win, won " + won);
        }
        return won;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int alreadyMarked(Marked s) {
        int won = markAll(s.heap, s.pointers);
        if (won != 0) {
            throw new AssertionError("expected no tryMark to win, won " + won);
        }
        return won;
    }

    /** The measured loop: greyobject's first two steps for every pointer; returns the wins. */
    static int markAll(Heap heap, long[] pointers) {
        HeapGcSupport gc = heap.gc(); // read once, as the marker keeps it in a final field
        int won = 0;
        for (long p : pointers) {
            if (gc.tryMark(heap.findObject(p))) {
                won++;
            }
        }
        return won;
    }
}
