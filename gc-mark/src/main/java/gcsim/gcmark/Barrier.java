package gcsim.gcmark;

import gcsim.goroutines.M;
import gcsim.goroutines.P;
import gcsim.goroutines.ProtocolPiece;
import gcsim.heap.internal.WriteBarrier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The hybrid write barrier of Go 1.8 (proposal 17503, mbarrier.go), installed
 * as the heap's {@link WriteBarrier} while the GC marks:
 *
 * <pre>
 * writePointer(slot, ptr):
 *     shade(*slot)   // deletion (Yuasa): what the heap loses stays alive
 *     shade(ptr)     // insertion (Dijkstra): Go shades it whenever the current
 *                    // stack may be grey, which its implementation takes as always
 *     *slot = ptr
 * </pre>
 *
 * With it, stacks need no re-scan at mark termination, which is what lets
 * the GC scan one stack at a time.
 *
 * <p><b>Buffered, as Go's gcWriteBarrier.</b> A store on an M that holds a P does not shade
 * at once: it records both pointers in the P's {@link WbBuf} ({@code putFast}); the one
 * that fills the buffer flushes it ({@link #wbBufFlush} -> {@link #wbBufFlush1}: each
 * pointer's object is found, skipped if marked, else marked and queued on the P's gcWork).
 * Until a flush, buffered pointers are grey in all but name, so gcMarkDone flushes every P's
 * buffer in its ragged barrier and again with the world stopped ({@link MarkDone}). Only the
 * P's owner touches its buffer and gcWork (or forEachP's caller while the P is idle, or the
 * collector with the world stopped).
 *
 * <p>Deliberate difference: a store from a thread that holds no P (test code, set-up before
 * the scheduler starts) has no wbBuf: it shades at once into a shared, locked gcWork, which
 * gcMarkDone flushes beside the Ps'. Go has no such caller. Go's {@code m.dying} discard and
 * cgocheck are not modelled; Go's checkmark slow path in wbBufFlush1 is not needed (the
 * barrier is off during our checkmark pass, which re-marks with its own {@link Marking}).
 */
final class Barrier implements WriteBarrier {
    /** Go's minLegalPointer: smaller values (nil above all, common as old values) are filtered out at once. */
    static final long MIN_LEGAL_POINTER = 4096;

    private final Marking marking;
    private final GcWork[] perP;
    /** Go's p.wbBuf, indexed by P id like {@link #perP}. */
    private final WbBuf[] wbBufs;
    private final GcWork shared;
    /** {@code --break deletion-barrier}: the overwritten pointer is not shaded (never Go). */
    private final boolean breakDeletion;
    /** {@code --break insertion-barrier}: the stored pointer is not shaded (never Go). */
    private final boolean breakInsertion;

    /** The whole hybrid barrier (nothing broken). */
    Barrier(Marking marking, GcWork[] perP, GcWork shared) {
        this(marking, perP, shared, java.util.Set.of());
    }

    /**
     * The barrier with the halves in {@code broken} (the run's
     * {@link gcsim.goroutines.SchedConfig#broken()}, which never changes) left out.
     * Built by the {@link Collector}'s constructor.
     */
    Barrier(Marking marking, GcWork[] perP, GcWork shared, java.util.Set<ProtocolPiece> broken) {
        this(marking, perP, shared, broken, WbBuf.WB_BUF_ENTRIES);
    }

    /** As above with per-P buffers of {@code wbBufEntries} entries (tests: Go's testSmallBuf). */
    Barrier(Marking marking, GcWork[] perP, GcWork shared, java.util.Set<ProtocolPiece> broken, int wbBufEntries) {
        this.marking = marking;
        this.perP = perP;
        this.wbBufs = new WbBuf[perP.length];
        for (int i = 0; i < wbBufs.length; i++) {
            wbBufs[i] = new WbBuf(wbBufEntries);
        }
        this.shared = shared;
        this.breakDeletion = broken.contains(ProtocolPiece.DELETION_BARRIER);
        this.breakInsertion = broken.contains(ProtocolPiece.INSERTION_BARRIER);
    }

