package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.heap.internal.ScanSink;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A span's object types ({@link MSpan#onlyType}, then a per-slot table once a second type
 * arrives): typeOf and the marker's scan see each object's own type, in a uniform span, in a span
 * that turns mixed, after sweep frees and reuses slots, and while the owner mixes the span
 * concurrently with a reader of objects allocated before.
 */
class SpanTypesTest {
    // Same size class (32 bytes), different pointer words: scanning with the wrong type follows
    // the wrong word.
    static final ObjectType LEFT = ObjectType.withPointers("left", 4, 0);
    static final ObjectType RIGHT = ObjectType.withPointers("right", 4, 1);
    static final ObjectType BOTH = ObjectType.withPointers("both", 3, 0, 1);

    /** Records what scanobject greys. */
    static final class Sink implements ScanSink {
        final List<Long> grey = new ArrayList<>();
        int scannedBytes;
        int scannedPtrdata;

        @Override
        public void grey(long obj) {
            grey.add(obj);
        }

        @Override
        public void scanned(int sizeBytes, int ptrdataBytes) {
            scannedBytes += sizeBytes;
            scannedPtrdata += ptrdataBytes;
        }

        @Override
        public void blacken(long obj, int sizeBytes) {
            throw new AssertionError("no pointer-free objects here");
        }
    }

    @Test
    void uniformSpanHasNoSlotTableAndAnswersFromItsOnlyType() {
        Heap heap = new Heap(HeapConfig.of(1));
        long a = heap.allocate(heap.mcache(0), LEFT);
        long b = heap.allocate(heap.mcache(0), LEFT);
        MSpan s = heap.spanOf(a);
        assertThat(s).isNotNull();
        assertThat(s.onlyType).isSameAs(LEFT);
        assertThat(s.slotTypes).as("no per-slot table while one type").isNull();
        assertThat(heap.typeOf(b)).isSameAs(LEFT);

        heap.allocate(heap.mcache(0), RIGHT);
        assertThat(s.slotTypes).as("the second type makes the table").isNotNull();
        assertThat(s.mixedTypes).isTrue();
        assertThat(heap.typeOf(a)).isSameAs(LEFT);
        assertThat(heap.typeOf(b)).isSameAs(LEFT);
    }

