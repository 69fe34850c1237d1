package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.heap.internal.ScanSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The marker's fused path ({@code Heap.scanobject}, {@code Heap.shade}) keeps
 * Go's scanobject/findObject/greyobject semantics: only pointer words are
 * followed, interior pointers mark their object, pointer-free objects go
 * black at once, marked objects, free slots, nil and non-heap words are
 * skipped; and it agrees with the step-by-step findObject + tryMark path.
 */
class FusedScanTest {
    static final ObjectType PAIR = ObjectType.withPointers("pair", 4, 0, 2); // words 1, 3 scalars
    static final ObjectType LEAF = ObjectType.scalars("leaf", 3);

    /** Records what the heap hands over. */
    static class Sink implements ScanSink {
        final List<Long> grey = new ArrayList<>();
        final List<Long> black = new ArrayList<>();
        long blackBytes;
        /** What scanned was given: bytes of objects, and their types' ptrdata. */
        long scannedBytes;
        long scannedPtrdata;

        @Override
        public void grey(long obj) {
            grey.add(obj);
        }

        @Override
        public void blacken(long obj, int sizeBytes) {
            black.add(obj);
            blackBytes += sizeBytes;
        }

        @Override
        public void scanned(int sizeBytes, int ptrdataBytes) {
            scannedBytes += sizeBytes;
            scannedPtrdata += ptrdataBytes;
        }
    }

    @Test
    void followsPointerWordsOnlyInteriorPointersAndNoscanBlack() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long b = heap.allocate(c, PAIR);
        long child = heap.allocate(c, PAIR);
        long leaf = heap.allocate(c, LEAF);
        long decoy = heap.allocate(c, PAIR);
        heap.writeWord(b, child + 16);       // interior pointer into child
        heap.writeWord(b + 8, decoy);        // scalar word that looks like a pointer: not followed
        heap.writeWord(b + 16, leaf);
        heap.writeWord(b + 24, decoy);       // scalar again
        heap.tryMark(b);
        Sink sink = new Sink();

        heap.scanobject(b, sink);
        assertThat(sink.scannedBytes).isEqualTo(PAIR.sizeBytes());
        assertThat(sink.scannedPtrdata).isEqualTo(24); // words 0 to 2: the last pointer is word 2
        assertThat(sink.grey).containsExactly(child);
        assertThat(sink.black).containsExactly(leaf);
        assertThat(sink.blackBytes).isEqualTo(LEAF.sizeBytes());
        assertThat(heap.isMarked(child)).isTrue();
        assertThat(heap.isMarked(leaf)).isTrue();
        assertThat(heap.isMarked(decoy)).isFalse();

