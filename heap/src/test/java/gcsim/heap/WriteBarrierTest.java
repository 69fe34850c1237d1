package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteBarrierTest {
    private final Heap heap = new Heap(HeapConfig.of(1));
    private final ObjectType node = ObjectType.withPointers("node", 2, 0, 1);

    @Test
    void noBarrierMeansAPlainStore() {
        long x = heap.allocate(heap.mcache(0), node);
        long y = heap.allocate(heap.mcache(0), node);
        heap.writePointer(x, y);
        assertThat(heap.readPointer(x)).isEqualTo(y);
    }

    @Test
    void theBarrierSeesOldAndNewValuesBeforeTheStoreInHeapAndGlobals() {
        long x = heap.allocate(heap.mcache(0), node);
        long y = heap.allocate(heap.mcache(0), node);
        long z = heap.allocate(heap.mcache(0), node);
        long global = heap.globals().define("root", 1, new long[] {1});
        List<long[]> calls = new ArrayList<>();
        heap.setWriteBarrier((slot, oldValue, newValue) -> {
            // runs before the store: memory still holds the old value
            assertThat(heap.readWord(slot)).isEqualTo(oldValue);
            calls.add(new long[] {slot, oldValue, newValue});
        });
        heap.writePointer(x + 8, y);
        heap.writePointer(x + 8, z);
        heap.writePointer(global, x);
        heap.writeWord(x, 5); // scalar stores bypass the barrier
        heap.setWriteBarrier(null);
        heap.writePointer(global, 0);
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0)).containsExactly(x + 8, 0, y);
        assertThat(calls.get(1)).containsExactly(x + 8, y, z);
        assertThat(calls.get(2)).containsExactly(global, 0, x);
        assertThat(heap.readPointer(x + 8)).isEqualTo(z);
        assertThat(heap.readPointer(global)).isZero();
    }
}
