package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import org.junit.jupiter.api.Test;

class FindObjectTest {
    private final Heap heap = new Heap(HeapConfig.of(1));

    @Test
    void everyInteriorAddressOfEveryClassMapsToItsBase() {
        for (int c = 1; c < SizeClasses._NumSizeClasses; c++) {
            int size = SizeClasses.class_to_size[c];
            ObjectType t = ObjectType.scalars("c" + c, size / 8);
            // three objects: first, second and one further in the span
            long[] xs = new long[3];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = heap.allocate(heap.mcache(0), t);
            }
            for (long x : xs) {
                for (long off = 0; off < size; off += (size > 1024 ? 7 : 1)) {
                    assertThat(heap.findObject(x + off)).as("class %d off %d", c, off).isEqualTo(x);
                }
                assertThat(heap.findObject(x + size - 1)).isEqualTo(x);
            }
        }
    }

    @Test
    void largeObjectsResolveFromAnyInteriorByte() {
        ObjectType big = ObjectType.scalars("big", 100_000 / 8);
        long x = heap.allocate(heap.mcache(0), big);
        for (long off = 0; off < 100_000; off += 997) {
            assertThat(heap.findObject(x + off)).isEqualTo(x);
        }
        assertThat(heap.findObject(x + 99_999)).isEqualTo(x);
        // past the object but inside its last page: the span's unused tail
        assertThat(heap.findObject(x + 100_000)).isZero();
        assertThatThrownBy(() -> heap.findObject(x + 100_000, 0, 0))
                .isInstanceOf(GoThrow.class)
                .hasMessage("found bad pointer in Go heap (incorrect use of unsafe or cgo?)")
                .satisfies(e -> assertThat(((GoThrow) e).runtimePrint()).contains("to unused region of span"));
    }

    @Test
    void nonObjectsGiveZero() {
        ObjectType t = ObjectType.scalars("t", 6); // class 48 bytes: 170 per span, 32 bytes tail
        long x = heap.allocate(heap.mcache(0), t);
        MSpan s = heap.spanOf(x);
        assertThat(heap.findObject(0)).isZero();
        assertThat(heap.findObject(8)).isZero();
        assertThat(heap.findObject(Globals.BASE)).isZero();
        assertThat(heap.findObject(0x7f00_0000_0000L)).isZero();
        assertThat(heap.findObject(Heap.ARENA_BASE - 8)).isZero();
        assertThat(heap.findObject(x + 48)).as("free slot").isZero();
        assertThat(heap.findObject(s.limit)).as("tail waste").isZero();
        assertThat(heap.findObject(Heap.ARENA_BASE + 100L * Heap.heapArenaBytes)).as("unmapped arena").isZero();
        assertThat(heap.findObject(Heap.ARENA_BASE + Heap.heapArenaBytes - 8)).as("never-used page").isZero();
        assertThat(heap.findObject(x + 5, 0, 0)).isEqualTo(x);
    }

    @Test
    void pointerIntoAFreedSpanIsABadPointer() {
        ObjectType big = ObjectType.scalars("big", 5000);
        long x = heap.allocate(heap.mcache(0), big);
        heap.startSweepCycle();
        heap.finishSweep(); // unmarked: the span goes back to the heap
        assertThat(heap.findObject(x)).isZero();
        assertThat(heap.spanOf(x).state).isEqualTo(MSpan.mSpanDead);
        assertThatThrownBy(() -> heap.findObject(x + 16, Heap.ARENA_BASE, 8))
                .isInstanceOf(GoThrow.class)
                .hasMessage("found bad pointer in Go heap (incorrect use of unsafe or cgo?)")
                .satisfies(e -> assertThat(((GoThrow) e).runtimePrint())
                        .startsWith("runtime: pointer 0x" + Long.toHexString(x + 16) + " to unallocated span")
                        .contains("found in object at *(0x" + Long.toHexString(Heap.ARENA_BASE) + "+0x8)"));
    }

    @Test
    void typeOfRefusesNonObjects() {
        assertThatThrownBy(() -> heap.typeOf(Heap.ARENA_BASE)).isInstanceOf(IllegalArgumentException.class);
    }
}
