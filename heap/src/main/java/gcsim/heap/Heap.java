package gcsim.heap;

import gcsim.base.GoThrow;
import gcsim.heap.internal.GcTriggerHook;
import gcsim.heap.internal.PacerHook;
import gcsim.heap.internal.HeapGcSupport;
import gcsim.heap.internal.ScanSink;
import gcsim.heap.internal.WriteBarrier;
import java.util.Arrays;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The simulated, concurrent heap (Go's mheap_, mcache, mcentral, heap bitmap and memstats behind
 * one facade).
 *
 * <p><b>Memory.</b> Addresses are {@code long}s; 0 is nil. Arenas of 64 MiB start at
 * {@link #ARENA_BASE} and are allocated lazily as the heap grows; each holds its words in one
 * {@code long[]} and has a page → span table. Spans are runs of 8 KiB pages holding objects of one
 * of Go's size classes (up to 32 KiB) or one large object.
 *
 * <p><b>Allocation</b> ({@link #allocate}) goes mcache → mcentral → mheap as in Go: a P's mcache
 * hands out slots of its cached span without locks; a full span is exchanged at its class's
 * mcentral, which sweeps unswept spans before it hands them out and grows from the page heap.
 * Different mcaches may allocate concurrently; one mcache is used by one thread at a time.
 *
 * <p><b>Marking.</b> {@link #findObject} maps any address inside an allocated object to its base
 * in O(1) (page table, then Go's divMagic multiply/shift). {@code tryMark} (the collector's, through
 * {@link #gc()}) sets the object's mark bit atomically and says whether this call set it. With allocate-black on, new objects are
 * marked at allocation.
 *
 * <p><b>Sweeping</b> follows Go's sweepgen protocol (see {@link MSpan}):
 * {@code startSweepCycle} with the world stopped, then {@code sweepOne} from any number of
 * threads, allocation sweeping what it is about to use, and {@code finishSweep}. Freed objects
 * are filled with {@link #POISON}.
 *
 * <p><b>GC-only operations</b> (the cycle order below, the sweeper, marking, checkmark mode, the
 * trigger hook) are package-private: the collector calls them through this heap's
 * {@link HeapGcSupport} ({@link #gc()}), whose package {@code gcsim.heap.internal} is a lower layer
 * this package builds on (it names nothing here) and is exported to gc-mark alone.
 *
 * <p><b>Cycle order</b> for a collector, world stopped at each step marked (W):
 * (W) finishSweep, flushMCaches, setAllocateBlack(true), install the write barrier; concurrent
 * mark; (W) setAllocateBlack(false), remove the barrier, setHeapMarked(bytes marked),
 * startSweepCycle; concurrent sweep.
 */
public final class Heap {
    /** Go's first arena hint on amd64 (CONTRACTS.md). */
    public static final long ARENA_BASE = 0x00c0_0000_0000L;
    /** Go's heapArenaBytes on 64-bit Linux. */
    public static final int heapArenaBytes = 64 << 20;
    static final int heapArenaWords = heapArenaBytes >>> 3;
    static final int logHeapArenaBytes = 26;
    public static final int pageSize = SizeClasses._PageSize;
    static final int pagesPerArena = heapArenaBytes / pageSize;
    /** Go's _MaxSmallSize: larger objects get a span of their own. */
    public static final int maxSmallSize = SizeClasses._MaxSmallSize;
    /** Go's minLegalPointer. */
    public static final long minLegalPointer = 4096;
    /**
     * The pattern sweep writes into every word of a freed object: Go's debug.clobberfree value
     * 0xdeadbeef, repeated to 64 bits.
     */
    public static final long POISON = 0xdead_beef_dead_beefL;
    /** Go's defaultHeapMinimum: 4 MiB, scaled by GOGC/100. */
    public static final long defaultHeapMinimum = 4 << 20;
    /** go1.14's initial triggerRatio (gcinit), kept fixed: we have no pacer feedback yet. */
    static final double triggerRatio = 7 / 8.0;

    private final HeapConfig config;
    private final MHeap h;
    private final @Nullable HeapArena[] arenas;
    /** See {@link #setDebugGccheckmark}. */
    private boolean debugGccheckmark;
    private final long arenaSpaceBytes;
    private final MCache[] mcaches;
    private final Globals globals = new Globals();
    private volatile boolean allocateBlack;
    private volatile @Nullable WriteBarrier writeBarrier;
    private volatile @Nullable GcTriggerHook gcTriggerHook;
    /** go1.18+'s pacer inputs ({@link #setPacerHook}); null: go1.14's goal and trigger. */
    private volatile @Nullable PacerHook pacerHook;
    private final long heapminimum;
    private volatile long heapMarked;
    private volatile long heapGoal;
    private volatile long gcTrigger;
    /**
     * The collector's door to this heap; see {@link #gc()}. Made with the heap; the heap is still
     * being constructed then, and the view reads it only once called.
     */
    private final @NotOnlyInitialized HeapGcView gc;

    // The GC-only operations below are package-private; gc-mark reaches them through gc()
    // (type in gcsim.heap.internal, exported to gcsim.gcmark alone).

    /** A heap with {@code config.procs()} mcaches and no arena yet. */
    public Heap(HeapConfig config) {
        this.config = config;
        this.h = new MHeap(config.maxArenas());
        this.arenas = h.arenas;
        this.arenaSpaceBytes = (long) config.maxArenas() * heapArenaBytes;
        this.mcaches = new MCache[config.procs()];
        for (int p = 0; p < mcaches.length; p++) {
            mcaches[p] = new MCache(h, p);
        }
        this.gc = new HeapGcView(this);
        this.heapminimum = config.gogc() >= 0 ? defaultHeapMinimum * config.gogc() / 100 : Long.MAX_VALUE;
        gcinitPacing(this);
        h.heapLive.set(0);
    }

    /** Go's gcinit: heap_marked = heapminimum / (1 + triggerRatio), then gcSetTriggerRatio. */
    // The constructor only, once every field is assigned. setHeapMarked reads config, h and
    // heapminimum, all set by then; the Checker nevertheless types the heap as under
    // initialization from the moment it is handed to its collector view (the gc field, which
    // only keeps it), so this one call, not the whole constructor, is exempt from that check.
    @SuppressWarnings("nullness:method.invocation") // initialization only: see above
    private static void gcinitPacing(@UnderInitialization Heap heap) {
        heap.setHeapMarked((long) (heap.heapminimum / (1 + triggerRatio)));
    }

    public HeapConfig config() {
        return config;
    }

    /** P p's cache. The thread running P p uses it; see {@link MCache}. */
    public MCache mcache(int p) {
        return mcaches[p];
    }

    public Globals globals() {
        return globals;
    }

    /**
     * The collector's view of this heap: the operations only the garbage collector may use. Any
     * thread; the same instance every time (callers on hot paths keep it in a final field). Its
     * type is in {@code gcsim.heap.internal}, which the module exports to gc-mark alone: other
     * modules cannot use what they get.
     */
    public HeapGcSupport gc() {
        return gc;
    }

    // ---- allocation ----

    /**
     * Go's mallocgc: allocates a zeroed object of type t from c and returns its base address. The
     * caller is the thread running c's P. Marks the object when allocate-black is on. Throws
     * {@code GoThrow("out of memory")} when the arenas are exhausted.
     */
    public long allocate(MCache c, ObjectType t) {
        if (c.flushGen != h.sweepgen) {
            c.prepareForSweep();
        }
        int spc = t.spanClass;
        MSpan s;
        int idx;
        boolean shouldhelpgc = false;
        if (spc >= 0) {
            s = c.alloc[spc];
            idx = MCache.nextFreeFast(s);
            if (idx < 0) {
                idx = c.nextFree(spc);
                s = c.alloc[spc];
                shouldhelpgc = true;
            }
        } else {
            c.flushLocalScan(); // mheap.allocSpan's flush under the heap lock
            s = largeAlloc(t);
            idx = 0;
            shouldhelpgc = true;
        }
        if (s.needzero) {
            int from = s.wordBase + idx * (s.elemsize >>> 3);
            Arrays.fill(s.arena.words, from, from + (s.elemsize >>> 3), 0L);
        }
        s.setType(idx, t);
        c.localScan += t.ptrdata; // Go's c.local_scan += scanSize (typ.ptrdata; 0 for noscan)
        if (allocateBlack) {
            s.tryMark(idx); // Go's gcmarknewobject
            c.markedNewBytes += s.elemsize; // its gcw.bytesMarked += size (the P's)
            c.markedNewScan += t.ptrdata; // and go1.14's gcw.scanWork += scanSize
        }
        c.nmalloc++;
        c.allocBytes += s.elemsize;
        if (shouldhelpgc) {
            testTrigger();
        }
        return s.address(idx);
    }

    /** Go's largeAlloc: a span of its own for one object larger than 32 KiB. */
    private MSpan largeAlloc(ObjectType t) {
        int size = t.sizeBytes();
        int npages = size >>> SizeClasses._PageShift;
        if ((size & SizeClasses._PageMask) != 0) {
            npages++;
        }
        if (!h.sweepdone) {
            reclaim(npages);
        }
        MSpan s = h.allocSpan(npages, SizeClasses.makeSpanClass(0, t.noscan()), size);
        if (s == null) {
            throw new GoThrow("out of memory");
        }
        s.setFreeindex(1);
        s.allocCount = 1;
        h.heapLive.addAndGet((long) npages << SizeClasses._PageShift);
        return s;
    }

    /**
     * Go's mheap.reclaim: sweep until npages pages went back to the heap or nothing is left. We
     * differ: Go scans its page-mark bitmap for spans with no marked object; we sweep spans in
     * list order, which frees the same pages but may sweep more spans first.
     */
    private void reclaim(int npages) {
        long reclaimed = 0;
        while (reclaimed < npages) {
            long n = h.sweepone();
            if (n < 0) {
                return;
            }
            reclaimed += n;
        }
    }

    private void testTrigger() {
        GcTriggerHook hook = gcTriggerHook;
        if (hook != null) {
            long live = h.heapLive.get();
            if (live >= gcTrigger) {
                hook.heapTriggerReached(live);
            }
        }
    }

    /** Installs (or removes, with null) the hook told when heap_live reaches the GC trigger. */
    void setGcTriggerHook(@Nullable GcTriggerHook hook) {
        this.gcTriggerHook = hook;
    }

    /** Go's gcBlackenEnabled for allocation: new objects are marked when on. World stopped. */
    void setAllocateBlack(boolean on) {
        this.allocateBlack = on;
    }

    public boolean allocateBlack() {
        return allocateBlack;
    }

    // ---- object lookup and mark bits ----

    /** Whether addr lies in the heap's reserved arena range (distinguishes heap from stack/globals). */
    public boolean isHeapAddress(long addr) {
        return Long.compareUnsigned(addr - ARENA_BASE, arenaSpaceBytes) < 0;
    }

    /**
     * For fatal-error reports: the span holding {@code addr} (base, size class,
     * element size, object index, sweepgen against the heap's, allocation and
     * mark state). Racy; any thread.
     */
    public String describe(long addr) {
        MSpan s = spanOf(addr);
        if (s == null) {
            return "0x" + Long.toHexString(addr) + " is not in any span";
        }
        int idx = (int) ((addr - s.base) / s.elemsize);
        return "0x" + Long.toHexString(addr) + " in span 0x" + Long.toHexString(s.base) + " spanclass=" + s.spanclass
                + " elemsize=" + s.elemsize + " object " + idx + "/" + s.nelems + " state=" + s.state
                + " span.sweepgen=" + s.loadSweepgen() + " mheap.sweepgen=" + h.sweepgen
                + " allocCount=" + s.allocCount + " freeindex=" + s.freeindex;
    }

    /** Go's spanOf: the span owning the page of p (maybe dead), or null. Any thread. */
    @Nullable MSpan spanOf(long p) {
        long page = (p - ARENA_BASE) >>> SizeClasses._PageShift; // below ARENA_BASE: huge
        @Nullable MSpan[] table = h.pageSpans;
        if (page >= table.length) {
            return null;
        }
        return table[(int) page];
    }

    /**
     * Go's findObject for any address: the base of the allocated object containing p (interior
     * pointers included), or 0 when p is nil, outside the heap, in a free slot, in a span's unused
     * tail or in a freed span. O(1): page table, then the span's divMagic. Any thread.
     */
    public long findObject(long p) {
        MSpan s = spanOf(p);
        if (s == null || s.state != MSpan.mSpanInUse || p >= s.limit) {
            return 0;
        }
        int idx = s.objIndex(p);
        if (s.isFree(idx)) {
            return 0;
        }
        return s.address(idx);
    }

    /**
     * findObject as Go runs it with debug.invalidptr=1 (the default): a pointer into a heap page
     * whose span is not in use, or into a span's unused tail, is fatal (Go's badPointer). refBase
     * and refOff say where the pointer was found (0 when not in a heap object). Pointers to pages
     * no span ever owned and to free slots give 0, as in Go (which does not check free slots).
     */
    public long findObject(long p, long refBase, long refOff) {
        MSpan s = spanOf(p);
        if (s == null) {
            return 0;
        }
        if (s.state != MSpan.mSpanInUse || p < s.base || p >= s.limit) {
            badPointer(s, p, refBase, refOff);
        }
        return findObject(p);
    }

    private static void badPointer(MSpan s, long p, long refBase, long refOff) {
        StringBuilder b = new StringBuilder("runtime: pointer 0x").append(Long.toHexString(p));
        b.append(s.state != MSpan.mSpanInUse ? " to unallocated span" : " to unused region of span");
        b.append(" span.base()=0x").append(Long.toHexString(s.base))
                .append(" span.limit=0x").append(Long.toHexString(s.limit))
                .append(" span.state=").append(s.state);
        if (refBase != 0) {
            b.append("\nruntime: found in object at *(0x").append(Long.toHexString(refBase))
                    .append("+0x").append(Long.toHexString(refOff)).append(')');
        }
        throw new GoThrow("found bad pointer in Go heap (incorrect use of unsafe or cgo?)", b.toString());
    }

    /** The type the object at base was allocated with. Any thread; base must be allocated. */
    public ObjectType typeOf(long base) {
        MSpan s = allocatedSpan(base, "typeOf");
        ObjectType t = s.typeOf(base);
        if (t == null) {
            throw new IllegalArgumentException("no type recorded at 0x" + Long.toHexString(base));
        }
        return t;
    }

    /**
     * Atomically sets the mark bit of the object at base (or containing base); true iff this call
     * set it. Any number of threads at once. Throws Go's "marking free object" when base is not in
     * an allocated object.
     */
    boolean tryMark(long base) {
        MSpan s = spanOf(base);
        if (s == null || s.state != MSpan.mSpanInUse || base >= s.limit) {
            throw markingFreeObject(base);
        }
        return s.tryMarkChecked(s.objIndex(base), base);
    }

    /**
     * Go's {@code scanobject} for the marker's hot path, fused with {@code findObject} and
     * {@code greyobject}: see {@link FusedMark#scanobject}. b's size and ptrdata go to
     * {@link ScanSink#scanned}. Any number of marking threads, each with its own sink; {@code b}
     * must be an allocated, marked object. Not for checkmark mode.
     */
    void scanobject(long b, ScanSink sink) {
        FusedMark.scanobject(h.pageSpans, b, sink, debugGccheckmark);
    }

    /**
     * {@link #scanobject} that returns the last object it greys instead of handing it to the sink:
     * see {@link FusedMark#scanobjectHeld}. Same threads and preconditions.
     */
    long scanobjectHeld(long b, ScanSink sink) {
        return FusedMark.scanobjectHeld(h.pageSpans, b, sink, debugGccheckmark);
    }

    /**
     * Go's {@code shade} without the checkmark branch: if p points into an allocated object (interior
     * pointers included) that is not yet marked, mark it and hand it to sink. Any thread.
     */
    void shade(long p, ScanSink sink) {
        if (p != 0) {
            FusedMark.greyIfWhite(h.pageSpans, p, sink, FusedMark.FREE_SKIPPED);
        }
    }

    /**
     * Go's {@code debug.gccheckmark}: while on, scanobject's marking throws Go's "marking free
     * object" for a pointer word naming a free slot (Go's greyobject check; the checkmark pass
     * itself is the collector's). Off, the marker reads no alloc bits, as Go's greyobject. Set by
     * the collector before any marking (a plain field: the marking threads start after it).
     */
    void setDebugGccheckmark(boolean on) {
        debugGccheckmark = on;
    }

    /** Whether the object at (or containing) base is marked. Any thread. */
    public boolean isMarked(long base) {
        MSpan s = allocatedSpan(base, "isMarked");
        return s.isMarked(s.objIndex(base));
    }

    /** Checkmark mode's mark: true iff this call set the object's checkmark bit. World stopped. */
    boolean tryCheckmark(long base) {
        MSpan s = spanOf(base);
        if (s == null || s.state != MSpan.mSpanInUse || base >= s.limit || s.isFree(s.objIndex(base))) {
            throw markingFreeObject(base);
        }
        return s.tryCheckmark(s.objIndex(base));
    }

    /** Clears every checkmark bit (before a checkmark pass). World stopped. */
    void clearCheckmarks() {
        for (MSpan s : h.allspans()) {
            s.clearCheckmarks();
        }
    }

    /** Bytes of marked objects in in-use spans (a check for a collector's own count). World stopped. */
    public long markedBytes() {
        long bytes = 0;
        for (MSpan s : h.allspans()) {
            if (s.state == MSpan.mSpanInUse) {
                bytes += (long) s.countAlloc() * s.elemsize;
            }
        }
        return bytes;
    }

    static GoThrow markingFreeObject(long obj) {
        return new GoThrow("marking free object", "runtime: marking free object 0x" + Long.toHexString(obj));
    }

    private MSpan allocatedSpan(long base, String what) {
        MSpan s = spanOf(base);
        if (s == null || s.state != MSpan.mSpanInUse || base >= s.limit || s.isFree(s.objIndex(base))) {
            throw new IllegalArgumentException(what + ": 0x" + Long.toHexString(base)
                    + " is not an allocated heap object");
        }
        return s;
    }

    // ---- words ----

    /** Loads the word at addr (heap or globals; 8-byte aligned). Any thread; no barrier. */
    public long readWord(long addr) {
        HeapArena a = arenaOf(addr);
        if (a != null) {
            return a.words[a.wordIndex(addr)];
        }
        if (globals.contains(addr) && (addr & 7) == 0) {
            return globals.read(addr);
        }
        throw fault(addr);
    }

    /** Stores a scalar word (no write barrier). Any thread. */
    public void writeWord(long addr, long v) {
        HeapArena a = arenaOf(addr);
        if (a != null) {
            a.words[a.wordIndex(addr)] = v;
        } else if (globals.contains(addr) && (addr & 7) == 0) {
            globals.write(addr, v);
        } else {
            throw fault(addr);
        }
    }

    /** Loads a pointer slot (no read barrier in Go's GC). */
    public long readPointer(long slot) {
        return readWord(slot);
    }

    /**
     * The mutator's pointer store: calls the installed write barrier with the old and new values
     * BEFORE storing; without a barrier it is a plain store. Slots in heap objects or globals.
     */
    public void writePointer(long slot, long value) {
        WriteBarrier wb = writeBarrier;
        if (wb != null) {
            wb.writePointer(slot, readWord(slot), value);
        }
        writeWord(slot, value);
    }

    /** Installs (or removes, with null) the write barrier. World stopped. */
    void setWriteBarrier(@Nullable WriteBarrier wb) {
        this.writeBarrier = wb;
    }

    /** Whether a word read back from memory is the poison sweep writes into freed objects. */
    public static boolean isPoison(long word) {
        return word == POISON;
    }

    private @Nullable HeapArena arenaOf(long addr) {
        long off = addr - ARENA_BASE;
        if (Long.compareUnsigned(off, arenaSpaceBytes) >= 0 || (addr & 7) != 0) {
            return null;
        }
        return arenas[(int) (off >>> logHeapArenaBytes)];
    }

    private static GoThrow fault(long addr) {
        // Go raises a runtime error panic here (sigpanic → panicmem); gcsim has no panics.
        return new GoThrow("invalid memory address or nil pointer dereference",
                "[signal SIGSEGV: segmentation violation addr=0x" + Long.toHexString(addr) + "]");
    }

    // ---- sweep ----

    /**
     * Go's gcSweep start plus mark termination's forEachP(prepareForSweep): sweepgen += 2, so every
     * in-use span needs sweeping, then every mcache is flushed (spans cached before this point are
     * swept as they are uncached). World stopped, after mark termination; the previous cycle's
     * sweep must be finished (else Go's "non-empty swept list").
     */
    void startSweepCycle() {
        gcSweep();
        for (MCache c : mcaches) {
            c.prepareForSweep();
        }
    }

    /**
     * Go's gcSweep, the part mark termination does with the world stopped: sweepgen += 2, so
     * every in-use span needs sweeping. O(1). The mcaches are flushed afterwards, per P, with the
     * world running ({@link #prepareForSweep(int)}); spans they cached before this point are
     * stale and swept as they are uncached. World stopped; the previous cycle's sweep must be
     * finished (else Go's "non-empty swept list").
     */
    void gcSweep() {
        h.startSweepCycle();
    }

    /**
     * Go's {@code _p_.mcache.prepareForSweep()} as acquirep runs it and gcMarkTermination through
     * forEachP after the world restarts: P {@code pid}'s mcache is flushed if a sweep cycle
     * started since its last flush. On the thread that owns the P (its M, or forEachP's caller
     * while the P is idle).
     */
    void prepareForSweep(int pid) {
        if (pid < mcaches.length) { // a P this heap has no mcache for has nothing to flush
            mcaches[pid].prepareForSweep();
        }
    }

    /** Go's sweepone: sweeps one unswept span; false when none was left. Any number of threads. */
    boolean sweepOne() {
        return h.sweepone() != -1;
    }

    /**
     * Go's finishsweep_m: sweeps everything still unswept and waits for concurrent sweepers to
     * finish the spans they hold, so no mark-bit swap can overlap the next mark. World stopped.
     */
    void finishSweep() {
        h.finishSweep();
    }

    /** Whether this cycle's sweep has found nothing more to sweep (Go's isSweepDone). */
    public boolean isSweepDone() {
        return h.sweepdone;
    }

    /** Go's sweepgen (+2 per cycle). */
    public int sweepgen() {
        return h.sweepgen;
    }

    /**
     * Go's flushallmcaches: every P's mcache returns its cached spans to their mcentrals (a span
     * cached before the current sweep cycle began is swept as it goes). World stopped.
     */
    /**
     * The bytes of objects allocated black since the last call, summed over the Ps' mcaches and
     * reset (Go's gcmarknewobject adds them to the P's gcw.bytesMarked, which gcMark's dispose
     * folds into work.bytesMarked). O(Ps). World stopped.
     */
    long takeMarkedNewBytes() {
        long bytes = 0;
        for (MCache c : mcaches) {
            bytes += c.markedNewBytes;
            c.markedNewBytes = 0;
        }
        return bytes;
    }

    /**
     * Mark termination's heap_scan update, go1.14's gcMark: {@code cachestats()} flushes every
     * mcache's local_scan, then {@code memstats.heap_scan = uint64(gcController.scanWork)}, the
     * cycle's scan work, which includes what gcmarknewobject counted for objects allocated black
     * ({@link MCache#markedNewScan}, taken here; {@code drained} is the rest). So local_scan
     * flushed or not is dropped: an object allocated during the mark was counted as scan work
     * instead. O(Ps). World stopped.
     */
    void setHeapScan(long drained) {
        long scan = drained;
        for (MCache c : mcaches) {
            scan += c.markedNewScan;
            c.markedNewScan = 0;
            c.localScan = 0;
        }
        h.heapScan.set(scan);
    }

    void flushMCaches() {
        for (MCache c : mcaches) {
            c.prepareForSweep();
            c.releaseAll();
        }
    }

    // ---- statistics ----

    /**
     * Mark termination's update (Go's gcMark then gcSetTriggerRatio): heap_marked and heap_live
     * become bytesMarked, and the next goal and trigger follow from GOGC. World stopped, before
     * {@link #startSweepCycle()}.
     */
    void setHeapMarked(long bytesMarked) {
        PacerHook hook = pacerHook;
        if (hook != null) {
            // go1.18+: endCycle reads heap_live at mark termination, before it is replaced.
            PacerHook.Inputs in = hook.endCycle(h.heapLive.get(), bytesMarked);
            heapMarked = bytesMarked;
            h.heapLive.set(bytesMarked);
            commitGoal(in);
            return;
        }
        heapMarked = bytesMarked;
        h.heapLive.set(bytesMarked);
        int gcpercent = config.gogc();
        long goal = Long.MAX_VALUE;
        long trigger = Long.MAX_VALUE;
        if (gcpercent >= 0) {
            goal = bytesMarked + bytesMarked * gcpercent / 100;
            double ratio = Math.min(triggerRatio, 0.95 * gcpercent / 100);
            trigger = Math.max((long) (bytesMarked * (1 + ratio)), heapminimum);
            if (trigger > goal) {
                // The trigger ratio is always less than GOGC/100, but other bounds on the
                // trigger may have raised it. Push up the goal, too.
                goal = trigger;
            }
        }
        gcTrigger = trigger;
        heapGoal = goal;
    }

    /**
     * Installs go1.18's pacer ({@link PacerHook}): from now on mark termination's update
     * computes the goal and the trigger by go1.18's (or go1.19's) commit. As go1.18's gcinit
     * under the redesign, heap_marked starts at 0 (go1.14 fakes heapminimum / (1 + 7/8)) and
     * the first goal and trigger follow from the hook's initial inputs. The collector, before
     * the first cycle (its constructor).
     */
    void setPacerHook(PacerHook hook) {
        pacerHook = hook;
        heapMarked = 0;
        commitGoal(hook.initial());
    }

    private void commitGoal(PacerHook.Inputs in) {
        PacerGoal.GoalAndTrigger gt = PacerGoal.commit(heapMarked, config.gogc(), heapminimum, in);
        gcTrigger = gt.trigger();
        heapGoal = gt.goal();
    }

    /**
     * Go's {@code memstats.heap_live} alone: one atomic read, no snapshot. For the collector's
     * stopped phases, where each call and object counts (see {@link #stats()} for the whole
     * snapshot). Any thread.
     */
    public long heapLive() {
        return h.heapLive.get();
    }

    /**
     * go1.14's {@code memstats.heap_scan}: the last mark termination's scan work plus the ptrdata
     * of the objects allocated since, as far as the mcaches have flushed it ({@link MCache}):
     * the scan work go1.14's pacer expects of the next cycle. One atomic read. Any thread.
     */
    public long heapScan() {
        return h.heapScan.get();
    }

    /** Go's {@code memstats.heap_marked} (the last mark termination's). Any thread. */
    public long heapMarked() {
        return heapMarked;
    }

    /** Go's {@code memstats.next_gc}, the heap goal. Any thread. */
    public long heapGoal() {
        return heapGoal;
    }

    /** A snapshot of the statistics (exact with the world stopped). Any thread. */
    public HeapStats stats() {
        long nmalloc = 0;
        long allocBytes = 0;
        for (MCache c : mcaches) {
            nmalloc += c.nmalloc;
            allocBytes += c.allocBytes;
        }
        return new HeapStats(h.heapLive.get(), heapMarked, heapGoal, gcTrigger, nmalloc, allocBytes,
                h.nfree.sum(), h.freedBytes.sum(), h.spansInUse.get(), h.heapSys());
    }

    MHeap mheap() {
        return h;
    }
}
