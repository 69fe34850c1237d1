package gcsim.gcmark.bench;

import gcsim.heap.Heap;
import gcsim.heap.internal.WriteBarrier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The collector's hybrid write barrier, outside a cycle, for the write-barrier cost benchmark
 * (the JMH {@code CycleBenchmarks.writePointer}): the same {@code Barrier} and marking code a
 * cycle installs, shading into its own gcWork (the caller is not an M, so the barrier takes its
 * off-scheduler path: the shared gcWork under its monitor). Objects it shades stay marked, so
 * after the first stores a benchmark measures the common case: both values point at objects that
 * are already marked.
 *
 * <p>Not for simulations: installing it on a heap whose collector is idle marks objects no cycle
 * will clear until the next one starts. This package is exported to {@code gcsim.benchmarks}
 * alone (the benchmarks run on the class path; no named gcsim module may use it).
 *
 * <p>The barrier's parts are package-private in {@code gcsim.gcmark}; {@code StandaloneBarrier}
 * there registers the {@link Factory} when it initialises, which {@link #of} triggers.
 */
public final class BenchmarkBarrier {
    private BenchmarkBarrier() {}

    /** Builds a standalone barrier; implemented once, in {@code gcsim.gcmark}. */
    public interface Factory {
        WriteBarrier of(Heap heap);
    }

    private static volatile @Nullable Factory factory;

    /** Called once, by gc-mark's {@code StandaloneBarrier} static initialiser. */
    public static void register(Factory f) {
        if (factory != null) {
            throw new IllegalStateException("BenchmarkBarrier factory already registered");
        }
        factory = f;
    }

    /** A barrier shading into a fresh gcWork of its own. Any thread; benchmark setup only. */
    public static WriteBarrier of(Heap heap) {
        Factory f = factory;
        if (f == null) {
            try {
                Class.forName("gcsim.gcmark.StandaloneBarrier", true, BenchmarkBarrier.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
            if (f == null) {
                throw new IllegalStateException("BenchmarkBarrier factory not registered");
            }
        }
        return f.of(heap);
    }

    /** Installs {@link #of}'s barrier as heap's write barrier. Benchmark setup, no store running. */
    public static void installOn(Heap heap) {
        heap.gc().setWriteBarrier(of(heap));
    }
}
