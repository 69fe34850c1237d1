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
 * the GC scan one stack at a time. Objects are shaded into the gcWork of the
 * P the storing M holds (Go's per-P wbBuf, flushed into p.gcw); the P's owner
 * is the only thread touching it, and gcMarkDone collects it with the world
 * stopped. A store from a thread that holds no P (test code, set-up before the
 * scheduler starts) shades into a shared, locked gcWork.
 */
final class Barrier implements WriteBarrier {
    private final Marking marking;
    private final GcWork[] perP;
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
        this.marking = marking;
        this.perP = perP;
        this.shared = shared;
        this.breakDeletion = broken.contains(ProtocolPiece.DELETION_BARRIER);
        this.breakInsertion = broken.contains(ProtocolPiece.INSERTION_BARRIER);
    }

    @Override
    public void writePointer(long slot, long oldValue, long newValue) {
        GcWork gcw = ownGcWork();
        if (gcw != null) {
            shadeBoth(gcw, slot, oldValue, newValue);
        } else {
            synchronized (shared) {
                shadeBoth(shared, slot, oldValue, newValue);
            }
        }
    }

    /** Shades one pointer written without a heap store (a direct channel send into a stack). */
    void shade(long ptr) {
        GcWork gcw = ownGcWork();
        if (gcw != null) {
            marking.shade(ptr, 0, gcw);
        } else {
            synchronized (shared) {
                marking.shade(ptr, 0, shared);
            }
        }
    }

    private void shadeBoth(GcWork gcw, long slot, long oldValue, long newValue) {
        // --break deletion-barrier (never Go): the Yuasa half is skipped, so an object whose
        // heap pointer is overwritten while only an already-scanned (black) stack still
        // holds it is never shaded.
        if (!breakDeletion) {
            marking.shade(oldValue, slot, gcw);
        }
        // --break insertion-barrier (never Go): the Dijkstra half is skipped, so an object a
        // goroutine with a not-yet-scanned (grey) stack stores into a black object, and then
        // drops from its stack before the scan, is never shaded.
        if (!breakInsertion) {
            marking.shade(newValue, slot, gcw);
        }
    }

    /** The calling M's P's gcWork (Go's getg().m.p.ptr().gcw), or null off the scheduler. */
    @Nullable
    GcWork ownGcWork() {
        M m = M.getm();
        P p = m == null ? null : m.p();
        return p == null ? null : perP[p.id()];
    }
}
