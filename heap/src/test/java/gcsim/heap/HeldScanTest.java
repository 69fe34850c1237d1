package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The drain loop's shortcuts in the fused marker keep the LIFO's order and Go's marking:
 * {@code Heap.scanobjectHeld} (the last object greyed is returned, to be scanned next, instead of
 * pushed and popped at once) visits the same objects in the same order as {@code scanobject}
 * with a LIFO stack, and both as findObject and tryMark one pointer at a time do, and two pointers whose mark bits share a word ({@code MSpan.tryMarkPair},
 * one atomic update) mark and grey as two single marks would.
 */
class HeldScanTest {
    static final ObjectType NODE = ObjectType.withPointers("node", 4, 0, 1);
    static final ObjectType MIXED = ObjectType.withPointers("mixed", 6, 0, 2, 3, 5);
    static final ObjectType WIDE = ObjectType.withPointers("wide", 80, 0, 40, 70); // over one mask word
    static final ObjectType LEAF = ObjectType.scalars("leaf", 2);

    /** What one drain did: the objects scanned in order, and what went black without a scan. */
    record Drain(List<Long> scanned, List<Long> black, long bytes) {}

    /** A LIFO stack sink that keeps the span memo, as the gcWork. */
    static class Lifo extends FusedScanTest.Sink {
        final ArrayDeque<Long> stack = new ArrayDeque<>();
        final Set<Long> greyed = new HashSet<>();
        long bytes;
        @Nullable Object span;

        @Override
        public void grey(long obj) {
            super.grey(obj);
            greyed.add(obj);
            stack.push(obj);
        }

        @Override
        public @Nullable Object scanSpan() {
            return span;
        }

        @Override
        public void scanSpan(Object s) {
            span = s;
        }

        @Override
        public void scanned(int sizeBytes, int ptrdataBytes) {
            bytes += sizeBytes;
        }

        final List<Long> prefetched = new ArrayList<>();

        @Override
        public void prefetch(long word) {
            prefetched.add(word);
        }
    }

    /** gcDrain before: pop, scanobject (which pushes everything it greys). */
    static Drain drainPushPop(Heap heap, long[] roots) {
        Lifo sink = new Lifo();
        List<Long> scanned = new ArrayList<>();
        shadeRoots(heap, roots, sink);
        while (!sink.stack.isEmpty()) {
            long b = sink.stack.pop();
            scanned.add(b);
            heap.scanobject(b, sink);
        }
        return new Drain(scanned, sink.black, sink.bytes);
    }

    /** gcDrain now: the object scanobjectHeld returns is scanned next, else pop. */
    static Drain drainHeld(Heap heap, long[] roots) {
        return drainHeld(heap, roots, new Lifo(), new ArrayList<>());
    }

    /** {@link #drainHeld(Heap, long[])} with {@code sink}, appending the objects scanned to {@code scanned}. */
    private static Drain drainHeld(Heap heap, long[] roots, Lifo sink, List<Long> scanned) {
        shadeRoots(heap, roots, sink);
        long next = 0;
        while (next != 0 || !sink.stack.isEmpty()) {
            long b = next != 0 ? next : sink.stack.pop();
            scanned.add(b);
            next = heap.scanobjectHeld(b, sink);
            if (next != 0) {
                assertThat(heap.isMarked(next)).isTrue();
                assertThat(sink.greyed).doesNotContain(next); // held, not handed over
            }
        }
        return new Drain(scanned, sink.black, sink.bytes);
    }

    /** What {@link #drainChained}'s sink answered: held objects and pops given to the heap's chain, and refusals. */
    static final class ChainCounts {
        int held;
        int popped;
        int refused;
    }

