package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * go1.14's memstats.heap_scan: mallocgc adds the object's ptrdata to its mcache's local_scan (a
 * plain add), the mcache flushes it into heap_scan when it takes a span (mheap.allocSpan's
 * flush; gcsim: every refill and large allocation), and mark termination (gcMark) replaces it
 * with the cycle's scan work, gcmarknewobject's share for objects allocated black included,
 * after cachestats dropped what the mcaches held.
 */
class HeapScanTest {
    private static final ObjectType PAIR = ObjectType.withPointers("pair", 4, 0, 2); // ptrdata 24
    private static final ObjectType LEAF = ObjectType.scalars("leaf", 4); // ptrdata 0
    private static final ObjectType LARGE = ObjectType.withPointers("large", 5000, 3); // > 32 KiB, ptrdata 32

    @Test
    void allocationAddsPtrdataToTheMCacheWhichFlushesItWhenItTakesASpan() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        for (int i = 0; i < 100; i++) {
            heap.allocate(c, PAIR);
            heap.allocate(c, LEAF);
        }
        // The leaf class's first refill flushed the first pair's 24 bytes; nothing since.
        assertThat(heap.heapScan()).as("flushed at the refills").isEqualTo(24);
        assertThat(c.localScan).as("local_scan: ptrdata per allocation, noscan none").isEqualTo(99 * 24);
        heap.allocate(c, LARGE); // mheap.allocSpan flushes local_scan first
        assertThat(heap.heapScan()).isEqualTo(100 * 24);
        assertThat(c.localScan).isEqualTo(32);
        heap.allocate(c, LARGE);
        assertThat(heap.heapScan()).isEqualTo(100 * 24 + 32);
    }

    @Test
    void aRefillFlushesTheCachesLocalScan() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        int perSpan = 8192 / 32; // the 32-byte class's span holds 256 objects
        for (int i = 0; i < perSpan; i++) {
            heap.allocate(c, PAIR);
        }
        assertThat(heap.heapScan()).as("the first span came from a refill of the empty cache").isZero();
        heap.allocate(c, PAIR); // the span is full: refill
        assertThat(heap.heapScan()).isEqualTo((long) perSpan * 24);
        assertThat(c.localScan).isEqualTo(24);
    }

    @Test
    void markTerminationSetsTheCyclesScanWorkAndDropsWhatTheCachesHeld() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        heap.allocate(c, PAIR); // before the mark: local_scan only
        heap.setAllocateBlack(true);
        for (int i = 0; i < 10; i++) {
            heap.allocate(c, PAIR); // gcmarknewobject: scanWork += ptrdata
        }
        heap.setAllocateBlack(false);
        heap.setHeapScan(1000);
        assertThat(heap.heapScan()).as("drained scan work + allocated black").isEqualTo(1000 + 10 * 24);
        assertThat(c.localScan).as("cachestats flushed it, then heap_scan was replaced").isZero();
        heap.setHeapScan(500);
        assertThat(heap.heapScan()).as("the black allocations were taken").isEqualTo(500);
        heap.allocate(c, PAIR);
        heap.allocate(c, LARGE);
        assertThat(heap.heapScan()).isEqualTo(500 + 24);
    }
}
