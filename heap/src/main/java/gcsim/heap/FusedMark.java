package gcsim.heap;

import gcsim.heap.internal.ScanSink;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The marker's hot path (Go's {@code scanobject}, {@code findObject} and {@code greyobject},
 * mgcmark.go and mbitmap.go), fused: one span lookup per object and per pointer, the pointer
 * words read in place from the arena's memory, the mark bit tested and set in the word the span
 * lookup led to. {@link Heap#scanobject} and {@link Heap#shade} are its doors; the collector
 * reaches them through {@link Heap#gc()}.
 *
 * <p><b>Cost model.</b> Marking a depth-first tree is one chain of dependent loads per object:
 * pop the object, find its span, read its pointer words, find each pointer's span, read its mark
 * word, set the bit, push. The chain, not the instruction count, sets the rate: on the 1M-node
 * tree each object costs what its dependent loads cost one after the other. Two lookups here are
 * shortened against Go's, deliberately and without changing what is marked:
 * <ul>
 *   <li><b>the scanned object's span</b> is first looked for in the span the same marker
 *       scanned last ({@link ScanSink#scanSpan}): a marker drains its own LIFO stack, so
 *       consecutive objects mostly share a span, and then the span and everything read from it
 *       (type, pointer mask, words, bounds) were known before the object was popped. Go looks
 *       each object up in its arena's span table ({@code spanOfUnchecked});
 *   <li><b>a pointer into the scanned object's own span</b> (a child allocated next to its
 *       parent) resolves to that span without a page-table load; Go's {@code findObject} always
 *       goes through {@code spanOf}.
 * </ul>
 * Both shortcuts give exactly the page table's answer: a span in use owns its pages (the table
 * maps each of them to it), and a span object is never reused for other pages, so a remembered
 * span whose {@code state} is still {@link MSpan#mSpanInUse} and whose {@code [base, limit)}
 * holds the address is the span the table would give. A remembered span that has since been
 * freed fails the state test and the table is asked, as before.
 *
 * <p><b>Order.</b> Deliberate difference from Go: the pointer words are visited from the
 * highest to the lowest, where Go's scanobject walks the heap bitmap upward. The gcWork is a LIFO
 * stack, so Go's order scans an object's last pointer field first: on a tree built depth-first
 * (left child allocated right after its parent, the right subtree after the whole left one), Go's
 * mark visits the right subtree first and touches each 4 KiB page in a scattered order the
 * hardware prefetcher cannot follow. Greying the last field first makes the LIFO pop the first
 * field first, so such a heap is marked in allocation order, one sequential stream. Which
 * objects are marked does not change, only the order. Measured with JMH {@code markTree -p
 * shape=dfs} (a 1,000,000-node depth-first tree, as the command's {@code tree} workload), the
 * mark worker's thread CPU per object on a loaded 2-core machine: 34-36 ns before, 23-33 after;
 * the same tree laid out breadth-first, 21-25 either way.
 *
 * <p><b>The drain loop's shortcuts</b> ({@link #scanobjectHeld}, {@link #greyPointers}): the
 * object a scan greys last is returned to be scanned next instead of being pushed and popped at
 * once, and two pointers whose mark bits share a word are marked with one CAS. Neither changes
 * what is marked nor the order (HeldScanTest checks both against findObject + tryMark with a
 * LIFO stack); both take work off the per-object chain, where the CAS (a locked instruction,
 * about 10 ns on the 2-core VM measured) is the largest single cost.
 *
 * <p>Threading: any number of marking threads at once, each with its own sink (its memo is that
 * thread's). Mark bits are set by CAS, so exactly one thread greys each object.
 */
final class FusedMark {
    /** greyIfWhite's free-slot policies. Skipped: findObject's 0 (gcsim) / Go's scanConservative. */
    static final int FREE_SKIPPED = 0;
    /** Go's greyobject under debug.gccheckmark: throw "marking free object". */
    static final int FREE_THROWS = 1;
    /** Go's greyobject otherwise: the alloc bits are not read. */
    static final int FREE_NOT_READ = 2;

    private FusedMark() {}

    /**
     * Go's {@code scanobject} fused with {@code findObject} and {@code greyobject}'s mark-bit
     * test-and-set: every white object {@code b}'s pointer words point into (interior pointers
     * included) is marked and goes to {@code sink} (pointer-free ones black at once, as Go's
     * noscan spans); no alloc-bit test unless {@code debugGccheckmark}, as in Go. The object's
     * size and ptrdata go to {@link ScanSink#scanned} (scanobject's {@code gcw.bytesMarked += n;
     * gcw.scanWork += i}: the sink works out i). {@code table} is the heap's page → span table.
     * The sink's marking thread; {@code b} must be an allocated, marked object.
     */
    static void scanobject(@Nullable MSpan[] table, long b, ScanSink sink, boolean debugGccheckmark) {
        MSpan s = scanSpan(table, b, sink);
        ObjectType t = typeOf(s, b);
        long held = greyPointers(table, s, t, b, sink, debugGccheckmark);
        if (held != 0) {
            sink.grey(held);
        }
        sink.scanned(t.sizeBytes(), t.ptrdata);
    }

    /**
     * {@link #scanobject} for a drain loop that scans next what it would pop next: the same
     * marking, in the same order, except that the last object greyed (the one a LIFO gcWork
     * would pop at once) is not handed to {@code sink.grey} but returned, marked; 0 when this
     * scan greyed nothing. The caller owns it: it counts it and either scans it next or queues
     * it, before its gcWork is used for anything else, so that it stays the gcWork's logical top.
     * The object's size and ptrdata go to {@link ScanSink#scanned}, as scanobject's. Same thread
     * and preconditions as scanobject.
     *
     * <p>gcsim only, a shortcut of Go's data flow with Go's order: in Go the object goes
     * through {@code gcw.putFast} and comes back from {@code gcw.tryGetFast} at once; here
     * it stays in a register, which takes a store and a load of the gcWork's buffer and count
     * off the chain of dependent loads each object costs (see Cost model).
     *
     * <p>The chain ({@link ScanSink#scanNext}): after each scan the sink names the object its
     * drain loop would scan next with nothing in between (the held object, or with none held the
     * top of its buffer, which it pops), and this call scans it itself, from the span it holds
     * when the object is in it, and the loop is not re-entered. The same objects in the same
     * order, with the same checks between them (the sink makes the loop's); what it saves is the
     * loop's and this method's entry per object: after each mark's atomic update the CPU reloads,
     * one after the other, every field on the way from the drain loop to the object's words
     * (collector, heap, page table, the span memo), and those dependent loads were about a tenth
     * of an object's cost on the 1M-node tree. On a tree every leaf ends a run of held objects
     * (nothing greyed), so with held objects alone half the objects still came through the loop;
     * the pops take the other half. An object outside the span is looked up in the page table and
     * its span remembered ({@link #rememberSpan}).
     */
    static long scanobjectHeld(@Nullable MSpan[] table, long b, ScanSink sink, boolean debugGccheckmark) {
        MSpan s = scanSpan(table, b, sink);
        for (;;) {
            ObjectType t = typeOf(s, b);
            sink.scanned(t.sizeBytes(), t.ptrdata);
            long held = greyPointers(table, s, t, b, sink, debugGccheckmark);
            long next = sink.scanNext(held);
            if (next == 0) {
                return held;
            }
            b = next;
            if (!holds(s, b)) {
                s = rememberSpan(table, b, sink); // the memo is s (or none): scanSpan's test would fail again
            }
        }
    }

    /** The type of the object b in its span s; throws when none is recorded. */
    private static ObjectType typeOf(MSpan s, long b) {
        ObjectType t = s.typeOf(b);
        if (t == null) {
            throw noType(b);
        }
        return t;
    }

    /**
     * scanobject's loop over the pointer words of b (type t, span s): greys every white object
     * they point into, all but the last through {@code sink.grey}; returns the last (0 for none).
     *
     * <p>Two pointers found one after the other whose objects' mark bits share a mark word (same
     * span, within 64 slots: a node and its children on a heap built depth-first) are marked
     * with one atomic update ({@link MSpan#tryMarkPair}) instead of two. Deliberate difference
     * from Go, which runs greyobject's atomic {@code Or8} per pointer: the same bits are set by
     * the same thread, the objects are queued in the same order, and another marker cannot tell
     * the difference (it sees the two bits set at once, as it could see two updates with
     * nothing between them). The pair's first mark waits for the second pointer's lookup, which
     * only reads. Why: the atomic is the largest single cost of an object here (a locked
     * instruction costs about 10 ns on the 2-core VM this was measured on, where the whole
     * object costs about 20), and on the 1M-node tree about nine pointers in ten pair up (a
     * node's two children share a word unless it is more than about five levels above the
     * leaves): 0.55 CAS per object instead of 1.
     *
     * <p>On inlining: this method compiles to about 4 KB (C2, JDK 17), over HotSpot's
     * InlineSmallCode (2,500 bytes), so the drain loop calls it once per object, whatever the
     * compile order. Measured: letting the JIT inline it ({@code -XX:InlineSmallCode=6000}) did
     * not make an object cheaper; the time is in the object's first word load and the atomic.
     */
    private static long greyPointers(@Nullable MSpan[] table, MSpan s, ObjectType t, long b, ScanSink sink,
            boolean debugGccheckmark) {
        if (!t.ptrMaskWhole || debugGccheckmark) {
            return greyPointerWords(table, s, t, b, sink, debugGccheckmark);
        }
        long[] words = s.words;
        long extent = s.limit - s.base;
        int wordBase = s.wordBase + (int) ((b - s.base) >>> 3);
        long held = 0;
        MSpan pend = null; // a pointer's span and slot whose mark waits for the next pointer's
        int pendIdx = 0;
        // Highest pointer word first (see Order above): clear the top set bit each round.
        for (long m = t.ptrMask; m != 0; ) {
            int w = 63 - Long.numberOfLeadingZeros(m);
            m &= ~(1L << w);
            long p = words[wordBase + w];
            if (p == 0) {
                continue;
            }
            MSpan ps = Long.compareUnsigned(p - s.base, extent) < 0 ? s : spanOfPointer(table, p);
            if (ps == null) {
                continue;
            }
            int idx = ps.objIndex(p);
            if (pend == null) {
                pend = ps;
                pendIdx = idx;
            } else if (pend == ps && pendIdx >>> 6 == idx >>> 6) {
                // Go's greyobject: sys.Prefetch(obj) (see prefetchNext).
                prefetchNext(ps, p, sink);
                int set = ps.tryMarkPair(pendIdx, idx);
                held = greyMarked(ps, pendIdx, (set & 1) != 0, held, sink);
                held = greyMarked(ps, idx, (set & 2) != 0, held, sink);
                pend = null;
            } else {
                held = greyMarked(pend, pendIdx, pend.tryMark(pendIdx), held, sink);
                pend = ps;
                pendIdx = idx;
            }
        }
        if (pend != null) {
            held = greyMarked(pend, pendIdx, pend.tryMark(pendIdx), held, sink);
        }
        return held;
    }

    /**
     * Go's greyobject: "We're adding obj to P's local workbuf, so it's likely this object will be
     * processed soon by the same P", hence {@code sys.Prefetch(obj)}. Java has no prefetch
     * instruction: a plain load of the word {@code p} points to (in span {@code ps}) stands in,
     * and its value goes to {@link ScanSink#prefetch} so that the JIT keeps the load. Issued
     * before the mark's atomic, its cache miss overlaps the CAS and the bookkeeping after it
     * instead of starting when the scan reaches the object. Deliberate difference: only for the
     * object scanned next (the pair's second pointer, the one {@link #greyPointers} holds), where
     * Go prefetches every greyed object: a load is not free the way a prefetch is, and an object
     * pushed now is scanned only after everything it leads to (on a tree built depth-first, the
     * whole left subtree), long after the line was evicted. Measured on the 1M-node tree, one
     * worker: mark CPU per object down 5-10% in four interleaved series (e.g. 19.8 → 17.9 ns);
     * with two workers the runs were bimodal and no gain could be told (docs/benchmarks.md).
     */
    private static void prefetchNext(MSpan ps, long p, ScanSink sink) {
        sink.prefetch(ps.words[ps.wordBase + (int) ((p - ps.base) >>> 3)]);
    }

    /**
     * greyobject's tail for slot {@code idx} of span {@code ps} once its mark is settled
     * ({@code marked}: this thread set the bit): the object greyed before it ({@code held}, if
     * any) goes to the sink and this one is held (returned); a pointer-free one is black at once
     * and {@code held} stays; not marked here: nothing changes.
     */
    private static long greyMarked(MSpan ps, int idx, boolean marked, long held, ScanSink sink) {
        if (!marked) {
            return held;
        }
        if (SizeClasses.noscanOf(ps.spanclass)) {
            blackenNoscan(ps, idx, sink);
            return held;
        }
        if (held != 0) {
            sink.grey(held);
        }
        return ps.address(idx);
    }

    /**
     * {@link #greyPointers} one pointer at a time: for a type whose pointer words do not fit one
     * mask (over 64 words), and under gccheckmark (Go's "marking free object" check per pointer).
     * Out of line (rare).
     */
    private static long greyPointerWords(@Nullable MSpan[] table, MSpan s, ObjectType t, long b, ScanSink sink,
            boolean debugGccheckmark) {
        long[] words = s.words;
        long extent = s.limit - s.base;
        int wordBase = s.wordBase + (int) ((b - s.base) >>> 3);
        int[] ptrWords = t.pointerWords();
        long held = 0;
        for (int i = ptrWords.length - 1; i >= 0; i--) { // highest first, as greyPointers
            long p = words[wordBase + ptrWords[i]];
            if (p != 0) {
                long g = greyPointer(table, s, extent, p, sink, debugGccheckmark);
                if (g != 0) {
                    if (held != 0) {
                        sink.grey(held);
                    }
                    held = g;
                }
            }
        }
        return held;
    }

    /**
     * The span of the object {@code b} to scan: the sink's remembered span when it is still in
     * use and holds b (see the class comment), else the page table's, which is then remembered.
     * Throws when b is in no span in use.
     */
    private static MSpan scanSpan(@Nullable MSpan[] table, long b, ScanSink sink) {
        if (sink.scanSpan() instanceof MSpan m && holds(m, b)) {
            return m;
        }
        return rememberSpan(table, b, sink);
    }

    /** Whether the remembered span m is the page table's span for b: still in use and b within it (see the class comment). */
    private static boolean holds(MSpan m, long b) {
        return Long.compareUnsigned(b - m.base, m.limit - m.base) < 0 && m.state == MSpan.mSpanInUse;
    }

    /** scanSpan's miss: the page table's span for b, remembered in the sink. Out of line (rare). */
    private static MSpan rememberSpan(@Nullable MSpan[] table, long b, ScanSink sink) {
        MSpan s = spanOfPointer(table, b);
        if (s == null) {
            throw notAHeapObject(b);
        }
        sink.scanSpan(s);
        return s;
    }

    /**
     * One non-nil pointer word {@code p} of an object in span {@code s} ({@code extent} = its
     * limit - base): greyobject in s itself when p points into it (see the class comment), else
     * findObject's page-table lookup first. Returns the object p points into when this call
     * greyed it and the caller must queue it, else 0 (nothing there, already marked, or
     * pointer-free and blackened at once). {@link #greyPointerWords}'s step; the common case
     * pairs marks in {@link #greyPointers} instead.
     */
    private static long greyPointer(@Nullable MSpan[] table, MSpan s, long extent, long p, ScanSink sink,
            boolean debugGccheckmark) {
        MSpan ps = Long.compareUnsigned(p - s.base, extent) < 0 ? s : spanOfPointer(table, p);
        if (ps == null) {
            return 0;
        }
        return greyChecked(ps, p, sink, debugGccheckmark ? FREE_THROWS : FREE_NOT_READ);
    }

    /**
     * findObject's span lookup: the span in use that holds {@code p} below its limit, or null
     * for nil, non-heap words, pages of no span, spans not in use and span tails.
     */
    private static @Nullable MSpan spanOfPointer(@Nullable MSpan[] table, long p) {
        long page = (p - Heap.ARENA_BASE) >>> SizeClasses._PageShift; // below ARENA_BASE: huge
        if (page >= table.length) {
            return null;
        }
        MSpan s = table[(int) page];
        if (s == null || s.state != MSpan.mSpanInUse || p >= s.limit) {
            return null;
        }
        return s;
    }

    /**
     * findObject + greyobject with one span lookup; see {@link #scanobject}. {@code free} says what
     * a pointer to an unmarked free slot does ({@link #FREE_SKIPPED}, {@link #FREE_THROWS},
     * {@link #FREE_NOT_READ}). Nil, non-heap words, pages of no span, spans not in use and span
     * tails are skipped (findObject's 0).
     */
    static void greyIfWhite(@Nullable MSpan[] table, long p, ScanSink sink, int free) {
        MSpan s = spanOfPointer(table, p);
        if (s != null) {
            long g = greyChecked(s, p, sink, free);
            if (g != 0) {
                sink.grey(g);
            }
        }
    }

    /**
     * greyobject for {@code p} in span {@code s}, which is in use and holds p below its limit,
     * under any {@code free} policy. A marked slot is allocated (sweep installs cleared mark
     * bits), so only unmarked slots are tested against {@code free}, and objects allocated black
     * during the mark never are. Returns the object to queue when this call greyed it, else 0
     * (already marked, skipped, or pointer-free and blackened at once).
     */
    private static long greyChecked(MSpan s, long p, ScanSink sink, int free) {
        int idx = s.objIndex(p);
        boolean marked;
        if (free == FREE_NOT_READ) {
            marked = s.tryMark(idx);
        } else if (free == FREE_SKIPPED) {
            marked = s.tryMarkAllocated(idx);
        } else {
            if (s.isMarked(idx)) {
                return 0;
            }
            if (s.isFree(idx)) {
                throw Heap.markingFreeObject(p);
            }
            marked = s.tryMark(idx);
        }
        if (!marked) {
            return 0;
        }
        if (SizeClasses.noscanOf(s.spanclass)) {
            return blackenNoscan(s, idx, sink);
        }
        return s.address(idx);
    }

    /** Go's noscan fast path (span.spanclass.noscan()): the marked object is black at once, never queued. Returns 0. */
    private static long blackenNoscan(MSpan s, int idx, ScanSink sink) {
        ObjectType t = s.typeAt(idx);
        if (t == null) {
            throw noType(s.address(idx));
        }
        sink.blacken(s.address(idx), t.sizeBytes());
        return 0;
    }

    // The failures, out of line: their message building would otherwise be compiled into the
    // hot path and count against its inlining budget.

    private static IllegalArgumentException noType(long obj) {
        return new IllegalArgumentException("no type recorded at 0x" + Long.toHexString(obj));
    }

    private static IllegalArgumentException notAHeapObject(long b) {
        return new IllegalArgumentException("scanobject: 0x" + Long.toHexString(b) + " is not a heap object");
    }
}
