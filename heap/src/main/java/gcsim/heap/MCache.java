package gcsim.heap;

import gcsim.base.GoThrow;
import java.util.Arrays;

/**
 * Go's mcache: a P's private cache of one span per span class, so that most allocations touch no
 * lock and no shared cache line.
 *
 * <p>Owned by one P: only the thread currently running that P allocates through it (one MCache is
 * used by one thread at a time). {@code Heap.flushMCaches} touches it with the world stopped.
 * Every cached span has sweepgen h+3 (swept, then cached) or, after a new sweep cycle started,
 * h+1 (cached before sweep began): the next allocation flushes the cache first (Go's
 * prepareForSweep, which acquirep and mark termination call).
 *
 * <p>The counters are written by the owner only and read by {@link Heap#stats()}.
 */
public final class MCache {
    private final MHeap heap;
    /** The P this cache belongs to. */
    final int p;
    /** Span per span class; {@link MHeap#emptymspan} when none. */
    final MSpan[] alloc = new MSpan[SizeClasses.numSpanClasses];
    /** mheap.sweepgen when this cache was last flushed (Go's flushGen). */
    int flushGen;
    /** Objects and bytes allocated through this cache (Go's local_nsmallalloc etc.). */
    long nmalloc;
    long allocBytes;
    /** Bytes allocated black (marked at allocation) since the collector last took them; the P's. */
    long markedNewBytes;
    /**
     * Go's {@code local_scan}: the scannable bytes (the types' ptrdata) allocated through this
     * cache since it last flushed them into heap_scan ({@link #flushLocalScan}). A plain add per
     * allocation, as Go's mallocgc {@code c.local_scan += scanSize}.
     */
    long localScan;
    /**
     * go1.14's gcmarknewobject {@code gcw.scanWork += scanSize}: the ptrdata of the objects
     * allocated black since mark termination last took them (scan work of the cycle, the P's).
     */
    long markedNewScan;

    MCache(MHeap heap, int p) {
        this.heap = heap;
        this.p = p;
        Arrays.fill(alloc, heap.emptymspan);
        this.flushGen = heap.sweepgen;
    }

    /** The P this cache belongs to. */
    public int p() {
        return p;
    }

    /**
     * Go's nextFreeFast: the index of a free slot found in the allocCache, or -1. Owner only.
     * Updates freeindex, allocCache and allocCount on success.
     */
    static int nextFreeFast(MSpan s) {
        int theBit = Long.numberOfTrailingZeros(s.allocCache);
        if (theBit < 64) {
            int result = s.freeindex + theBit;
            if (result < s.nelems) {
                int freeidx = result + 1;
                if ((freeidx & 63) == 0 && freeidx != s.nelems) {
                    return -1;
                }
                s.allocCache >>>= theBit + 1;
                s.setFreeindex(freeidx);
                s.allocCount++;
                return result;
            }
        }
        return -1;
    }

    /** Go's nextFree: a free slot of span class spc, refilling from mcentral when the span is full. */
    int nextFree(int spc) {
        MSpan s = alloc[spc];
        int freeIndex = s.nextFreeIndex();
        if (freeIndex == s.nelems) {
            // The span is full.
            if (s.allocCount != s.nelems) {
                throw new GoThrow("s.allocCount != s.nelems && freeIndex == s.nelems");
            }
            refill(spc);
            s = alloc[spc];
            freeIndex = s.nextFreeIndex();
        }
        if (freeIndex >= s.nelems) {
            throw new GoThrow("freeIndex is not valid");
        }
        s.allocCount++;
        if (s.allocCount > s.nelems) {
            throw new GoThrow("s.allocCount > s.nelems");
        }
        return freeIndex;
    }

    /**
     * Moves {@link #localScan} into the heap's heap_scan: go1.14's mheap.allocSpan does it
     * ({@code memstats.heap_scan += uint64(mcache.local_scan)}) when it takes the heap lock for a
     * span (always during a GC; outside one, for a large object or when the P's page cache has no
     * room), and freeSpan for the sweeping P's cache. Deliberate difference: gcsim flushes on every
     * refill and large allocation and not on freeSpan; its heap_scan is never behind by more than
     * one span per P and class, and the flush stays once per span. The owner.
     */
    void flushLocalScan() {
        if (localScan != 0) {
            heap.heapScan.addAndGet(localScan);
            localScan = 0;
        }
    }

    /** Go's refill: give back the full span of class spc and take one with a free object. */
    private void refill(int spc) {
        flushLocalScan();
        MSpan s = alloc[spc];
        if (s.allocCount != s.nelems) {
            throw new GoThrow("refill of span with free space remaining");
        }
        if (s != heap.emptymspan) {
            // Mark this span as no longer cached.
            if (s.loadSweepgen() != heap.sweepgen + 3) {
                throw new GoThrow("bad sweepgen in refill");
            }
            s.storeSweepgen(heap.sweepgen);
        }
        MSpan fresh = heap.central[spc].cacheSpan();
        if (fresh == null) {
            throw new GoThrow("out of memory");
        }
        if (fresh.allocCount == fresh.nelems) {
            throw new GoThrow("span has no free space");
        }
        // Not a check of Go's: cacheSpan must hand out a span swept this cycle and owned by
        // nobody else (it once returned one a background sweeper was sweeping).
        int fg = fresh.loadSweepgen();
        if (fg != heap.sweepgen) {
            throw new GoThrow("refill: cacheSpan returned a span not swept for this cycle",
                    "runtime: span sweepgen=" + fg + " mheap.sweepgen=" + heap.sweepgen + " spanclass=" + spc);
        }
        // Indicate that this span is cached and prevent asynchronous sweeping in the next sweep phase.
        fresh.storeSweepgen(heap.sweepgen + 3);
        alloc[spc] = fresh;
    }

    /** Go's releaseAll: return every cached span to its mcentral. */
    void releaseAll() {
        for (int i = 0; i < alloc.length; i++) {
            MSpan s = alloc[i];
            if (s != heap.emptymspan) {
                heap.central[i].uncacheSpan(s);
                alloc[i] = heap.emptymspan;
            }
        }
    }

    /**
     * Go's prepareForSweep: flush the cache if a sweep cycle started since the last flush. Called by
     * the owner before allocating, or by the heap with the world stopped.
     */
    void prepareForSweep() {
        int sg = heap.sweepgen;
        if (flushGen == sg) {
            return;
        }
        if (flushGen != sg - 2) {
            throw new GoThrow("bad flushGen", "bad flushGen " + flushGen + " in prepareForSweep; sweepgen " + sg);
        }
        releaseAll();
        flushGen = sg;
    }
}