    /**
     * gcDrain with the heap's chain: on a coin flip the sink's {@code scanNext} names the object
     * its loop would scan next (the held one, or with none held the stack's top, popped), as the
     * gcWork does while its drain loop would scan that object with nothing in between, and the
     * heap then scans it in the same call; a refusal returns the held object (or nothing) to the
     * loop, which scans it next (or pops).
     */
    static Drain drainChained(Heap heap, long[] roots, long seed, ChainCounts counts) {
        List<Long> scanned = new ArrayList<>();
        Random coin = new Random(seed);
        Lifo sink = new Lifo() {
            @Override
            public long scanNext(long held) {
                if (held != 0) {
                    assertThat(heap.isMarked(held)).isTrue();
                    assertThat(greyed).doesNotContain(held); // held, not handed over
                } else if (stack.isEmpty()) {
                    return 0; // the loop's tryGet finds nothing either
                }
                if (coin.nextInt(4) == 0) {
                    counts.refused++;
                    return 0;
                }
                long next = held;
                if (next != 0) {
                    counts.held++;
                } else {
                    next = stack.pop();
                    counts.popped++;
                }
                scanned.add(next); // the heap scans it now, as the loop would next
                return next;
            }
        };
        return drainHeld(heap, roots, sink, scanned);
    }

    /**
     * The reference: Go's scanobject step by step (findObject, then the mark bit, one pointer
     * at a time, the last pointer word first as the fused path does) with a LIFO stack.
     */
    static Drain drainStepwise(Heap heap, long[] roots) {
        ArrayDeque<Long> stack = new ArrayDeque<>();
        List<Long> scanned = new ArrayList<>();
        List<Long> black = new ArrayList<>();
        long bytes = 0;
        for (long r : roots) {
            greyStepwise(heap, r, stack, black);
        }
        while (!stack.isEmpty()) {
            long b = stack.pop();
            scanned.add(b);
            ObjectType t = heap.typeOf(b);
            int[] words = t.pointerWords();
            for (int i = words.length - 1; i >= 0; i--) {
                greyStepwise(heap, heap.readWord(b + 8L * words[i]), stack, black);
            }
            bytes += t.sizeBytes();
        }
        return new Drain(scanned, black, bytes);
    }

    private static void greyStepwise(Heap heap, long p, ArrayDeque<Long> stack, List<Long> black) {
        long base = p == 0 || !heap.isHeapAddress(p) ? 0 : heap.findObject(p);
        if (base != 0 && heap.tryMark(base)) {
            if (heap.typeOf(base).noscan()) {
                black.add(base);
            } else {
                stack.push(base);
            }
        }
    }

    private static void shadeRoots(Heap heap, long[] roots, Lifo sink) {
        for (long r : roots) {
            heap.shade(r, sink);
        }
    }

    /**
     * A random heap, the same on every call with the same seed: nodes, objects with four pointer
     * words, wide objects, pointer-free leaves; pointers to the object itself, to neighbours
     * (pairs in one mark word), far away, into the middle of objects (interior), twice to one
     * object, nil and outside the heap.
     */
    static long[] randomHeap(Heap heap, long seed, int n) {
        Random rnd = new Random(seed);
        MCache c = heap.mcache(0);
        long[] objs = new long[n];
        ObjectType[] types = new ObjectType[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(10);
            types[i] = k < 5 ? NODE : k < 7 ? MIXED : k < 9 ? LEAF : WIDE;
            objs[i] = heap.allocate(c, types[i]);
        }
        long global = heap.globals().define("g", 1, new long[] {1});
        for (int i = 0; i < n; i++) {
            for (int w : types[i].pointerWords()) {
                int r = rnd.nextInt(10);
                long p;
                if (r < 4) {
                    p = objs[Math.min(n - 1, i + 1 + rnd.nextInt(3))]; // a neighbour: often the same mark word
                } else if (r < 7) {
                    p = objs[rnd.nextInt(n)];
                } else if (r < 8) {
                    long target = objs[rnd.nextInt(n)];
                    p = target + 8L * rnd.nextInt(2); // interior (or base)
                } else if (r < 9) {
                    p = 0;
                } else {
                    p = global;
                }
                heap.writeWord(objs[i] + 8L * w, p);
            }
        }
        long[] roots = new long[8];
        for (int k = 0; k < roots.length; k++) {
            roots[k] = objs[rnd.nextInt(n)];
        }
        return roots;
    }