    @Override
    public void writePointer(long slot, long oldValue, long newValue) {
        int pid = ownP();
        if (pid >= 0) {
            // --break deletion-barrier (never Go): the Yuasa half is not recorded (nil instead),
            // so an object whose heap pointer is overwritten while only an already-scanned
            // (black) stack still holds it is never shaded.
            // --break insertion-barrier (never Go): the Dijkstra half is not recorded, so an
            // object a goroutine with a not-yet-scanned (grey) stack stores into a black
            // object, and then drops from its stack before the scan, is never shaded.
            if (!wbBufs[pid].putFast(breakDeletion ? 0 : oldValue, breakInsertion ? 0 : newValue)) {
                wbBufFlush(pid);
            }
        } else {
            synchronized (shared) {
                shadeBoth(shared, slot, oldValue, newValue);
            }
        }
    }

    /**
     * Shades one pointer written without a heap store (a direct channel send into a stack): Go's
     * sendDirect runs typeBitsBulkBarrier, which puts the pair into the P's wbBuf; the receiver's
     * old slot value is not known here, so the entry's old half is nil.
     */
    void shade(long ptr) {
        int pid = ownP();
        if (pid >= 0) {
            if (!wbBufs[pid].putFast(0, ptr)) {
                wbBufFlush(pid);
            }
        } else {
            synchronized (shared) {
                marking.shade(ptr, 0, shared);
            }
        }
    }

    private void shadeBoth(GcWork gcw, long slot, long oldValue, long newValue) {
        if (!breakDeletion) { // see writePointer
            marking.shade(oldValue, slot, gcw);
        }
        if (!breakInsertion) {
            marking.shade(newValue, slot, gcw);
        }
    }

    /**
     * Go's wbBufFlush: the slow path of the barrier whose putFast filled the P's buffer; flushes
     * it to the P's gcWork before the store goes ahead. The P's owner (mp's thread, in the
     * barrier).
     */
    void wbBufFlush(int pid) {
        wbBufFlush1(pid);
    }

    /**
     * Go's wbBufFlush1: flushes P {@code pid}'s write-barrier buffer to its gcWork: for each
     * buffered pointer, filter out nil and other obvious non-heap values, find the object,
     * skip it if marked, else mark it and queue it (a noscan object is black at once: only its
     * bytes are counted). Go marks the whole buffer first and then queues the greyed objects
     * with one {@code putBatch}; the heap's fused shade here marks and queues each in one span
     * lookup, which queues the same objects. Returns how many objects this flush greyed or
     * blackened (gcsim: the tests' measure of a flush that mattered). The thread that holds P
     * {@code pid}: its M, forEachP's caller for an idle P, or the collector with the world
     * stopped.
     */
    int wbBufFlush1(int pid) {
        WbBuf b = wbBufs[pid];
        GcWork gcw = perP[pid];
        long marked0 = gcw.objectsMarked;
        // Get the buffered pointers, and poison the buffer to make extra sure nothing is
        // enqueued while we're processing it.
        int n = b.takeForFlush();
        long[] ptrs = b.buf;
        for (int i = 0; i < n; i++) {
            long ptr = ptrs[i];
            if (Long.compareUnsigned(ptr, MIN_LEGAL_POINTER) < 0) {
                // nil pointers are very common, especially for the "old" values.
                continue;
            }
            marking.shade(ptr, 0, gcw); // findObject; marked: skip; else mark, grey (or blacken noscan)
        }
        b.reset();
        return (int) (gcw.objectsMarked - marked0);
    }

    /** P {@code pid}'s buffer (tests, and the collector with the world stopped). */
    WbBuf wbBuf(int pid) {
        return wbBufs[pid];
    }

    /** The calling M's P's gcWork (Go's getg().m.p.ptr().gcw), or null off the scheduler. */
    @Nullable
    GcWork ownGcWork() {
        int pid = ownP();
        return pid < 0 ? null : perP[pid];
    }

    /** The id of the calling M's P (Go's getg().m.p), or -1 off the scheduler (no M, or an M without a P). */
    private static int ownP() {
        M m = M.getm();
        P p = m == null ? null : m.p();
        return p == null ? -1 : p.id();
    }
}
