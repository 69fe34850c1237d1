package gcsim.gcmark.bench;

/**
 * What the JMH benchmarks may do with a collector beyond the public API: install the
 * collector's hybrid write barrier outside a cycle, for the write-barrier cost benchmark
 * ({@code CycleBenchmarks.writePointer}). The barrier is the same {@code Barrier} and marking
 * code a cycle installs, shading into a gcWork of its own (the caller is not an M, so the
 * barrier takes its off-scheduler path: the shared gcWork under its monitor). Objects it shades
 * stay marked, so after the first stores a benchmark measures the common case: both values
 * point at objects that are already marked.
 *
 * <p><b>Layering.</b> This package is a lower layer of gc-mark, as {@code gcsim.heap.internal}
 * is of the heap: it imports nothing from {@code gcsim.gcmark}; the collector implements this
 * class (package-private) and hands one out per collector ({@code Collector.benchmarkSupport()}).
 * {@code module-info} exports the package to {@code gcsim.benchmarks} alone: a named gcsim module
 * may call that method but can do nothing with what it gets. (The benchmarks run on the class
 * path, where module boundaries do not apply.)
 *
 * <p>Not for simulations: installing the barrier on a heap whose collector is idle marks objects
 * no cycle will clear until the next one starts.
 */
public abstract class BenchmarkSupport {
    /** For the collector's own implementation. */
    protected BenchmarkSupport() {}

    /**
     * Installs a standalone barrier (a fresh gcWork of its own) as the collector's heap's write
     * barrier. Benchmark setup, with no store running and no cycle in progress; any thread.
     */
    public abstract void installStandaloneBarrier();
}
