package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class SweepTest {
    private final Heap heap = new Heap(HeapConfig.of(2));
    private final ObjectType t = ObjectType.withPointers("node", 3, 0);

    /**
     * Sweep recycles a span's bit arrays as Go recycles gcBits arenas: the mark bits become the
     * alloc bits, and the array retired two sweeps ago comes back cleared as the mark bits; over
     * three cycles of changing survivors every sweep still frees exactly the unmarked objects.
     */
    @Test
    void sweepRecyclesTheAllocBitsOfTwoSweepsAgoAsClearedMarkBits() {
        long[] objs = new long[200]; // one 32-byte span
        for (int i = 0; i < objs.length; i++) {
            objs[i] = heap.allocate(heap.mcache(0), t);
        }
        MSpan s = heap.spanOf(objs[0]);
        assertThat(s).isNotNull();
        java.util.Set<long[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long[] retiredBySweepBefore = null;
        int alive = objs.length;
        for (int cycle = 1; cycle <= 4; cycle++) {
            int keep = cycle + 1; // keep the survivors whose index is a multiple of 2, then 3, ...
            int marked = 0;
            for (int i = 0; i < objs.length; i++) {
                if (objs[i] != 0 && i % keep == 0) {
                    heap.tryMark(objs[i]);
                    marked++;
                } else {
                    objs[i] = 0;
                }
            }
            long[] retiring = s.allocBits;
            long[] marks = s.gcmarkBits;
            heap.startSweepCycle();
            heap.finishSweep();
            assertThat(s.allocBits).as("cycle %d: the mark bits became the alloc bits", cycle).isSameAs(marks);
            if (retiredBySweepBefore != null) {
                assertThat(s.gcmarkBits).as("cycle %d: recycled, not allocated", cycle)
                        .isSameAs(retiredBySweepBefore);
            }
            assertThat(s.gcmarkBits).as("cycle %d", cycle).isNotSameAs(retiring).isNotSameAs(marks);
            assertThat(s.gcmarkBits).as("cycle %d: cleared", cycle).containsOnly(0L);
            arrays.add(s.allocBits);
            arrays.add(s.gcmarkBits);
            retiredBySweepBefore = retiring;
            for (int i = 0; i < objs.length; i++) {
                assertThat(s.isFree(i)).as("cycle %d slot %d", cycle, i).isEqualTo(objs[i] == 0);
            }
            alive = marked;
        }
        assertThat(alive).isPositive();
        assertThat(arrays).as("three arrays take turns").hasSize(3);
    }

    @Test
    void sweepFreesUnmarkedPoisonsThemAndKeepsMarked() {
        long[] objs = new long[1000];
        for (int i = 0; i < objs.length; i++) {
            objs[i] = heap.allocate(heap.mcache(0), t);
            heap.writeWord(objs[i] + 8, i);
            if (i % 3 == 0) {
                heap.tryMark(objs[i]);
            }
        }
        long freesBefore = heap.stats().frees();
        heap.startSweepCycle();
        heap.finishSweep();
        assertThat(heap.isSweepDone()).isTrue();
        int freed = 0;
        for (int i = 0; i < objs.length; i++) {
            if (i % 3 == 0) {
                assertThat(heap.findObject(objs[i])).isEqualTo(objs[i]);
                assertThat(heap.readWord(objs[i] + 8)).isEqualTo(i);
                assertThat(heap.isMarked(objs[i])).as("fresh mark bits").isFalse();
                assertThat(heap.typeOf(objs[i])).isSameAs(t);
            } else {
                freed++;
                assertThat(heap.findObject(objs[i])).isZero();
                for (int w = 0; w < 4; w++) { // the whole 32-byte slot
                    assertThat(Heap.isPoison(heap.readWord(objs[i] + 8L * w))).isTrue();
                }
            }
        }
        assertThat(heap.stats().frees() - freesBefore).isEqualTo(freed);
        assertThat(heap.stats().freedBytes()).isEqualTo(32L * freed);
    }

    @Test
    void emptySpansGoBackToTheHeapAndTheirPagesAreReusedZeroed() {
        ObjectType big = ObjectType.scalars("big", 6000);
        long x = heap.allocate(heap.mcache(0), big);
        heap.writeWord(x, 7);
        long spansBefore = heap.stats().spansInUse();
        heap.startSweepCycle();
        heap.finishSweep();
        assertThat(heap.stats().spansInUse()).isEqualTo(spansBefore - 1);
        assertThat(Heap.isPoison(heap.readWord(x))).isTrue();
        long y = heap.allocate(heap.mcache(0), big);
        assertThat(y).isEqualTo(x);
        assertThat(heap.readWord(y)).isZero();
        assertThat(heap.readWord(y + 8 * 5999)).isZero();
    }

    @Test
    void allocationSweepsAnUnsweptSpanBeforeUsingIt() {
        int perSpan = Heap.pageSize / 32;
        long[] objs = new long[perSpan];
        for (int i = 0; i < perSpan; i++) {
            objs[i] = heap.allocate(heap.mcache(0), t);
        }
        MSpan s = heap.spanOf(objs[0]);
        heap.tryMark(objs[5]);
        heap.flushMCaches(); // s is full: it stays on its mcentral's empty list
        heap.mheap().startSweepCycle(); // s is unswept, nobody swept it yet
        assertThat(s.loadSweepgen()).isEqualTo(heap.sweepgen() - 2);
        long y = heap.allocate(heap.mcache(1), t); // mcentral.cacheSpan sweeps s first
        assertThat(heap.spanOf(y)).isSameAs(s);
        assertThat(y).isEqualTo(objs[0]);
        assertThat(s.loadSweepgen()).isEqualTo(heap.sweepgen() + 3);
        assertThat(heap.findObject(objs[5])).isEqualTo(objs[5]);
        assertThat(Heap.isPoison(heap.readWord(objs[6]))).isTrue();
        assertThat(heap.readWord(y)).isZero();
        heap.finishSweep();
        assertThat(heap.stats().frees()).isEqualTo(perSpan - 1);
    }

    @Test
    void spansCachedBeforeTheCycleAreSweptWhenFlushed() {
        long a = heap.allocate(heap.mcache(0), t);
        long b = heap.allocate(heap.mcache(0), t);
        heap.tryMark(a);
        MSpan s = heap.spanOf(a);
        assertThat(s.loadSweepgen()).isEqualTo(heap.sweepgen() + 3);
        heap.startSweepCycle(); // was h+3, became h+1: stale; the flush sweeps it
        assertThat(s.loadSweepgen()).isEqualTo(heap.sweepgen());
        assertThat(heap.findObject(b)).isZero();
        assertThat(heap.findObject(a)).isEqualTo(a);
    }

    @Test
    void startingACycleBeforeTheLastSweepFinishedThrows() {
        heap.allocate(heap.mcache(0), t);
        heap.allocate(heap.mcache(0), ObjectType.scalars("other", 100));
        heap.startSweepCycle();
        // The unswept list of this cycle becomes the swept list of the next one.
        heap.mheap().sweepSpans[1 - ((heap.sweepgen() >>> 1) & 1)].push(heap.mheap().emptymspan);
        assertThatThrownBy(heap::startSweepCycle).isInstanceOf(GoThrow.class).hasMessage("non-empty swept list");
    }

    @Test
    void aMarkedFreeSlotIsCaughtAsIncreasedAllocationCount() {
        long a = heap.allocate(heap.mcache(0), t);
        MSpan s = heap.spanOf(a);
        heap.tryMark(a);
        s.tryMark(7); // bypass tryMark's check: a mark bit on a never-allocated slot
        heap.mheap().startSweepCycle();
        assertThatThrownBy(heap::flushMCaches) // the stale cached span is swept on uncaching.isInstanceOf(GoThrow.class)
                .hasMessage("sweep increased allocation count");
    }

    @Test
    void sweepingASpanTwiceIsABadSpanState() {
        long a = heap.allocate(heap.mcache(0), t);
        MSpan s = heap.spanOf(a);
        heap.startSweepCycle();
        heap.finishSweep();
        assertThatThrownBy(() -> heap.mheap().sweep(s, false)).isInstanceOf(GoThrow.class)
                .hasMessage("mspan.sweep: bad span state");
    }

    /**
     * Several sweepers at once: each span is swept exactly once (a second sweep would throw "bad
     * span state" and count its pages twice), and the frees add up exactly.
     */
    @RepeatedTest(5)
    void concurrentSweepersSweepEachSpanOnceAndCountFreesExactly() throws Exception {
        ObjectType[] types = {t, ObjectType.scalars("s2", 2), ObjectType.scalars("s40", 40),
            ObjectType.scalars("big", 5000)};
        SplittableRandom rnd = new SplittableRandom();
        List<Long> survivors = new ArrayList<>();
        List<Long> dead = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            long x = heap.allocate(heap.mcache(i & 1), types[i % 400 == 0 ? 3 : rnd.nextInt(3)]);
            if (rnd.nextInt(4) == 0) {
                heap.tryMark(x);
                survivors.add(x);
            } else {
                dead.add(x);
            }
        }
        heap.flushMCaches();
        long pagesInUse = 0;
        int spans = 0;
        for (MSpan s : heap.mheap().allspans()) {
            if (s.state == MSpan.mSpanInUse) {
                pagesInUse += s.npages;
                spans++;
            }
        }
        heap.mheap().startSweepCycle(); // mcaches are empty: no flush needed
        long freesBefore = heap.stats().frees();
        int threads = 4;
        AtomicInteger swept = new AtomicInteger();
        Concurrently.run(threads, k -> {
            while (heap.sweepOne()) {
                swept.incrementAndGet();
            }
        });
        assertThat(swept.get()).isEqualTo(spans);
        assertThat(heap.mheap().pagesSwept.get()).isEqualTo(pagesInUse);
        assertThat(heap.stats().frees() - freesBefore).isEqualTo(dead.size());
        for (long x : survivors) {
            assertThat(heap.findObject(x)).isEqualTo(x);
        }
        for (long x : dead) {
            assertThat(heap.findObject(x)).isZero();
            assertThat(Heap.isPoison(heap.readWord(x))).isTrue();
        }
        for (MSpan s : heap.mheap().allspans()) {
            if (s.state == MSpan.mSpanInUse) {
                assertThat(s.loadSweepgen()).isEqualTo(heap.sweepgen());
            }
        }
    }

    /** Sweepers and allocators at once: allocation sweeps what it takes, sweepone the rest. */
    @RepeatedTest(3)
    void sweepersRaceWithAllocatingMCaches() throws Exception {
        ObjectType s2 = ObjectType.scalars("s2", 2);
        List<Long> survivors = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            long x = heap.allocate(heap.mcache(0), s2);
            if (i % 5 == 0) {
                heap.tryMark(x);
                survivors.add(x);
            }
        }
        heap.startSweepCycle();
        int threads = 3;
        long[][] fresh = new long[2][20_000];
        Concurrently.run(threads, k -> {
            if (k == 2) {
                while (heap.sweepOne()) {
                    Thread.onSpinWait();
                }
                return;
            }
            for (int i = 0; i < fresh[k].length; i++) {
                long x = heap.allocate(heap.mcache(k), s2);
                if (heap.readWord(x) != 0 || heap.readWord(x + 8) != 0) {
                    throw new AssertionError("not zeroed");
                }
                heap.writeWord(x, k + 1);
                fresh[k][i] = x;
            }
        });
        heap.finishSweep();
        java.util.Set<Long> seen = new java.util.HashSet<>(survivors);
        for (int k = 0; k < 2; k++) {
            for (long x : fresh[k]) {
                assertThat(seen.add(x)).as("fresh object overlaps a survivor or another").isTrue();
                assertThat(heap.readWord(x)).isEqualTo(k + 1);
            }
        }
    }

    /**
     * cacheSpan's CAS on an unswept span loses to a background sweeper (played
     * by the seam between its read of sweepgen and its CAS): it must skip the
     * span, as Go does by reading sweepgen again, not cache it while it is
     * being swept. It once did: the sweeper then freed the objects allocated
     * from it ("use of freed object", "freeSpan given cached span").
     */
    @Test
    void cacheSpanSkipsASpanABackgroundSweeperWonAfterItsRead() {
        ObjectType s4 = ObjectType.scalars("s4", 4); // 32 B: 256 objects a span
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < 256 * 3 + 10; i++) { // three full spans and a partial one
            long x = heap.allocate(heap.mcache(0), s4);
            heap.writeWord(x, x);
            all.add(x);
        }
        heap.flushMCaches();
        all.forEach(heap::tryMark);
        heap.startSweepCycle();
        MSpan partial = heap.spanOf(all.get(all.size() - 1));
        assertThat(partial).isNotNull();
        int sg = heap.sweepgen();
        List<MSpan> won = new ArrayList<>();
        heap.mheap().setTakeSpanHookForTest(s -> { // this heap's seam: no other test's heap sees it
            if (s == partial && won.isEmpty() && s.casSweepgen(sg - 2, sg - 1)) {
                won.add(s); // the "background sweeper" claims it now
            }
        });
        long x = heap.allocate(heap.mcache(1), s4);
        heap.mheap().setTakeSpanHookForTest(null);
        assertThat(won).containsExactly(partial);
        assertThat(heap.spanOf(x)).as("allocated from the span being swept").isNotSameAs(partial);
        assertThat(partial.loadSweepgen()).as("still held by its sweeper, not cached").isEqualTo(sg - 1);
        assertThat(partial.casSweepgen(sg - 1, sg - 2)).isTrue(); // the seam's sweeper lets go; finishSweep sweeps it
        heap.finishSweep();
        assertThat(partial.loadSweepgen()).isEqualTo(sg);
        for (long y : all) {
            assertThat(heap.readWord(y)).isEqualTo(y);
        }
    }

    /**
     * Test seams are per heap, never static (issue 14): a cacheSpan seam set on
     * one heap is not called by another heap's cacheSpan in the same JVM, and
     * is called by its own. With one shared seam the other heap's walk would
     * call it.
     */
    @Test
    void aTakeSpanSeamIsCalledOnlyByItsOwnHeap() {
        ObjectType s4 = ObjectType.scalars("s4", 4);
        Heap other = new Heap(HeapConfig.of(2));
        List<MSpan> seen = new ArrayList<>();
        heap.mheap().setTakeSpanHookForTest(seen::add);
        leaveUnsweptPartialSpans(other, s4);
        other.allocate(other.mcache(1), s4); // walks other's nonempty list of unswept spans
        assertThat(seen).as("this heap's seam, called by the other heap's cacheSpan").isEmpty();
        leaveUnsweptPartialSpans(heap, s4);
        heap.allocate(heap.mcache(1), s4);
        assertThat(seen).as("called by its own heap's cacheSpan").isNotEmpty();
        heap.mheap().setTakeSpanHookForTest(null);
        other.finishSweep();
        heap.finishSweep();
    }

    /** Three full spans and a partial one of s4 in h's mcentral, all live and unswept (a new cycle). */
    private static void leaveUnsweptPartialSpans(Heap h, ObjectType s4) {
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < 256 * 3 + 10; i++) {
            all.add(h.allocate(h.mcache(0), s4));
        }
        h.flushMCaches();
        all.forEach(h::tryMark);
        h.startSweepCycle();
    }
}