        Sink again = new Sink();
        heap.scanobject(b, again); // everything it points at is marked now
        assertThat(again.grey).isEmpty();
        assertThat(again.black).isEmpty();
    }

    @Test
    void shadeSkipsNilNonHeapAndFreeSlots() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long a = heap.allocate(c, PAIR);
        long global = heap.globals().define("g", 1, new long[] {1});
        Sink sink = new Sink();
        heap.shade(0, sink);
        heap.shade(global, sink);
        heap.shade(Heap.minLegalPointer - 8, sink);
        heap.shade(a + PAIR.sizeBytes() * 5L, sink); // a slot of the same span never allocated
        assertThat(sink.grey).isEmpty();
        assertThat(sink.black).isEmpty();
        heap.shade(a + 8, sink);
        assertThat(sink.grey).containsExactly(a);
    }

    /**
     * Go's greyobject reads no alloc bits unless debug.gccheckmark: a heap object's pointer word
     * naming a free slot gets the slot marked; with debug.gccheckmark it is Go's "marking free
     * object". shade, used for roots, barriers and conservative words, keeps skipping free slots
     * (findObject's 0, as Go's scanConservative).
     */
    @Test
    void aPointerWordNamingAFreeSlotIsMarkedOrUnderGccheckmarkThrows() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long b = heap.allocate(c, PAIR);
        long free = b + PAIR.sizeBytes() * 7L; // a slot of the same span never allocated
        heap.writeWord(b, free);
        Sink viaShade = new Sink();
        heap.shade(free, viaShade);
        assertThat(viaShade.grey).isEmpty();

        heap.setDebugGccheckmark(true);
        assertThatThrownBy(() -> heap.scanobject(b, new Sink()))
                .isInstanceOf(GoThrow.class)
                .hasMessageContaining("marking free object");

        heap.setDebugGccheckmark(false);
        Sink sink = new Sink();
        heap.scanobject(b, sink);
        assertThat(sink.grey).containsExactly(free);
    }

    /**
     * scanobject greys the highest pointer word first, so the gcWork's LIFO scans the first
     * field first: a heap built depth-first (first field first) is marked in allocation order.
     * Both walks: the one-word mask (pointers below word 64) and the pointer-word list.
     */
    @Test
    void greysTheLastPointerWordFirstSoTheFirstIsScannedFirst() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        ObjectType node = ObjectType.withPointers("node", 4, 0, 1);
        long parent = heap.allocate(c, node);
        long left = heap.allocate(c, node);
        long right = heap.allocate(c, node);
        heap.writeWord(parent, left);
        heap.writeWord(parent + 8, right);
        heap.tryMark(parent);
        Sink sink = new Sink();
        heap.scanobject(parent, sink);
        assertThat(sink.grey).containsExactly(right, left);

        ObjectType wide = ObjectType.withPointers("wide", 80, 0, 40, 70); // past one mask word
        long b = heap.allocate(c, wide);
        long[] targets = {heap.allocate(c, node), heap.allocate(c, node), heap.allocate(c, node)};
        heap.writeWord(b, targets[0]);
        heap.writeWord(b + 40 * 8, targets[1]);
        heap.writeWord(b + 70 * 8, targets[2]);
        heap.tryMark(b);
        Sink wideSink = new Sink();
        heap.scanobject(b, wideSink);
        assertThat(wideSink.grey).containsExactly(targets[2], targets[1], targets[0]);
    }

    @Test
    void agreesWithFindObjectAndTryMark() {
        Heap fused = new Heap(HeapConfig.of(1));
        Heap stepwise = new Heap(HeapConfig.of(1));
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int n = 5000;
        long[] fa = new long[n];
        long[] sa = new long[n];
        for (int i = 0; i < n; i++) {
            ObjectType t = rnd.nextInt(4) == 0 ? LEAF : PAIR;
            fa[i] = fused.allocate(fused.mcache(0), t);
            sa[i] = stepwise.allocate(stepwise.mcache(0), t);
        }
        Sink sink = new Sink();
        List<Long> stepGreyOrBlack = new ArrayList<>();
        for (int k = 0; k < 3 * n; k++) {
            int i = rnd.nextInt(n);
            int off = rnd.nextInt(3) * 8;
            fused.shade(fa[i] + off, sink);
            long base = stepwise.findObject(sa[i] + off);
            if (base != 0 && stepwise.tryMark(base)) {
                stepGreyOrBlack.add(base);
            }
        }
        assertThat(sink.grey.size() + sink.black.size()).isEqualTo(stepGreyOrBlack.size());
        for (int i = 0; i < n; i++) {
            assertThat(fused.isMarked(fa[i])).isEqualTo(stepwise.isMarked(sa[i]));
        }
    }

    /** A sink that keeps the heap's span memo, as the collector's gcWork does. */
    static final class MemoSink extends Sink {
        @org.checkerframework.checker.nullness.qual.Nullable Object span;

        @Override
        public @org.checkerframework.checker.nullness.qual.Nullable Object scanSpan() {
            return span;
        }

        @Override
        public void scanSpan(Object s) {
            span = s;
        }
    }

    /**
     * scanobject remembers the span of the object it scanned in the sink and starts from it next
     * time; an object of another span replaces the memo. The marking is the same as without it.
     */
    @Test
    void remembersTheScannedSpanInTheSink() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long parent = heap.allocate(c, PAIR);
        long child = heap.allocate(c, PAIR);
        long big = heap.allocate(c, ObjectType.withPointers("big", 100, 0)); // another size class
        heap.writeWord(parent, child);
        heap.writeWord(child, big);
        heap.tryMark(parent);
        MemoSink sink = new MemoSink();
        heap.scanobject(parent, sink);
        assertThat(sink.span).isSameAs(heap.spanOf(parent));
        heap.scanobject(child, sink); // from the memo
        assertThat(sink.span).isSameAs(heap.spanOf(parent));
        heap.scanobject(big, sink);
        assertThat(sink.span).isSameAs(heap.spanOf(big)).isNotSameAs(heap.spanOf(parent));
        assertThat(sink.grey).containsExactly(child, big);
        assertThat(heap.isMarked(big)).isTrue();
    }

    /**
     * A remembered span is trusted only while it is in use: one that no longer is (here a dead
     * span over the same pages, whose mark bits are not the heap's) is passed over for the page
     * table's, so the marks land in the span that owns the pages.
     */
    @Test
    void aRememberedSpanNoLongerInUseIsNotTrusted() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long parent = heap.allocate(c, PAIR);
        long child = heap.allocate(c, PAIR);
        heap.writeWord(parent, child);
        heap.tryMark(parent);
        MSpan real = heap.spanOf(parent);
        assertThat(real).isNotNull();
        MSpan dead = new MSpan(real.arena, real.base, real.npages, real.spanclass, 0, false, 0);
        dead.onlyType = PAIR;
        dead.state = MSpan.mSpanDead;
        MemoSink sink = new MemoSink();
        sink.span = dead;
        heap.scanobject(parent, sink);
        assertThat(sink.span).isSameAs(real);
        assertThat(heap.isMarked(child)).isTrue();
        assertThat(dead.isMarked(dead.objIndex(child))).isFalse();
    }
}
