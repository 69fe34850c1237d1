package gcsim.gcmark;

import gcsim.heap.Heap;
import gcsim.heap.WriteBarrier;

/**
 * The collector's hybrid write barrier, outside a cycle, for the write-barrier
 * cost benchmark: the same {@code Barrier} and marking code a cycle installs,
 * shading into its own gcWork (the caller is not an M, so the barrier takes
 * its off-scheduler path: the shared gcWork under its monitor). Objects it
 * shades stay marked, so after the first stores a benchmark measures the
 * common case: both values point at objects that are already marked.
 *
 * <p>Not for simulations: installing it on a heap whose collector is idle
 * marks objects no cycle will clear until the next one starts.
 */
public final class BenchmarkBarrier {
    private BenchmarkBarrier() {}

    /** A barrier shading into a fresh gcWork of its own. Any thread. */
    public static WriteBarrier of(Heap heap) {
        return new Barrier(Marking.normal(heap), new GcWork[0], new GcWork(new WorkPool()));
    }
}
