package gcsim.heap;

import gcsim.base.GoThrow;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's mcentral (go1.14): the central list of spans of one span class, shared by all mcaches.
 *
 * <p>Two lists, guarded by {@link #lock}: {@code nonempty} holds spans with at least one free
 * object, {@code empty} spans with no free object or cached in an mcache. Within each list,
 * unswept spans (sweepgen h-2) come first and swept ones are appended at the back, so a search
 * that meets a swept empty span can stop. (Go 1.15 replaced these lists with partial/full
 * swept/unswept span sets; we model go1.14.)
 *
 * <p>Called by mcaches (cacheSpan, uncacheSpan) on their owner's thread and by sweepers
 * (freeSpan) on theirs; any number at once.
 */
final class MCentral {
    private final MHeap heap;
    final int spanclass;
    private final ReentrantLock lock = new ReentrantLock();
    private final MSpanList nonempty = new MSpanList();
    private final MSpanList empty = new MSpanList();

    MCentral(MHeap heap, int spanclass) {
        this.heap = heap;
        this.spanclass = spanclass;
    }

    /**
     * Go's cacheSpan: a span with a free object for an mcache, sweeping unswept spans on the way
     * (allocation sweeps before it uses a span). Returns null only when the heap is exhausted. The
     * caller owns the span's allocation fields afterwards and must set its sweepgen to h+3.
     */
    @Nullable MSpan cacheSpan() {
        int spanBytes = SizeClasses.class_to_allocnpages[SizeClasses.sizeclassOf(spanclass)]
                * SizeClasses._PageSize;
        MSpan s = takeSpan();
        if (s == null) {
            s = grow();
            if (s == null) {
                return null;
            }
            lock.lock();
            try {
                empty.insertBack(s);
            } finally {
                lock.unlock();
            }
        }
        return haveSpan(s, spanBytes);
    }

    /** The list walk of cacheSpan, up to the point where Go would call grow. */
    private @Nullable MSpan takeSpan() {
        lock.lock();
        int sg = heap.sweepgen;
        retry:
        for (;;) {
            for (MSpan s = nonempty.first; s != null; s = s.next) {
                int gen = s.loadSweepgen();
                Consumer<MSpan> hook = heap.takeSpanHookForTest; // test seam, per heap
                if (hook != null) {
                    hook.accept(s);
                }
                if (gen == sg - 2 && s.casSweepgen(sg - 2, sg - 1)) {
                    nonempty.remove(s);
                    empty.insertBack(s);
                    lock.unlock();
                    heap.sweep(s, true);
                    return s;
                }
                // Read sweepgen again, as Go does: if the CAS above lost to a background
                // sweeper, the span is at sg-1 now though gen still says sg-2; taking it
                // would cache a span while it is being swept (its fresh objects then freed).
                if (s.loadSweepgen() == sg - 1) {
                    continue; // the span is being swept by background sweeper, skip
                }
                // we have a nonempty span that does not require sweeping, allocate from it
                nonempty.remove(s);
                empty.insertBack(s);
                lock.unlock();
                return s;
            }
            for (MSpan s = empty.first; s != null; s = s.next) {
                int gen = s.loadSweepgen();
                if (gen == sg - 2 && s.casSweepgen(sg - 2, sg - 1)) {
                    // we have an empty span that requires sweeping,
                    // sweep it and see if we can free some space in it
                    empty.remove(s);
                    empty.insertBack(s); // swept spans are at the end of the list
                    lock.unlock();
                    heap.sweep(s, true);
                    int freeIndex = s.nextFreeIndex();
                    if (freeIndex != s.nelems) {
                        s.setFreeindex(freeIndex);
                        return s;
                    }
                    lock.lock();
                    // the span is still empty after sweep
                    // it is already in the empty list, so just retry
                    continue retry;
                }
                if (s.loadSweepgen() == sg - 1) { // read again: see the nonempty walk
                    continue; // the span is being swept by background sweeper, skip
                }
                // already swept empty span,
                // all subsequent ones must also be either swept or in process of sweeping
                break;
            }
            lock.unlock();
            return null;
        }
    }

    private MSpan haveSpan(MSpan s, int spanBytes) {
        int n = s.nelems - s.allocCount;
        if (n == 0 || s.freeindex == s.nelems || s.allocCount == s.nelems) {
            throw new GoThrow("span has no free objects");
        }
        // Assume all objects from this span will be allocated in the mcache.
        long usedBytes = (long) s.allocCount * s.elemsize;
        heap.heapLive.addAndGet(spanBytes - usedBytes);
        int freeByteBase = s.freeindex & ~63;
        s.refillAllocCache(freeByteBase >>> 3);
        // Adjust the allocCache so that s.freeindex corresponds to the low bit in s.allocCache.
        s.allocCache >>>= s.freeindex & 63;
        return s;
    }

    /** Go's uncacheSpan: return a span from an mcache; sweeps it if it was cached before sweep began. */
    void uncacheSpan(MSpan s) {
        if (s.allocCount == 0) {
            throw new GoThrow("uncaching span but s.allocCount == 0");
        }
        int sg = heap.sweepgen;
        boolean stale = s.loadSweepgen() == sg + 1;
        if (stale) {
            // Span was cached before sweep began. It's our responsibility to sweep it.
            s.storeSweepgen(sg - 1);
        } else {
            s.storeSweepgen(sg);
        }
        int n = s.nelems - s.allocCount;
        if (n > 0) {
            lock.lock();
            try {
                empty.remove(s);
                nonempty.insert(s);
                if (!stale) {
                    // cacheSpan conservatively counted unallocated slots in heap_live. Undo this.
                    heap.heapLive.addAndGet(-(long) n * s.elemsize);
                }
            } finally {
                lock.unlock();
            }
        }
        if (stale) {
            heap.sweep(s, false);
        }
    }

    /**
     * Go's freeSpan: after sweeping s, publish its new sweepgen and move it to the right list, or
     * give it back to the heap when it holds no object. Reports whether s went back to the heap.
     */
    boolean freeSpan(MSpan s, boolean preserve, boolean wasempty) {
        int sg = heap.sweepgen;
        int gen = s.loadSweepgen();
        if (gen == sg + 1 || gen == sg + 3) {
            throw new GoThrow("freeSpan given cached span");
        }
        s.needzero = true;
        if (preserve) {
            // preserve is set only when called from (un)cacheSpan above,
            // the span must be in the empty list.
            if (s.list == null) {
                throw new GoThrow("can't preserve unlinked span");
            }
            s.storeSweepgen(heap.sweepgen);
            return false;
        }
        lock.lock();
        try {
            if (wasempty) {
                empty.remove(s);
                nonempty.insert(s);
            }
            // delay updating sweepgen until here. This is the signal that
            // the span may be used in an mcache.
            s.storeSweepgen(heap.sweepgen);
            if (s.allocCount != 0) {
                return false;
            }
            nonempty.remove(s);
        } finally {
            lock.unlock();
        }
        heap.freeSpan(s);
        return true;
    }

    /** Go's grow: a new span of this class from the heap, or null when out of memory. */
    private @Nullable MSpan grow() {
        int npages = SizeClasses.class_to_allocnpages[SizeClasses.sizeclassOf(spanclass)];
        return heap.allocSpan(npages, spanclass, 0);
    }
}
