package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobalsTest {
    private final Heap heap = new Heap(HeapConfig.of(1));
    private final Globals g = heap.globals();

    @Test
    void definesLaidOutFromBaseAndReadableThroughTheHeap() {
        long a = g.define("a", 3, new long[] {0b010});
        long b = g.define("b", 1, new long[0]);
        assertThat(a).isEqualTo(Globals.BASE);
        assertThat(b).isEqualTo(Globals.BASE + 24);
        assertThat(g.addressOf("b")).isEqualTo(b);
        assertThat(heap.readWord(a + 8)).isZero();
        heap.writeWord(a + 16, 99);
        assertThat(heap.readWord(a + 16)).isEqualTo(99);
        assertThat(g.isPointerSlot(a + 8)).isTrue();
        assertThat(g.isPointerSlot(a)).isFalse();
        assertThat(heap.isHeapAddress(a)).isFalse();
        assertThatThrownBy(() -> g.define("a", 1, new long[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> heap.readWord(b + 8))
                .isInstanceOf(GoThrow.class).hasMessage("invalid memory address or nil pointer dereference");
    }

    @Test
    void rootBlocksAre256KiBAndScanOnlyNonNilPointerSlots() {
        assertThat(Globals.rootBlockBytes).isEqualTo(256 << 10);
        assertThat(g.rootBlockCount()).isZero();
        // 40000 words (320000 bytes): two root blocks; every 1000th word is a pointer slot
        int words = 40_000;
        long[] bits = new long[(words + 63) / 64];
        for (int w = 0; w < words; w += 1000) {
            bits[w >>> 6] |= 1L << w;
        }
        long base = g.define("table", words, bits);
        assertThat(g.rootBlockCount()).isEqualTo(2);
        ObjectType t = ObjectType.scalars("t", 1);
        List<Long> expected = new ArrayList<>();
        for (int w = 0; w < words; w += 2000) { // fill every other pointer slot
            long obj = heap.allocate(heap.mcache(0), t);
            heap.writePointer(base + 8L * w, obj);
            expected.add(base + 8L * w);
        }
        heap.writeWord(base + 8, 12345); // a scalar word: never visited
        List<Long> slots = new ArrayList<>();
        for (int i = 0; i < g.rootBlockCount(); i++) {
            int block = i;
            g.scanRootBlock(i, (slot, value) -> {
                assertThat(slot).isGreaterThanOrEqualTo(Globals.BASE + (long) block * Globals.rootBlockBytes)
                        .isLessThan(Globals.BASE + (long) (block + 1) * Globals.rootBlockBytes);
                assertThat(value).isEqualTo(heap.readPointer(slot));
                assertThat(heap.findObject(value)).isEqualTo(value);
                slots.add(slot);
            });
        }
        assertThat(slots).containsExactlyElementsOf(expected);
        assertThatThrownBy(() -> g.scanRootBlock(2, (s, v) -> { })).isInstanceOf(GoThrow.class);
    }

    @Test
    void aGlobalStraddlingTwoBlocksKeepsItsWordsWhenTheAreaGrows() {
        long first = g.define("first", Globals.rootBlockWords - 1, new long[0]);
        long straddle = g.define("straddle", 4, new long[] {0b1111});
        heap.writeWord(first, 1);
        heap.writeWord(straddle + 24, 2);
        g.define("later", Globals.rootBlockWords * 2, new long[0]); // grows the chunk table
        assertThat(heap.readWord(first)).isEqualTo(1);
        assertThat(heap.readWord(straddle + 24)).isEqualTo(2);
        assertThat(g.isPointerSlot(straddle)).isTrue();
        assertThat(g.isPointerSlot(straddle + 24)).isTrue();
        assertThat(g.rootBlockCount()).isEqualTo(4);
    }
}
