package gcsim.gcmark;

import gcsim.gcmark.bench.BenchmarkBarrier;

/**
 * Registers {@link BenchmarkBarrier}'s factory: the collector's {@link Barrier} over
 * {@link Marking#normal} and a fresh gcWork, outside any cycle. Initialised (by name) only when a
 * benchmark first asks {@link BenchmarkBarrier#of} for a barrier; simulations never load it.
 */
final class StandaloneBarrier {
    private StandaloneBarrier() {}

    static {
        BenchmarkBarrier.register(
                heap -> new Barrier(Marking.normal(heap), new GcWork[0], new GcWork(new WorkPool())));
    }
}
