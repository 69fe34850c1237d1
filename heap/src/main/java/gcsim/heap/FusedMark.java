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
     * noscan spans); no alloc-bit test unless {@code debugGccheckmark}, as in Go. Returns the
     * bytes scanned (the type's size), for bytesMarked and scan work. {@code table} is the heap's
     * page → span table. The sink's marking thread; {@code b} must be an allocated, marked object.
     */
    static int scanobject(@Nullable MSpan[] table, long b, ScanSink sink, boolean debugGccheckmark) {
        MSpan s = scanSpan(table, b, sink);
        ObjectType t = s.typeOf(b);
        if (t == null) {
            throw noType(b);
        }
        long[] words = s.words;
        long extent = s.limit - s.base;
        int wordBase = s.wordBase + (int) ((b - s.base) >>> 3);
        int free = debugGccheckmark ? FREE_THROWS : FREE_NOT_READ;
        if (t.ptrMaskWhole) {
            // Highest pointer word first (see Order above): clear the top set bit each round.
            for (long m = t.ptrMask; m != 0; ) {
                int w = 63 - Long.numberOfLeadingZeros(m);
                m &= ~(1L << w);
                long p = words[wordBase + w];
                if (p != 0) {
                    greyPointer(table, s, extent, p, sink, free);
                }
            }
        } else {
            int[] ptrWords = t.pointerWords();
            for (int i = ptrWords.length - 1; i >= 0; i--) {
                long p = words[wordBase + ptrWords[i]];
                if (p != 0) {
                    greyPointer(table, s, extent, p, sink, free);
                }
            }
        }
        return t.sizeBytes();
    }

    /**
     * The span of the object {@code b} to scan: the sink's remembered span when it is still in
     * use and holds b (see the class comment), else the page table's, which is then remembered.
     * Throws when b is in no span in use.
     */
    private static MSpan scanSpan(@Nullable MSpan[] table, long b, ScanSink sink) {
        if (sink.scanSpan() instanceof MSpan m && Long.compareUnsigned(b - m.base, m.limit - m.base) < 0
                && m.state == MSpan.mSpanInUse) {
            return m;
        }
        return rememberSpan(table, b, sink);
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
     * findObject's page-table lookup first. One call site per loop, so the JIT inlines the mark
     * path twice, not four times. Size matters here: once scanobject has been compiled on its own,
     * HotSpot inlines it into the drain loop only while its machine code is under InlineSmallCode
     * (2,500 bytes), else the loop calls it. It measured 2.6 KB compiled (C2, JDK 17; 2.1 KB
     * before the span memo), so whether it is inlined depends on which is compiled first.
     */
    private static void greyPointer(@Nullable MSpan[] table, MSpan s, long extent, long p, ScanSink sink, int free) {
        MSpan ps = Long.compareUnsigned(p - s.base, extent) < 0 ? s : spanOfPointer(table, p);
        if (ps != null) {
            greyInSpan(ps, p, sink, free);
        }
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
            greyInSpan(s, p, sink, free);
        }
    }

    /**
     * greyobject for {@code p} in span {@code s}, which is in use and holds p below its limit. A
     * marked slot is allocated (sweep installs cleared mark bits), so only unmarked slots are
     * tested against {@code free}, and objects allocated black during the mark never are.
     */
    private static void greyInSpan(MSpan s, long p, ScanSink sink, int free) {
        int idx = s.objIndex(p);
        boolean marked;
        if (free == FREE_NOT_READ) {
            marked = s.tryMark(idx);
        } else if (free == FREE_SKIPPED) {
            marked = s.tryMarkAllocated(idx);
        } else {
            if (s.isMarked(idx)) {
                return;
            }
            if (s.isFree(idx)) {
                throw Heap.markingFreeObject(p);
            }
            marked = s.tryMark(idx);
        }
        if (!marked) {
            return;
        }
        if (!SizeClasses.noscanOf(s.spanclass)) {
            sink.grey(s.address(idx));
            return;
        }
        // Go's noscan fast path (span.spanclass.noscan()): black at once, never queued.
        ObjectType t = s.typeAt(idx);
        if (t == null) {
            throw noType(s.address(idx));
        }
        sink.blacken(s.address(idx), t.sizeBytes());
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
