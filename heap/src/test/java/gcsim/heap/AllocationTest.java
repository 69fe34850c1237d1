package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class AllocationTest {
    private final Heap heap = new Heap(HeapConfig.of(4));

    @Test
    void objectsAreZeroedTypedAndInsideTheFirstArena() {
        ObjectType t = ObjectType.withPointers("pair", 2, 0);
        long a = heap.allocate(heap.mcache(0), t);
        long b = heap.allocate(heap.mcache(0), t);
        assertThat(a).isGreaterThanOrEqualTo(Heap.ARENA_BASE).isLessThan(Heap.ARENA_BASE + Heap.heapArenaBytes);
        assertThat(b - a).isEqualTo(16); // class 2 (16 bytes), consecutive slots
        assertThat(heap.readWord(a)).isZero();
        assertThat(heap.readWord(a + 8)).isZero();
        assertThat(heap.typeOf(a)).isSameAs(t);
        assertThat(heap.isHeapAddress(a)).isTrue();
        assertThat(heap.isHeapAddress(Globals.BASE)).isFalse();
    }

    @Test
    void everySizeClassAllocatesAcrossRefills() {
        for (int c = 1; c < SizeClasses._NumSizeClasses; c++) {
            int size = SizeClasses.class_to_size[c];
            ObjectType t = ObjectType.scalars("c" + c, size / 8);
            MSpan first = null;
            int perSpan = SizeClasses.class_to_allocnpages[c] * Heap.pageSize / size;
            long prev = 0;
            for (int i = 0; i < perSpan + 1; i++) { // one more than fits: forces a refill
                long x = heap.allocate(heap.mcache(1), t);
                MSpan s = heap.spanOf(x);
                assertThat(s.sizeclass()).isEqualTo(c);
                assertThat(s.elemsize).isEqualTo(size);
                if (first == null) {
                    first = s;
                }
                if (i < perSpan) {
                    assertThat(s).isSameAs(first);
                    if (i > 0) {
                        assertThat(x - prev).isEqualTo(size);
                    }
                } else {
                    assertThat(s).isNotSameAs(first);
                    assertThat(first.allocCount).isEqualTo(first.nelems);
                }
                prev = x;
            }
        }
    }

    @Test
    void largeObjectsGetSpansOfTheirOwn() {
        ObjectType big = ObjectType.withPointers("big", 40_000 / 8, 0, 4999);
        long x = heap.allocate(heap.mcache(0), big);
        long y = heap.allocate(heap.mcache(0), big);
        MSpan sx = heap.spanOf(x);
        assertThat(sx.sizeclass()).isZero();
        assertThat(sx.npages).isEqualTo(5); // 40000 bytes round up to 5 pages
        assertThat(sx.base).isEqualTo(x);
        assertThat(sx.limit).isEqualTo(x + 40_000);
        assertThat(sx.nelems).isEqualTo(1);
        assertThat(heap.spanOf(y)).isNotSameAs(sx);
        assertThat(heap.typeOf(y)).isSameAs(big);
        assertThat(heap.readWord(y + 39_992)).isZero();
    }

    @Test
    void growsIntoNewArenasAndFailsWithGosMessageWhenOutOfArenas() {
        Heap small = new Heap(HeapConfig.of(1).withMaxArenas(2));
        ObjectType huge = ObjectType.scalars("huge", (40 << 20) / 8);
        long a = small.allocate(small.mcache(0), huge);
        long b = small.allocate(small.mcache(0), huge); // does not fit in arena 0's rest
        assertThat(b - Heap.ARENA_BASE).isGreaterThanOrEqualTo(Heap.heapArenaBytes);
        assertThat(a).isEqualTo(Heap.ARENA_BASE);
        assertThat(small.stats().heapSys()).isEqualTo(2L * Heap.heapArenaBytes);
        assertThatThrownBy(() -> small.allocate(small.mcache(0), huge))
                .isInstanceOf(GoThrow.class).hasMessage("out of memory");
    }

    /**
     * Several threads, each with its own mcache, allocate mixed sizes at once (each round from a
     * new seed). Every object must come back zeroed and no two may overlap: each thread fills its
     * objects with its own tag and checks them all after everyone finished.
     */
    @RepeatedTest(3)
    void concurrentAllocationFromDistinctMCachesNeverOverlaps() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        ObjectType[] types = {ObjectType.scalars("w1", 1), ObjectType.withPointers("w3", 3, 1),
            ObjectType.scalars("w17", 17), ObjectType.scalars("w130", 130),
            ObjectType.scalars("w5000", 5000)};
        long[][] objs = new long[threads][perThread];
        int[][] sizes = new int[threads][perThread];
        long seed = System.nanoTime();
        Concurrently.run(threads, pp -> {
            SplittableRandom rnd = new SplittableRandom(seed + pp);
            MCache c = heap.mcache(pp);
            for (int i = 0; i < perThread; i++) {
                ObjectType t = types[rnd.nextInt(i % 50 == 0 ? types.length : types.length - 1)];
                long x = heap.allocate(c, t);
                for (int w = 0; w < t.sizeWords(); w++) {
                    if (heap.readWord(x + 8L * w) != 0) {
                        throw new AssertionError("not zeroed at 0x" + Long.toHexString(x) + ", seed " + seed);
                    }
                    heap.writeWord(x + 8L * w, ((long) pp << 32) | i);
                }
                objs[pp][i] = x;
                sizes[pp][i] = t.sizeWords();
            }
        });
        long[] all = new long[threads * perThread];
        for (int p = 0; p < threads; p++) {
            for (int i = 0; i < perThread; i++) {
                long x = objs[p][i];
                all[p * perThread + i] = x;
                for (int w = 0; w < sizes[p][i]; w++) {
                    assertThat(heap.readWord(x + 8L * w)).isEqualTo(((long) p << 32) | i);
                }
            }
        }
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            assertThat(all[i]).isGreaterThan(all[i - 1]);
        }
        HeapStats st = heap.stats();
        assertThat(st.allocations()).isEqualTo((long) threads * perThread);
    }

    @Test
    void reusedSlotsAreZeroedAgainAfterPoisoning() {
        ObjectType t = ObjectType.scalars("t", 4);
        long x = heap.allocate(heap.mcache(0), t);
        heap.writeWord(x, 42);
        long keep = heap.allocate(heap.mcache(0), t); // keeps the span in use
        heap.tryMark(keep);
        heap.startSweepCycle();
        heap.finishSweep();
        assertThat(Heap.isPoison(heap.readWord(x))).isTrue();
        long y = heap.allocate(heap.mcache(0), t);
        assertThat(y).isEqualTo(x); // the first free slot again
        for (int w = 0; w < 4; w++) {
            assertThat(heap.readWord(y + 8L * w)).isZero();
        }
    }
}
