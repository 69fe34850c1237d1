package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class MarkTest {
    private final Heap heap = new Heap(HeapConfig.of(2));
    private final ObjectType t = ObjectType.withPointers("node", 4, 0, 1);

    @Test
    void tryMarkSucceedsOnceAndAcceptsInteriorAddresses() {
        long x = heap.allocate(heap.mcache(0), t);
        assertThat(heap.isMarked(x)).isFalse();
        assertThat(heap.tryMark(x + 8)).isTrue();
        assertThat(heap.tryMark(x)).isFalse();
        assertThat(heap.isMarked(x)).isTrue();
        long y = heap.allocate(heap.mcache(0), t);
        assertThat(heap.isMarked(y)).isFalse();
    }

    @Test
    void markingAFreeSlotOrANonHeapAddressThrowsGosMessage() {
        long x = heap.allocate(heap.mcache(0), t);
        assertThatThrownBy(() -> heap.tryMark(x + 32))
                .isInstanceOf(GoThrow.class).hasMessage("marking free object")
                .satisfies(e -> assertThat(((GoThrow) e).runtimePrint())
                        .isEqualTo("runtime: marking free object 0x" + Long.toHexString(x + 32)));
        assertThatThrownBy(() -> heap.tryMark(Globals.BASE)).hasMessage("marking free object");
        assertThatThrownBy(() -> heap.tryMark(0)).hasMessage("marking free object");
        assertThatThrownBy(() -> heap.tryCheckmark(x + 32)).hasMessage("marking free object");
    }

    @Test
    void allocateBlackMarksNewObjectsOnlyWhileOn() {
        long white = heap.allocate(heap.mcache(0), t);
        heap.setAllocateBlack(true);
        long black = heap.allocate(heap.mcache(0), t);
        long bigBlack = heap.allocate(heap.mcache(1), ObjectType.scalars("big", 5000));
        heap.setAllocateBlack(false);
        long white2 = heap.allocate(heap.mcache(0), t);
        assertThat(heap.isMarked(white)).isFalse();
        assertThat(heap.isMarked(black)).isTrue();
        assertThat(heap.isMarked(bigBlack)).isTrue();
        assertThat(heap.isMarked(white2)).isFalse();
        // a black object survives the sweep without anyone marking it
        heap.startSweepCycle();
        heap.finishSweep();
        assertThat(heap.findObject(black)).isEqualTo(black);
        assertThat(heap.findObject(bigBlack)).isEqualTo(bigBlack);
        assertThat(heap.findObject(white)).isZero();
    }

    @Test
    void checkmarksAreSeparateFromMarksAndClear() {
        long x = heap.allocate(heap.mcache(0), t);
        assertThat(heap.tryCheckmark(x)).isTrue();
        assertThat(heap.tryCheckmark(x)).isFalse();
        assertThat(heap.isMarked(x)).isFalse();
        heap.clearCheckmarks();
        assertThat(heap.tryCheckmark(x)).isTrue();
    }

    /** Many threads race to mark the same objects: each object has exactly one winner. */
    @RepeatedTest(5)
    void concurrentTryMarkHasExactlyOneWinnerPerObject() throws Exception {
        int n = 30_000;
        ObjectType[] types = {t, ObjectType.scalars("s1", 1), ObjectType.scalars("s9", 9),
            ObjectType.scalars("big", 4500)};
        long[] objs = new long[n];
        SplittableRandom rnd = new SplittableRandom();
        for (int i = 0; i < n; i++) {
            objs[i] = heap.allocate(heap.mcache(0), types[i % 500 == 0 ? 3 : rnd.nextInt(3)]);
        }
        int threads = 4;
        AtomicIntegerArray wins = new AtomicIntegerArray(n);
        long seed = rnd.nextLong();
        Concurrently.run(threads, k -> {
            SplittableRandom r = new SplittableRandom(seed + k);
            int offset = r.nextInt(n);
            for (int i = 0; i < n; i++) {
                int j = (i + offset) % n;
                long interior = objs[j] + r.nextInt(8); // an interior byte of the first word
                if (heap.tryMark(heap.findObject(interior))) {
                    wins.incrementAndGet(j);
                }
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(wins.get(i)).as("object %d", i).isEqualTo(1);
            assertThat(heap.isMarked(objs[i])).isTrue();
        }
        assertThat(heap.markedBytes()).isPositive();
    }
}
