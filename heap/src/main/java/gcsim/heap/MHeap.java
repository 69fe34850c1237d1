package gcsim.heap;

import gcsim.base.GoThrow;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's mheap: the page heap (arenas cut into 8 KiB pages, spans of pages), the mcentrals, the
 * sweep state (sweepgen, the two sweepSpans sets) and the global counters of memstats.
 *
 * <p>{@link #lock} guards page allocation, the arena table's growth, the spans table entries and
 * {@link #allspans}. Sweep needs no heap lock: the sweepgen CAS gives one thread a span.
 *
 * <p>We differ from Go on purpose in page allocation: go1.14's pageAlloc is a radix tree of
 * summaries over a bitmap; here each arena has a page bitmap searched first-fit from a hint. Span
 * allocation is rare next to object allocation, so the simpler search is good enough.
 */
final class MHeap {
    final int maxArenas;
    /** Arena i covers [ARENA_BASE + i*64 MiB, +64 MiB); filled in order, under the lock. */
    final @Nullable HeapArena[] arenas;
    final ReentrantLock lock = new ReentrantLock();
    final MCentral[] central = new MCentral[SizeClasses.numSpanClasses];
    final MSpan emptymspan;
    /**
     * The page → span table over all arenas: entry i is the span owning page i counted from
     * ARENA_BASE, or null. Written under the lock; it keeps pointing at a span after the span is
     * freed (the span's state then says mSpanDead; Go's spanOf may return a dead span too). Grows
     * by copying when an arena is added, so its length is also the end of the mapped heap.
     */
    volatile @Nullable MSpan[] pageSpans = new MSpan[0];
    /**
     * Go's mheap_.sweepgen: +2 per GC cycle (startSweepCycle, world stopped). Read by any thread;
     * see {@link MSpan} for what span sweepgens mean relative to it.
     */
    volatile int sweepgen;
    /** Go's sweepdone: set when sweepone found nothing left to sweep this cycle. */
    volatile boolean sweepdone = true;
    final AtomicInteger sweepers = new AtomicInteger();
    final GcSweepBuf[] sweepSpans = {new GcSweepBuf(), new GcSweepBuf()};
    /**
     * Every in-use span (Go's allspans lists every mspan struct ever made, but Go recycles the
     * structs; we never reuse a span object, so we drop dead ones to stay bounded). Guarded by the
     * lock, copied for readers; a span's {@link MSpan#allspansIndex} is its slot.
     */
    private @Nullable MSpan[] allspans = new MSpan[64];
    private int nspans;
    private int arenaCount;
    /** Lowest page (global index) that may be free; guarded by the lock. */
    private long searchPage;

    // memstats
    final AtomicLong heapLive = new AtomicLong();
    /**
     * go1.14's {@code memstats.heap_scan}: the scannable bytes (ptrdata) of the heap, as far as
     * the mcaches have flushed their {@code localScan} into it ({@link MCache}); mark termination
     * replaces it with the cycle's scan work ({@code Heap.setHeapScan}). Updated once per span an
     * mcache takes, never per allocation.
     */
    final AtomicLong heapScan = new AtomicLong();
    /**
     * Go's mheap_.pagesSwept: pages swept this cycle, added by every sweeper and zeroed by
     * gcSweep. One atomic word, as Go's ({@code atomic.Xadd64}): a LongAdder's reset walks its
     * cells through VarHandles, JDK code that a once-per-cycle caller leaves interpreted; it cost
     * about 10 µs of gcSweep, with the world stopped, once the rest of the stopped path was
     * compiled.
     */
    final AtomicLong pagesSwept = new AtomicLong();
    final LongAdder nfree = new LongAdder();
    final LongAdder freedBytes = new LongAdder();
    final AtomicLong spansInUse = new AtomicLong();

    /**
     * Test seam, per heap (never static): called in {@link MCentral}'s cacheSpan walk of the
     * nonempty list between the read of a span's sweepgen and the CAS that claims it, so a test can
     * play the background sweeper that wins the span there. Null in production (one volatile read
     * per span walked). Set with {@link #setTakeSpanHookForTest}.
     */
    volatile @Nullable Consumer<MSpan> takeSpanHookForTest;

    MHeap(int maxArenas) {
        this.maxArenas = maxArenas;
        this.arenas = new HeapArena[maxArenas];
        this.emptymspan = MSpan.emptymspan();
        for (int i = 0; i < central.length; i++) {
            central[i] = new MCentral(this, i);
        }
    }

    /**
     * Tests only: installs (null removes) this heap's cacheSpan seam ({@link #takeSpanHookForTest}).
     * The test thread, any time; it affects no other heap.
     */
    void setTakeSpanHookForTest(@Nullable Consumer<MSpan> hook) {
        takeSpanHookForTest = hook;
    }

    long heapSys() {
        lock.lock();
        try {
            return (long) arenaCount * Heap.heapArenaBytes;
        } finally {
            lock.unlock();
        }
    }

    // ---- span allocation ----

    /**
     * Go's mheap.alloc: a new in-use span of {@code npages} pages for span class {@code spanclass}
     * ({@code largeSize} is the object size when the class is 0), swept for this cycle and on the
     * swept list. Null when the address space is exhausted. Any thread.
     */
    @Nullable MSpan allocSpan(int npages, int spanclass, int largeSize) {
        lock.lock();
        try {
            long page = findPages(npages);
            if (page < 0) {
                return null;
            }
            HeapArena arena = arenaFor(page);
            int first = (int) (page % Heap.pagesPerArena);
            boolean needzero = arena.anyDirty(first, npages);
            arena.setPages(first, npages, true);
            long base = arena.base + ((long) first << SizeClasses._PageShift);
            MSpan s = new MSpan(arena, base, npages, spanclass, largeSize, needzero, sweepgen);
            @Nullable MSpan[] table = pageSpans;
            int firstPage = (int) page;
            for (int i = 0; i < npages; i++) {
                table[firstPage + i] = s;
            }
            addToAllspans(s);
            spansInUse.incrementAndGet();
            sweepSpans[(sweepgen >>> 1) & 1].push(s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Go's mheap.freeSpan: the span's pages become free (and dirty); the span is dead. Any thread. */
    void freeSpan(MSpan s) {
        lock.lock();
        try {
            if (s.state != MSpan.mSpanInUse) {
                throw new GoThrow("mheap.freeSpanLocked - invalid free");
            }
            s.state = MSpan.mSpanDead;
            removeFromAllspans(s);
            int first = (int) ((s.base - s.arena.base) >>> SizeClasses._PageShift);
            s.arena.setPages(first, s.npages, false);
            long page = (long) s.arena.index * Heap.pagesPerArena + first;
            searchPage = Math.min(searchPage, page);
            spansInUse.decrementAndGet();
        } finally {
            lock.unlock();
        }
    }

    /** Global index of the first page of a free run of npages, growing the heap if needed; -1 if full. */
    private long findPages(int npages) {
        for (int a = (int) (searchPage / Heap.pagesPerArena); a < arenaCount; a++) {
            HeapArena arena = arenaAt(a);
            int from = a == searchPage / Heap.pagesPerArena ? (int) (searchPage % Heap.pagesPerArena) : 0;
            int first = arena.findFreeRun(from, npages);
            if (first >= 0) {
                if (npages == 1 && first == from) {
                    searchPage = (long) a * Heap.pagesPerArena + first + 1;
                }
                return (long) a * Heap.pagesPerArena + first;
            }
        }
        if (arenaCount == maxArenas) {
            return -1;
        }
        // Go's mheap.grow: reserve a new arena.
        HeapArena fresh = new HeapArena(arenaCount);
        arenas[arenaCount++] = fresh;
        pageSpans = Arrays.copyOf(pageSpans, arenaCount * Heap.pagesPerArena);
        return (long) fresh.index * Heap.pagesPerArena;
    }

    private HeapArena arenaFor(long page) {
        return arenaAt((int) (page / Heap.pagesPerArena));
    }

    private HeapArena arenaAt(int i) {
        HeapArena a = arenas[i];
        if (a == null) {
            throw new GoThrow("arena not mapped");
        }
        return a;
    }

    private void addToAllspans(MSpan s) {
        if (nspans == allspans.length) {
            allspans = Arrays.copyOf(allspans, nspans * 2);
        }
        s.allspansIndex = nspans;
        allspans[nspans++] = s;
    }

    /** Swap-remove of a span that died. Heap lock. */
    private void removeFromAllspans(MSpan s) {
        MSpan last = allspans[--nspans];
        if (last == null) {
            throw new GoThrow("allspans corrupted");
        }
        allspans[s.allspansIndex] = last;
        last.allspansIndex = s.allspansIndex;
        allspans[nspans] = null;
    }

    /** A snapshot of the in-use spans. Any thread. */
    MSpan[] allspans() {
        lock.lock();
        try {
            @Nullable MSpan[] copy = Arrays.copyOf(allspans, nspans);
            @SuppressWarnings("nullness") // the first nspans entries are set
            MSpan[] spans = copy;
            return spans;
        } finally {
            lock.unlock();
        }
    }

    // ---- sweep ----

    /**
     * Go's gcSweep (the part that starts a cycle): sweepgen += 2, so every in-use span becomes
     * "needs sweeping" and the swept list of the last cycle becomes this cycle's unswept list. World
     * stopped, after mark termination; the previous cycle's sweep must be finished.
     */
    void startSweepCycle() {
        lock.lock();
        try {
            sweepgen += 2;
            sweepdone = false;
            if (sweepSpans[(sweepgen >>> 1) & 1].numBlocks() != 0) {
                // We should have drained this list during the last sweep phase.
                throw new GoThrow("non-empty swept list");
            }
            pagesSwept.set(0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's sweepone: claims one unswept span (CAS sweepgen h-2 → h-1) and sweeps it. Returns the
     * number of pages returned to the heap (0 if the span stays in use), or -1 when nothing was left.
     * Any number of threads at once.
     */
    long sweepone() {
        if (sweepdone) {
            return -1;
        }
        // Go makes sweepone non-preemptible (m.locks++) before it reads sweepdone and
        // sweepgen, so no stop-the-world, and so no finishsweep_m or new sweep cycle,
        // can fall between that read and the pops. A background sweeper here is a plain
        // thread the world does not stop: it enters under the heap lock instead, which
        // startSweepCycle also holds, so the sweepgen it pops with is the current one.
        // (A sweeper that read sweepdone == false before finishSweep and an old sweepgen
        // after it popped this cycle's swept list with the last cycle's sweepgen, dropped
        // freshly swept spans from the lists and set sweepdone for a sweep never done.)
        int sg;
        lock.lock();
        try {
            if (sweepdone) {
                return -1;
            }
            sweepers.incrementAndGet();
            sg = sweepgen;
        } finally {
            lock.unlock();
        }
        MSpan s;
        for (;;) {
            MSpan popped = sweepSpans[1 - ((sg >>> 1) & 1)].pop();
            if (popped == null) {
                sweepdone = true;
                s = null;
                break;
            }
            int gen = popped.loadSweepgen();
            if (popped.state != MSpan.mSpanInUse) {
                // This can happen if direct sweeping already swept this span, but in that case
                // the sweep generation should always be up-to-date.
                if (!(gen == sg || gen == sg + 3)) {
                    throw new GoThrow("non in-use span in unswept list", "runtime: bad span s.state="
                            + popped.state + " s.sweepgen=" + gen + " sweepgen=" + sg);
                }
                continue;
            }
            if (gen == sg - 2 && popped.casSweepgen(sg - 2, sg - 1)) {
                s = popped;
                break;
            }
        }
        long npages = -1;
        if (s != null) {
            npages = sweep(s, false) ? s.npages : 0;
        }
        sweepers.decrementAndGet();
        return npages;
    }

    /** Go's finishsweep_m: sweep every span still unswept. World stopped. */
    void finishSweep() {
        while (sweepone() != -1) {
            // keep sweeping
        }
        // The list is empty, but a concurrent sweeper may still be sweeping the span it
        // popped. In Go the world being stopped excludes it (sweepers run on Gs); here a
        // background sweeper is a plain thread, so wait for it, as Go 1.15's sweep.active
        // does: marking must not begin while a span's mark bits are being swapped.
        while (sweepers.get() != 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * Go's mspan.sweep: free the unmarked objects of s (poisoning their words), make the mark bits
     * the alloc bits, take fresh mark bits, and hand s to its mcentral or back to the heap. The
     * caller won the CAS that set s.sweepgen to h-1. Returns true if s went back to the heap.
     * With preserve, s is neither returned nor relinked (cacheSpan does that).
     */
    boolean sweep(MSpan s, boolean preserve) {
        int sg = sweepgen;
        if (s.state != MSpan.mSpanInUse || s.loadSweepgen() != sg - 1) {
            throw new GoThrow("mspan.sweep: bad span state", badSpanState(s, sg));
        }
        pagesSwept.addAndGet(s.npages);
        int nalloc = s.countAlloc();
        boolean freeToHeap = false;
        if (s.sizeclass() == 0 && nalloc == 0) {
            s.needzero = true;
            freeToHeap = true;
        }
        int nfreed = s.allocCount - nalloc;
        if (nalloc > s.allocCount) {
            throw new GoThrow("sweep increased allocation count", "runtime: nelems=" + s.nelems
                    + " nalloc=" + nalloc + " previous allocCount=" + s.allocCount + " nfreed=" + nfreed);
        }
        poisonFreed(s, nfreed);
        // Go: wasempty := s.nextFreeIndex() == s.nelems. No slot at or after freeindex is free
        // exactly when every slot is allocated; we test that instead of advancing freeindex over
        // the old alloc bits, which a concurrent isFree could observe.
        boolean wasempty = s.allocCount == s.nelems;
        s.allocCount = nalloc;
        // gcmarkBits becomes the allocBits; get cleared gcmarkBits for the next GC.
        // (Go resets freeindex first; we publish the new allocBits first so a concurrent isFree
        // never pairs freeindex 0 with the old allocBits.)
        s.rotateBits();
        s.setFreeindex(0);
        s.refillAllocCache(0);
        if (freeToHeap || nfreed == 0) {
            // The span must be in our exclusive ownership until we update sweepgen.
            if (s.state != MSpan.mSpanInUse || s.loadSweepgen() != sg - 1) {
                throw new GoThrow("mspan.sweep: bad span state after sweep", badSpanState(s, sg));
            }
            s.storeSweepgen(sg);
        }
        boolean res = false;
        if (nfreed > 0 && s.sizeclass() != 0) {
            countFrees(nfreed, (long) nfreed * s.elemsize);
            res = central[s.spanclass].freeSpan(s, preserve, wasempty);
        } else if (freeToHeap) {
            countFrees(1, s.elemsize);
            freeSpan(s);
            res = true;
        }
        if (!res) {
            // The span has been swept and is still in-use, so put it on the swept in-use list.
            sweepSpans[(sg >>> 1) & 1].push(s);
        }
        return res;
    }

    /**
     * Fills every object that this sweep frees with {@link Heap#POISON} (Go's debug.clobberfree,
     * always on here) and forgets its type. An object is freed when it was allocated (below
     * freeindex, or its alloc bit set) and is not marked.
     */
    private void poisonFreed(MSpan s, int nfreed) {
        if (nfreed == 0) {
            return;
        }
        long[] alloc = s.allocBits;
        long[] mark = s.gcmarkBits;
        int freeindex = s.freeindex;
        long[] words = s.arena.words;
        int wordsPerElem = s.elemsize >>> 3;
        int poisoned = 0;
        for (int w = 0; w < mark.length; w++) {
            long freed = (alloc[w] | belowFreeindex(w, freeindex)) & ~mark[w];
            if (w == mark.length - 1 && (s.nelems & 63) != 0) {
                freed &= (1L << s.nelems) - 1; // no objects past nelems
            }
            // One fill per run of adjacent freed objects (a wholly dead span is one fill).
            while (freed != 0) {
                int start = Long.numberOfTrailingZeros(freed);
                int len = Long.numberOfTrailingZeros(~(freed >>> start));
                int first = (w << 6) + start;
                int from = s.wordBase + first * wordsPerElem;
                Arrays.fill(words, from, from + len * wordsPerElem, Heap.POISON);
                s.clearTypes(first, first + len);
                poisoned += len;
                freed &= len == 64 ? 0 : ~(((1L << len) - 1) << start);
            }
        }
        if (poisoned != nfreed) {
            throw new GoThrow("sweep: freed objects disagree with allocCount",
                    "runtime: nfreed=" + nfreed + " found=" + poisoned + " " + s);
        }
    }

    /** The bits of alloc-bitmap word w whose object index is below freeindex. */
    private static long belowFreeindex(int w, int freeindex) {
        int n = freeindex - (w << 6);
        if (n <= 0) {
            return 0;
        }
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    private void countFrees(long objects, long bytes) {
        nfree.add(objects);
        freedBytes.add(bytes);
    }

    private static String badSpanState(MSpan s, int sg) {
        return "mspan.sweep: state=" + s.state + " sweepgen=" + s.loadSweepgen() + " mheap.sweepgen=" + sg;
    }
}