    @Test
    void scanningTheHeldObjectNextVisitsInTheLifosOrder() {
        for (long seed = 1; seed <= 20; seed++) {
            for (boolean checkmarkDebug : new boolean[] {false, true}) {
                Heap a = new Heap(HeapConfig.of(1));
                Heap b = new Heap(HeapConfig.of(1));
                Heap c = new Heap(HeapConfig.of(1));
                a.setDebugGccheckmark(checkmarkDebug);
                b.setDebugGccheckmark(checkmarkDebug);
                long[] roots = randomHeap(a, seed, 3000);
                assertThat(randomHeap(b, seed, 3000)).containsExactly(roots); // same addresses
                assertThat(randomHeap(c, seed, 3000)).containsExactly(roots);

                Drain pushPop = drainPushPop(a, roots);
                Drain held = drainHeld(b, roots);
                Drain reference = drainStepwise(c, roots);

                for (Drain d : List.of(pushPop, held)) {
                    assertThat(d.scanned()).as("seed %d", seed).containsExactlyElementsOf(reference.scanned());
                    assertThat(d.black()).containsExactlyElementsOf(reference.black());
                    assertThat(d.bytes()).isEqualTo(reference.bytes());
                }
                assertThat(reference.scanned().size()).isGreaterThan(100);
            }
        }
    }

    /**
     * The heap's chain (scanobjectHeld scanning the object the sink says its loop would scan
     * next: the held one, or the popped top) visits the same objects in the same order, with the
     * same bytes, as the loop scanning each returned or popped object and as Go's step-by-step
     * scanobject.
     */
    @Test
    void scanningHeldAndPoppedObjectsInTheHeapsChainKeepsTheOrder() {
        for (long seed = 1; seed <= 20; seed++) {
            Heap a = new Heap(HeapConfig.of(1));
            Heap b = new Heap(HeapConfig.of(1));
            long[] roots = randomHeap(a, seed, 3000);
            assertThat(randomHeap(b, seed, 3000)).containsExactly(roots);
            ChainCounts counts = new ChainCounts();

            Drain chained = drainChained(a, roots, seed, counts);
            Drain reference = drainStepwise(b, roots);

            assertThat(chained.scanned()).as("seed %d", seed).containsExactlyElementsOf(reference.scanned());
            assertThat(chained.black()).containsExactlyElementsOf(reference.black());
            assertThat(chained.bytes()).isEqualTo(reference.bytes());
            assertThat(counts.held).as("held objects scanned in the chain").isGreaterThan(100);
            assertThat(counts.popped).as("popped objects scanned in the chain").isGreaterThan(100);
            assertThat(counts.refused).as("objects left to the loop").isGreaterThan(10);
        }
    }

    @Test
    void twoPointersIntoOneMarkWordAreGreyedAsTwoMarksWould() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long parent = heap.allocate(c, NODE);
        long left = heap.allocate(c, NODE);
        long right = heap.allocate(c, NODE);
        long twice = heap.allocate(c, NODE);
        long leaf = heap.allocate(c, LEAF);
        MSpan s = heap.spanOf(parent);
        assertThat(s).isNotNull();
        assertThat(s.objIndex(right) >>> 6).isEqualTo(s.objIndex(left) >>> 6); // one mark word
        heap.writeWord(parent, left);
        heap.writeWord(parent + 8, right);
        heap.tryMark(parent);

        Lifo sink = new Lifo();
        assertThat(heap.scanobjectHeld(parent, sink)).isEqualTo(left); // the LIFO's next pop
        assertThat(sink.grey).containsExactly(right);
        assertThat(heap.isMarked(left)).isTrue();
        assertThat(heap.isMarked(right)).isTrue();

