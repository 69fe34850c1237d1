package gcsim.gcmark;

import gcsim.gcmark.bench.BenchmarkSupport;
import gcsim.heap.Heap;

/**
 * {@link BenchmarkSupport} for one collector's heap: the collector's {@link Barrier} over
 * {@link Marking#normal} and a fresh gcWork, outside any cycle. Created only when a benchmark
 * asks {@link Collector#benchmarkSupport()}; simulations never use it.
 */
final class StandaloneBarrier extends BenchmarkSupport {
    private final Heap heap;

    StandaloneBarrier(Heap heap) {
        this.heap = heap;
    }

    @Override
    public void installStandaloneBarrier() {
        heap.gc().setWriteBarrier(new Barrier(Marking.normal(heap), new GcWork[0], GcWork.create(new WorkPool())));
    }
}
