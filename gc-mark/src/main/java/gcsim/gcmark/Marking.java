package gcsim.gcmark;

import gcsim.base.GoThrow;
import gcsim.heap.Heap;
import gcsim.heap.ObjectType;
import gcsim.heap.internal.HeapGcSupport;

/**
 * The marking primitives of mgcmark.go: {@code greyobject}, {@code scanobject},
 * {@code shade}, {@code scanblock} and {@code scanConservative}.
 *
 * <p>Colours: white = unmarked; grey = marked and queued on some
 * {@link GcWork}; black = marked and scanned (or pointer-free: such objects
 * are blackened at once, never queued, as Go's noscan spans are).
 *
 * <p>Two modes share the code, like Go's {@code useCheckmark}:
 * <ul>
 *   <li>normal marking sets the heap's mark bits;
 *   <li>checkmark marking (world stopped, after mark termination) sets the
 *       separate checkmark bits, and throws "checkmark found unmarked object"
 *       when it reaches an object the concurrent mark left white: proof that
 *       concurrent mark missed a reachable object.
 * </ul>
 *
 * <p>Normal marking takes the heap's fused path ({@link HeapGcSupport#scanobject},
 * {@link HeapGcSupport#shade}): findObject, the mark-bit test-and-set and the noscan
 * test in one span lookup per pointer, straight into the gcWork (a
 * {@link gcsim.heap.internal.ScanSink}). Checkmark marking keeps the step-by-step
 * path below, which knows where each pointer came from.
 *
 * <p>Threading: any number of mark workers call these at once, each with its
 * own gcWork; the heap's mark bits are set atomically, so exactly one worker
 * greys each object.
 */
final class Marking {
    /**
     * Where checkmark failures go. {@link #FATAL} is Go's behaviour (throw);
     * a recording sink lets a run report the failure and end cleanly.
     */
    interface CheckmarkFailures {
        /** Go's behaviour: {@code throw("checkmark found unmarked object")}. */
        CheckmarkFailures FATAL = detail -> {
            throw new GoThrow("checkmark found unmarked object", detail);
        };

        /**
         * Called once per reachable object concurrent mark left white. When it
         * returns, the object is marked (repaired) so sweep does not free it.
         */
        void found(String detail);
    }

    private final Heap heap;
    /** The heap's GC door, read once: the fused marking calls go through it per object. */
    private final HeapGcSupport heapGc;
    private final boolean checkmark;
    private final CheckmarkPaths paths;
    private final CheckmarkFailures failures;

    private Marking(Heap heap, boolean checkmark, CheckmarkPaths paths, CheckmarkFailures failures) {
        this.heap = heap;
        this.heapGc = heap.gc();
        this.checkmark = checkmark;
        this.paths = paths;
        this.failures = failures;
    }

    /**
     * Whether this is the checkmark re-mark (the oracle), not the cycle's own mark: pieces
     * broken on purpose ({@code --break}) break the cycle's mark only, never the pass that
     * checks it. Any thread.
     */
    boolean isCheckmark() {
        return checkmark;
    }

    /** The concurrent (or STW) mark: sets mark bits. */
    static Marking normal(Heap heap) {
        return new Marking(heap, false, CheckmarkPaths.NONE, CheckmarkFailures.FATAL);
    }

    /** The checkmark re-mark, fatal on failure as in Go. */
    static Marking checkmark(Heap heap, CheckmarkPaths paths) {
        return checkmark(heap, paths, CheckmarkFailures.FATAL);
    }

    /** The checkmark re-mark: sets checkmark bits, verifies mark bits, records paths for reports. */
    static Marking checkmark(Heap heap, CheckmarkPaths paths, CheckmarkFailures failures) {
        return new Marking(heap, true, paths, failures);
    }

    /**
     * Go's {@code greyobject}: marks the object at {@code base} and queues it
     * for scanning unless it was already marked. {@code from} is the slot or
     * object that pointed at it (0 for a root), kept only for checkmark reports.
     */
    void greyobject(long base, long from, GcWork gcw) {
        if (checkmark) {
            if (!heap.isMarked(base)) {
                failures.found(paths.describe(heap, base, from));
                heapGc.tryMark(base);
            }
            if (!heapGc.tryCheckmark(base)) {
                return;
            }
            paths.record(base, from);
        } else if (!heapGc.tryMark(base)) {
            return;
        }
        gcw.objectsMarked++;
        // Only the caller that marked it looks at the type: most pointers lead to marked objects.
        ObjectType t = heap.typeOf(base);
        if (t.noscan()) {
            gcw.bytesMarked += t.sizeBytes();
            return;
        }
        if (!gcw.putFast(base)) {
            gcw.put(base);
        }
    }

    /**
     * Go's {@code shade} (and the body of scanblock for one word): if
     * {@code p} points into an allocated heap object, grey that object.
     * Interior pointers are resolved with findObject.
     */
    void shade(long p, long from, GcWork gcw) {
        if (!checkmark) {
            heapGc.shade(p, gcw); // findObject + greyobject in one span lookup
            return;
        }
        if (p == 0) {
            return;
        }
        long base = heap.findObject(p);
        if (base != 0) {
            greyobject(base, from, gcw);
        }
    }

    /**
     * Go's {@code scanobject}: blackens the grey object {@code b} by greying
     * everything its pointer words point to, and counts it as marked.
     */
    void scanobject(long b, GcWork gcw) {
        if (!checkmark) {
            // The fused heap path: one span lookup per object and per pointer, words read in place.
            heapGc.scanobject(b, gcw);
            return;
        }
        ObjectType t = heap.typeOf(b);
        int[] ptrWords = t.pointerWords();
        for (int w : ptrWords) {
            long slot = b + ((long) w << 3);
            shade(heap.readWord(slot), b, gcw);
        }
        gcw.scanned(t.sizeBytes(), t.ptrdataBytes());
    }

    /**
     * {@link #scanobject} for gcDrain's loop: scans {@code b} the same way, but returns the last
     * object it greyed, counted and marked but not queued, which a LIFO gcWork would pop next (0
     * when none; always 0 in checkmark mode, which queues everything). The caller scans it next
     * or puts it on {@code gcw} before using gcw for anything else, so that it stays gcw's top:
     * see {@link HeapGcSupport#scanobjectHeld}. Inside gcDrain's loop the heap may scan held
     * and popped objects itself first, for as long as {@link GcWork#scanNext} names the one the
     * loop would scan next.
     */
    long scanobjectHeld(long b, GcWork gcw) {
        if (checkmark) {
            scanobject(b, gcw);
            return 0;
        }
        long held = heapGc.scanobjectHeld(b, gcw);
        if (held != 0) {
            gcw.objectsMarked++; // greyobject's count, which gcw.grey does for the others
        }
        return held;
    }

    /** Scans one root word precisely: {@code slot} is known to hold a pointer. */
    void scanRootSlot(long slot, long value, GcWork gcw) {
        shade(value, slot, gcw);
    }

    /**
     * Go's {@code scanConservative} for one word: the word may or may not be a
     * pointer; if it points into an allocated heap object, keep that object
     * alive. Free slots are never resurrected (findObject returns 0 for them).
     */
    void scanConservativeWord(long slot, long value, GcWork gcw) {
        if (value != 0 && heap.isHeapAddress(value)) {
            shade(value, slot, gcw);
        }
    }
}