        // Both fields name one object: greyed once.
        heap.writeWord(left, twice);
        heap.writeWord(left + 8, twice + 8);
        assertThat(heap.scanobjectHeld(left, sink)).isEqualTo(twice);
        assertThat(sink.grey).containsExactly(right);

        // One of the pair already marked: only the other is greyed; a pointer-free one goes black.
        heap.writeWord(right, leaf);
        heap.writeWord(right + 8, twice);
        assertThat(heap.scanobjectHeld(right, sink)).isZero();
        assertThat(sink.black).containsExactly(leaf);
        assertThat(sink.grey).containsExactly(right);
    }

    /**
     * Go's greyobject prefetches the object it queues; the heap loads the first word of the object
     * scanned next (the pair's held one) before the mark and hands it to the sink, which keeps
     * the load alive. The word it hands over is that object's, read before the scan of it.
     */
    @Test
    void thePairsHeldObjectIsLoadedAheadAsGoPrefetchesIt() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long parent = heap.allocate(c, NODE);
        long left = heap.allocate(c, NODE);
        long right = heap.allocate(c, NODE);
        long grandchild = heap.allocate(c, NODE);
        heap.writeWord(parent, left);
        heap.writeWord(parent + 8, right);
        heap.writeWord(left, grandchild); // the word the early load reads
        heap.tryMark(parent);

        Lifo sink = new Lifo();
        assertThat(heap.scanobjectHeld(parent, sink)).isEqualTo(left);
        assertThat(sink.prefetched).containsExactly(grandchild);
    }

    @Test
    void tryMarkPairSetsBothBitsAndSaysWhichItSet() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long first = heap.allocate(c, NODE);
        MSpan s = heap.spanOf(first);
        assertThat(s).isNotNull();
        assertThat(s.tryMarkPair(3, 5)).isEqualTo(3);
        assertThat(s.isMarked(3) && s.isMarked(5)).isTrue();
        assertThat(s.tryMarkPair(3, 5)).isZero();
        assertThat(s.tryMarkPair(5, 7)).isEqualTo(2);
        assertThat(s.tryMarkPair(9, 7)).isEqualTo(1);
        assertThat(s.tryMarkPair(11, 11)).isEqualTo(1);
        assertThat(s.tryMarkPair(11, 11)).isZero();
        assertThat(s.isMarked(4) || s.isMarked(6) || s.isMarked(8) || s.isMarked(10)).isFalse();
    }

    /** Racing single marks and pair marks on one word: every bit is set by exactly one call. */
    @Test
    void pairAndSingleMarksRacingSetEachBitOnce() throws InterruptedException {
        Heap heap = new Heap(HeapConfig.of(1));
        long first = heap.allocate(heap.mcache(0), NODE);
        MSpan s = heap.spanOf(first);
        assertThat(s).isNotNull();
        int slots = 64 * (s.nelems / 64);
        assertThat(slots).isGreaterThanOrEqualTo(64);
        for (int round = 0; round < 50; round++) {
            java.util.Arrays.fill(s.gcmarkBits, 0);
            AtomicIntegerArray setters = new AtomicIntegerArray(slots);
            Concurrently.run(2, thread -> {
                for (int i = 0; i < slots; i += 2) {
                    if (thread == 0) {
                        int set = s.tryMarkPair(i, i + 1);
                        if ((set & 1) != 0) {
                            setters.incrementAndGet(i);
                        }
                        if ((set & 2) != 0) {
                            setters.incrementAndGet(i + 1);
                        }
                    } else {
                        for (int j = i + 1; j >= i; j--) {
                            if (s.tryMark(j)) {
                                setters.incrementAndGet(j);
                            }
                        }
                    }
                }
            });
            for (int i = 0; i < slots; i++) {
                assertThat(setters.get(i)).as("slot %d", i).isEqualTo(1);
                assertThat(s.isMarked(i)).isTrue();
            }
        }
    }
}