    @RepeatedTest(5)
    void mixedSpansGiveEveryObjectItsOwnTypeThroughSweepAndReuse() {
        SplittableRandom rnd = new SplittableRandom();
        long seed = rnd.nextLong();
        rnd = new SplittableRandom(seed);
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        ObjectType[] types = {LEFT, RIGHT, BOTH};
        int n = 3000;
        long[] objs = new long[n];
        ObjectType[] want = new ObjectType[n];
        // The first 600 objects are one type (uniform spans), then the types interleave.
        for (int i = 0; i < n; i++) {
            want[i] = i < 600 ? LEFT : types[rnd.nextInt(types.length)];
            objs[i] = heap.allocate(c, want[i]);
        }
        long target = heap.allocate(c, LEFT);
        long decoy = heap.allocate(c, LEFT);
        for (int i = 0; i < n; i++) {
            assertThat(heap.typeOf(objs[i])).as("seed %d object %d", seed, i).isSameAs(want[i]);
            assertScanFollowsItsType(heap, objs[i], want[i], target, decoy, seed);
        }

        // Keep a random half (and target, decoy), sweep, refill the freed slots with types in
        // a new order: the survivors keep theirs, the new objects get theirs.
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            keep[i] = rnd.nextBoolean();
            if (keep[i]) {
                heap.tryMark(objs[i]);
            }
        }
        heap.tryMark(target);
        heap.tryMark(decoy);
        heap.startSweepCycle();
        heap.finishSweep();
        for (int i = 0; i < n; i++) {
            if (!keep[i]) {
                want[i] = types[rnd.nextInt(types.length)];
                objs[i] = heap.allocate(c, want[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(heap.typeOf(objs[i])).as("seed %d object %d after reuse", seed, i).isSameAs(want[i]);
            assertScanFollowsItsType(heap, objs[i], want[i], target, decoy, seed);
        }
    }

    /**
     * scanobject walks a type's pointer bits from one register when they all lie in the first 64
     * words and from the word list otherwise: both must find exactly the pointer words, at the
     * edges (words 0, 63, 64 and the last) included.
     */
    @Test
    void scanFindsPointerWordsOnBothSidesOfWord64() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        ObjectType narrow = ObjectType.withPointers("narrow", 64, 0, 31, 63);
        ObjectType wide = ObjectType.withPointers("wide", 100, 0, 63, 64, 99);
        long target = heap.allocate(c, LEFT);
        long decoy = heap.allocate(c, LEFT);
        for (ObjectType t : new ObjectType[] {narrow, wide}) {
            long obj = heap.allocate(c, t);
            assertScanFollowsItsType(heap, obj, t, target, decoy, 0);
            // One distinct target per pointer word: each must be greyed once, highest word
            // first (scanobject's order, so that the LIFO gcWork scans the first field first).
            List<Long> targets = new ArrayList<>();
            for (int w : t.pointerWords()) {
                long o = heap.allocate(c, LEFT);
                targets.add(0, o);
                heap.writeWord(obj + 8L * w, o);
            }
            Sink sink = new Sink();
            heap.scanobject(obj, sink);
            assertThat(sink.grey).as(t.name()).containsExactlyElementsOf(targets);
        }
    }

    /**
     * Points obj's pointer words at target and its other words at decoy; scanobject must grey
     * target only (both white first), and a later scan finds nothing left to grey.
     */
    private static void assertScanFollowsItsType(Heap heap, long obj, ObjectType t, long target, long decoy,
            long seed) {
        for (int w = 0; w < t.sizeWords(); w++) {
            heap.writeWord(obj + 8L * w, t.isPointer(w) ? target : decoy);
        }
        clearMark(heap, target);
        clearMark(heap, decoy);
        Sink sink = new Sink();
        heap.scanobject(obj, sink);
        assertThat(sink.scannedBytes).isEqualTo(t.sizeBytes());
        assertThat(sink.scannedPtrdata).as("the scanned type's ptrdata").isEqualTo(t.ptrdataBytes());
        assertThat(sink.grey).as("seed %d: scan of a %s", seed, t.name()).containsExactly(target);
        assertThat(heap.isMarked(decoy)).isFalse();
    }

    private static void clearMark(Heap heap, long obj) {
        MSpan s = heap.spanOf(obj);
        assertThat(s).isNotNull();
        int idx = s.objIndex(obj);
        s.gcmarkBits[idx >>> 6] &= ~(1L << idx);
    }

    /**
     * The owner allocates into one span while another thread reads the types of objects published
     * to it earlier: the span turns mixed under the reader, which must still get every type right
     * (the per-slot table is published before mixedTypes, with release/acquire).
     */
    @RepeatedTest(20)
    void aReaderSeesTheRightTypesWhileTheOwnerMixesTheSpan() throws InterruptedException {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        int n = 200; // fewer than a 32-byte span's 256 slots: one span, first LEFT, then mixed
        long[] objs = new long[n];
        ObjectType[] want = new ObjectType[n];
        AtomicInteger published = new AtomicInteger();
        Concurrently.run(2, thread -> {
            if (thread == 0) {
                for (int i = 0; i < n; i++) {
                    want[i] = i < n / 2 || i % 2 == 0 ? LEFT : RIGHT;
                    objs[i] = heap.allocate(c, want[i]);
                    published.set(i + 1); // publishes objs[i] and want[i]
                }
            } else {
                int seen = 0;
                while (seen < n) {
                    int upTo = published.get();
                    for (int i = 0; i < upTo; i++) {
                        assertThat(heap.typeOf(objs[i])).as("object %d of %d", i, upTo).isSameAs(want[i]);
                    }
                    seen = upTo;
                }
            }
        });
        MSpan s = heap.spanOf(objs[0]);
        assertThat(s).isNotNull();
        assertThat(heap.spanOf(objs[n - 1])).isSameAs(s);
        assertThat(s.mixedTypes).isTrue();
    }
}
