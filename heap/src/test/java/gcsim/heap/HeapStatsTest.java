package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapStatsTest {
    @Test
    void initialGoalFollowsGoGcinitWithHeapminimum() {
        HeapStats st = new Heap(HeapConfig.of(1)).stats();
        // gcinit: heap_marked = 4 MiB / (1 + 7/8); goal = heap_marked * 2; trigger = heapminimum
        assertThat(st.heapMarked()).isEqualTo(2_236_962);
        assertThat(st.heapGoal()).isEqualTo(4_473_924);
        assertThat(st.gcTrigger()).isEqualTo(4 << 20);
        assertThat(st.heapLive()).isZero();
        assertThat(st.spansInUse()).isZero();
        assertThat(st.heapSys()).isZero();
    }

    @Test
    void goalIsMarkedTimesOnePlusGogc() {
        Heap heap = new Heap(HeapConfig.of(1).withGogc(200));
        heap.setHeapMarked(10 << 20);
        HeapStats st = heap.stats();
        assertThat(st.heapGoal()).isEqualTo(30L << 20);
        assertThat(st.heapLive()).isEqualTo(10 << 20);
        assertThat(st.gcTrigger()).isEqualTo((long) ((10 << 20) * (1 + 7 / 8.0)));
        heap.setHeapMarked(0);
        assertThat(heap.stats().gcTrigger()).as("heapminimum = 4 MiB * 200/100").isEqualTo(8 << 20);
        assertThat(heap.stats().heapGoal()).isEqualTo(8 << 20);
    }

    @Test
    void gogcOffMeansNoGoal() {
        Heap heap = new Heap(HeapConfig.of(1).withGogc(-1));
        assertThat(heap.stats().heapGoal()).isEqualTo(Long.MAX_VALUE);
        assertThat(heap.stats().gcTrigger()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void countsAllocationsFreesSpansAndLiveBytes() {
        Heap heap = new Heap(HeapConfig.of(2));
        ObjectType t = ObjectType.scalars("t", 2); // 16-byte class, 512 per span
        for (int i = 0; i < 600; i++) {
            heap.allocate(heap.mcache(i & 1), t);
        }
        long big = heap.allocate(heap.mcache(0), ObjectType.scalars("big", 5000));
        HeapStats st = heap.stats();
        assertThat(st.allocations()).isEqualTo(601);
        assertThat(st.allocatedBytes()).isEqualTo(600 * 16 + 5 * 8192);
        assertThat(st.spansInUse()).isEqualTo(3); // one span per mcache, one large
        // heap_live counts cached spans whole (Go's cacheSpan) plus the large object's pages
        assertThat(st.heapLive()).isEqualTo(2 * 8192 + 5 * 8192);
        assertThat(st.heapSys()).isEqualTo(Heap.heapArenaBytes);
        heap.flushMCaches(); // uncacheSpan gives back the unallocated slots
        assertThat(heap.stats().heapLive()).isEqualTo(600 * 16 + 5 * 8192);
        heap.tryMark(big);
        heap.setHeapMarked(heap.markedBytes());
        assertThat(heap.stats().heapMarked()).isEqualTo(5 * 8192);
        heap.startSweepCycle();
        heap.finishSweep();
        st = heap.stats();
        assertThat(st.frees()).isEqualTo(600);
        assertThat(st.freedBytes()).isEqualTo(600 * 16);
        assertThat(st.spansInUse()).isEqualTo(1);
        assertThat(heap.mheap().allspans()).as("dead spans are dropped").containsExactly(heap.spanOf(big));
    }

    @Test
    void theTriggerHookRunsWhenHeapLiveReachesTheTrigger() {
        Heap heap = new Heap(HeapConfig.of(1));
        long[] seen = new long[1];
        heap.setGcTriggerHook(live -> seen[0] = live);
        ObjectType big = ObjectType.scalars("big", 1 << 16); // 512 KiB
        for (int i = 0; i < 7; i++) {
            heap.allocate(heap.mcache(0), big);
        }
        assertThat(seen[0]).as("3.5 MiB < 4 MiB trigger").isZero();
        heap.allocate(heap.mcache(0), big);
        assertThat(seen[0]).isEqualTo(4 << 20);
    }
}
