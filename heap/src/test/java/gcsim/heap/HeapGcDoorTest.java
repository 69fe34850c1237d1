package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.heap.internal.HeapGcSupport;
import org.junit.jupiter.api.Test;

/** The collector's door: one instance per heap, forwarding to that heap and no other. */
class HeapGcDoorTest {
    private final ObjectType node = ObjectType.withPointers("node", 2, 0, 1);

    @Test
    void eachHeapHandsOutItsOwnDoorEveryTime() {
        Heap a = new Heap(HeapConfig.of(1));
        Heap b = new Heap(HeapConfig.of(1));
        assertThat(a.gc()).isSameAs(a.gc()).isNotSameAs(b.gc());
    }

    @Test
    void theDoorActsOnItsHeapOnly() {
        Heap a = new Heap(HeapConfig.of(1));
        Heap b = new Heap(HeapConfig.of(1));
        HeapGcSupport gc = a.gc();
        gc.setAllocateBlack(true);
        assertThat(a.allocateBlack()).isTrue();
        assertThat(b.allocateBlack()).isFalse();
        long x = a.allocate(a.mcache(0), node);
        assertThat(a.isMarked(x)).as("allocated black").isTrue();
        gc.setAllocateBlack(false);
        long y = a.allocate(a.mcache(0), node);
        assertThat(gc.tryMark(y)).isTrue();
        assertThat(gc.tryMark(y)).as("already marked").isFalse();
        assertThat(a.isMarked(y)).isTrue();
    }
}
