package gcsim.heap;

import gcsim.base.GoThrow;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's mspan: a run of pages holding objects of one span class, or one large object.
 *
 * <p><b>State</b> ({@link #state}, Go's mSpanState): {@code mSpanDead → mSpanInUse} when the heap
 * allocates it (heap lock), {@code mSpanInUse → mSpanDead} when sweep returns it to the heap (heap
 * lock). A span object is never reused for other pages; page-table entries may keep pointing at a
 * dead span, so readers check the state.
 *
 * <p><b>sweepgen</b> (Go's comment, with h = mheap.sweepgen, which grows by 2 each GC):
 * <ul>
 *   <li>{@code h-2}: the span needs sweeping;
 *   <li>{@code h-1}: the span is being swept (exactly one thread won the CAS h-2 → h-1);
 *   <li>{@code h}: the span is swept and ready to use;
 *   <li>{@code h+1}: the span was cached before sweep began and is still cached, and needs sweeping;
 *   <li>{@code h+3}: the span was swept and then cached and is still cached.
 * </ul>
 * Only the CAS winner (sweepone, mcentral.cacheSpan, uncacheSpan's owner) sweeps, so every span is
 * swept once per cycle.
 *
 * <p><b>Ownership of the allocation fields</b> ({@code freeindex}, {@code allocCache},
 * {@code allocCount}): the mcache the span is cached in (sweepgen h+1/h+3), or the sweeper holding
 * it at h-1, or the mcentral lock otherwise. {@code freeindex} is published with release stores and
 * read with acquire loads by other threads' {@link #isFree}.
 *
 * <p><b>Bits</b>: {@code allocBits} and {@code gcmarkBits} are one bit per object in long[] words;
 * mark bits are set atomically (VarHandle getAndBitwiseOr) by any marking thread; sweep makes the
 * mark bits the alloc bits and takes fresh mark bits. Checkmark bits are a third set, used only by
 * checkmark mode with the world stopped.
 */
final class MSpan {
    static final int mSpanDead = 0;
    static final int mSpanInUse = 1;

    final HeapArena arena;
    /** Address of the first byte (Go's startAddr). */
    final long base;
    final int npages;
    /** sizeclass << 1 | noscan (Go's spanClass); sizeclass 0 means one large object. */
    final int spanclass;
    /** Bytes per object slot (for large spans: npages * pageSize, as in Go). */
    final int elemsize;
    final int nelems;
    /** End of the last object (Go's limit); addresses in [limit, base + npages*pageSize) are waste. */
    final long limit;
    final int divShift;
    final int divShift2;
    final int divMul;
    final int baseMask;
    /** The arena's word index of {@link #base}. */
    final int wordBase;
    /** The arena's memory ({@code arena.words}), one load nearer for the marker. */
    final long[] words;
    /**
     * The object types (gcsim only; Go writes pointer bits into the heap bitmap instead). While
     * every object allocated here has had one type, {@link #onlyType} is that type and there is no
     * per-object table: the marker reads the type from the span itself, and span objects stay small
     * and dense in memory (a 1 KiB table per span spread them over five times the memory, and the
     * marker's span loads missed in the TLB and caches). The second type to arrive creates
     * {@link #slotTypes} (the type itself per slot, null for none; sweep clears freed slots) and
     * sets {@link #mixedTypes}; never back. The span holds the references, so no table outside
     * the heap instance maps anything to types, and a type lives as long as a span holds it.
     * Written by the allocating owner: the table before a release
     * store of mixedTypes, read by an acquire load, so a reader that sees mixed sees the table. A
     * reader that sees a stale (onlyType, not mixed) pair is right for every object allocated
     * before the new type arrived, which are the only ones a marker scans (it scans objects
     * allocated before the mark began, or none: objects allocated during the mark are black).
     */
    @Nullable ObjectType onlyType;
    /** See {@link #onlyType}; release store / acquire load via {@link #MIXED_TYPES}. */
    boolean mixedTypes;
    /** The type per slot once {@link #mixedTypes} (null for a slot with none); null before. */
    @Nullable ObjectType @Nullable [] slotTypes;

    /**
     * mSpanDead → mSpanInUse → mSpanDead, written under the heap lock. Plain: a reader holding a
     * pointer into the span learned it after the span was published (through the allocating
     * thread), and a span is freed only when nobody can hold such a pointer.
     */
    int state;
    /** See the class comment; accessed with {@link #SWEEPGEN}. */
    int sweepgen;
    /** Next slot index to examine for allocation; release store / acquire load via {@link #FREEINDEX}. */
    int freeindex;
    /** Inverted alloc bits from freeindex on (Go's allocCache): a 1 bit is a free slot. */
    long allocCache;
    int allocCount;
    /** Objects here may hold old data: allocation zeroes them (set once any slot was freed). */
    boolean needzero;
    /**
     * Replaced by sweep before its release store of freeindex; {@link #isFree} loads freeindex
     * with acquire first, so it never pairs the new freeindex with the old bits.
     */
    long[] allocBits;
    /** Replaced by sweep; markers use them only in the next mark phase, after a stop-the-world. */
    long[] gcmarkBits;
    /** The alloc bits sweep retired last; cleared and made the mark bits at the next sweep. */
    private long[] spareBits;
    final long[] checkmarkBits;

    /** Slot in MHeap's allspans while in use; heap lock. */
    int allspansIndex;

    // mcentral list links, guarded by the owning mcentral's lock.
    @Nullable MSpan next;
    @Nullable MSpan prev;
    @Nullable MSpanList list;

    /** Called by the heap, heap lock held, for freshly allocated pages. */
    MSpan(HeapArena arena, long base, int npages, int spanclass, int largeSize,
            boolean needzero, int sweepgen) {
        this.arena = arena;
        this.base = base;
        this.npages = npages;
        this.spanclass = spanclass;
        this.wordBase = arena.wordIndex(base);
        this.words = arena.words;
        int sizeclass = SizeClasses.sizeclassOf(spanclass);
        if (sizeclass == 0) {
            this.elemsize = npages << SizeClasses._PageShift;
            this.nelems = 1;
            this.divShift = 0;
            this.divShift2 = 0;
            this.divMul = 0;
            this.baseMask = 0;
            this.limit = base + largeSize;
        } else {
            int[] m = SizeClasses.class_to_divmagic[sizeclass];
            this.elemsize = SizeClasses.class_to_size[sizeclass];
            this.divShift = m[0];
            this.divShift2 = m[1];
            this.divMul = m[2];
            this.baseMask = m[3];
            // mcentral.grow: n := (npages << _PageShift) >> s.divShift * uintptr(s.divMul) >> s.divShift2
            this.nelems = (int) ((((long) npages << SizeClasses._PageShift) >>> divShift) * divMul >>> divShift2);
            this.limit = base + (long) elemsize * nelems;
        }
        // Allocated together, right after the span: the marker reads the span and its mark bits
        // for every pointer it follows, and sweep recycles these arrays (rotateBits) rather than
        // allocating mark bits elsewhere in the Java heap each cycle (which made marking a
        // 1M-object tree twice as slow: a second cache line per pointer).
        this.allocBits = newMarkBits(nelems);
        this.gcmarkBits = newMarkBits(nelems);
        this.spareBits = newMarkBits(nelems);
        this.checkmarkBits = newMarkBits(nelems);
        this.needzero = needzero;
        this.sweepgen = sweepgen;
        refillAllocCache(0);
        this.state = mSpanInUse;
    }

    /** Go's emptymspan: the placeholder an mcache holds for a class with no span. */
    static MSpan emptymspan() {
        HeapArena arena = HeapArena.placeholder();
        return new MSpan(arena, arena.base, 0, SizeClasses.makeSpanClass(1, false), 0, false, 0);
    }

    static long[] newMarkBits(int nelems) {
        return new long[(nelems + 63) >>> 6];
    }

    /** Records that an object of type t was allocated at slot idx. The span's owner. */
    void setType(int idx, ObjectType t) {
        @Nullable ObjectType[] types = slotTypes;
        if (types == null) {
            ObjectType only = onlyType;
            if (only == null) {
                onlyType = t;
                return;
            }
            if (only == t) {
                return;
            }
            // Every allocated slot holds `only` (free ones are never asked about).
            types = new ObjectType[nelems];
            Arrays.fill(types, only);
            slotTypes = types;
            MIXED_TYPES.setRelease(this, true);
        }
        types[idx] = t;
    }

    /**
     * The type of the object at slot idx, which must be allocated (for a free slot the answer
     * means nothing; {@link Heap#typeOf} checks first), or null when none is recorded. Any thread.
     */
    @Nullable ObjectType typeAt(int idx) {
        if (!(boolean) MIXED_TYPES.getAcquire(this)) {
            return onlyType;
        }
        @Nullable ObjectType[] types = slotTypes;
        return types == null ? null : types[idx];
    }

    /**
     * The type of the allocated object at {@code p} (in this span), or null when none is recorded:
     * {@link #typeAt} that computes the slot index only for a span of mixed types. Any thread.
     */
    @Nullable ObjectType typeOf(long p) {
        if (!(boolean) MIXED_TYPES.getAcquire(this)) {
            return onlyType;
        }
        return typeAt(objIndex(p));
    }

    /** Forgets the types of freed slots {@code [from, to)} (sweep, as the span's owner). */
    void clearTypes(int from, int to) {
        @Nullable ObjectType[] types = slotTypes;
        if (types != null) {
            Arrays.fill(types, from, to, null);
        }
    }

    int sizeclass() {
        return SizeClasses.sizeclassOf(spanclass);
    }

    long address(int objIndex) {
        return base + (long) objIndex * elemsize;
    }

    /** Go's findObject index computation for {@code base <= p < limit}: divMagic, no division. */
    int objIndex(long p) {
        long off = p - base;
        if (baseMask != 0) {
            return (int) ((off & baseMask) >>> divShift);
        }
        return (int) ((off >>> divShift) * divMul >>> divShift2);
    }

    // ---- alloc bits (Go: isFree, nextFreeIndex, refillAllocCache, countAlloc) ----

    /** Go's mspan.isFree. Any thread; exact for objects the caller legitimately holds. */
    boolean isFree(int index) {
        if (index < (int) FREEINDEX.getAcquire(this)) {
            return false;
        }
        return (allocBits[index >>> 6] & (1L << index)) == 0;
    }

    /** Go's refillAllocCache: the 64 inverted alloc bits starting at {@code whichByte*8}. Owner only. */
    void refillAllocCache(int whichByte) {
        long[] bits = allocBits;
        int word = whichByte >>> 3;
        allocCache = word < bits.length ? ~bits[word] : 0;
    }

    /** Go's nextFreeIndex: the next free slot at or after freeindex, or nelems. Owner only. */
    int nextFreeIndex() {
        int sfreeindex = freeindex;
        int snelems = nelems;
        if (sfreeindex == snelems) {
            return sfreeindex;
        }
        if (sfreeindex > snelems) {
            throw new GoThrow("s.freeindex > s.nelems");
        }
        long aCache = allocCache;
        int bitIndex = Long.numberOfTrailingZeros(aCache);
        while (bitIndex == 64) {
            sfreeindex = (sfreeindex + 64) & ~63;
            if (sfreeindex >= snelems) {
                setFreeindex(snelems);
                return snelems;
            }
            refillAllocCache(sfreeindex >>> 3);
            aCache = allocCache;
            bitIndex = Long.numberOfTrailingZeros(aCache);
        }
        int result = sfreeindex + bitIndex;
        if (result >= snelems) {
            setFreeindex(snelems);
            return snelems;
        }
        allocCache >>>= bitIndex + 1;
        sfreeindex = result + 1;
        if ((sfreeindex & 63) == 0 && sfreeindex != snelems) {
            refillAllocCache(sfreeindex >>> 3);
        }
        setFreeindex(sfreeindex);
        return result;
    }

    /**
     * Sweep's bit swap (Go: {@code s.allocBits = s.gcmarkBits; s.gcmarkBits = newMarkBits(s.nelems)})
     * with Go's recycling of gcBits: the mark bits become the alloc bits, and the new, cleared mark
     * bits are the array that was the alloc bits two sweeps ago. Go frees a gcBits arena only two
     * cycles after it stopped being current (gcBitsArenas.previous) for the same reason: a reader
     * of the old alloc bits ({@link #isFree} on another thread) may still hold them for a moment
     * after this sweep, but not across a whole cycle with its two stops of the world. The caller
     * owns s for sweeping.
     */
    void rotateBits() {
        long[] recycled = spareBits;
        Arrays.fill(recycled, 0);
        spareBits = allocBits;
        allocBits = gcmarkBits;
        gcmarkBits = recycled;
    }

    void setFreeindex(int v) {
        FREEINDEX.setRelease(this, v);
    }

    /** Go's countAlloc: number of marked objects. */
    int countAlloc() {
        int count = 0;
        for (long w : gcmarkBits) {
            count += Long.bitCount(w);
        }
        return count;
    }

    // ---- mark bits ----

    boolean isMarked(int index) {
        return (gcmarkBits[index >>> 6] & (1L << index)) != 0;
    }

    /** Atomically sets the mark bit; true iff this call set it. Any thread. */
    boolean tryMark(int index) {
        return trySet(gcmarkBits, index);
    }

    /**
     * {@link #tryMark} for two slots whose bits share one mark word ({@code i >>> 6 == j >>> 6}),
     * with one atomic update: bit 0 of the result says this call set i's bit, bit 1 that it set
     * j's (0 when j == i). The same outcome as tryMark(i) then tryMark(j) with nothing between
     * them, which is how another marker sees it. Any thread.
     */
    int tryMarkPair(int i, int j) {
        long[] bits = gcmarkBits;
        int w = i >>> 6;
        long mi = 1L << i;
        long mj = 1L << j;
        long old = bits[w];
        while ((old | mi | mj) != old) {
            long witness = (long) BITS.compareAndExchange(bits, w, old, old | mi | mj);
            if (witness == old) {
                return ((old & mi) == 0 ? 1 : 0) | ((old & mj) == 0 && j != i ? 2 : 0);
            }
            old = witness;
        }
        return 0;
    }

    /**
     * tryMark for a marker that has not checked the slot: an already marked object was allocated
     * (sweep takes fresh mark bits), so that case returns false at once; otherwise a free slot is
     * Go's "marking free object".
     */
    boolean tryMarkChecked(int index, long obj) {
        long[] bits = gcmarkBits;
        long old = bits[index >>> 6];
        if ((old & (1L << index)) != 0) {
            return false;
        }
        if (isFree(index)) {
            throw Heap.markingFreeObject(obj);
        }
        return setFrom(bits, index, old);
    }

    /**
     * The marker's test-and-set for a slot found by findObject's arithmetic: false at once for a
     * marked slot (one load of the mark word, the common case) and for a free slot (findObject's
     * 0: never resurrect it); otherwise true iff this call set the bit. Any thread.
     */
    boolean tryMarkAllocated(int index) {
        long[] bits = gcmarkBits;
        long old = bits[index >>> 6];
        if ((old & (1L << index)) != 0 || isFree(index)) {
            return false;
        }
        return setFrom(bits, index, old);
    }

    boolean tryCheckmark(int index) {
        return trySet(checkmarkBits, index);
    }

    /**
     * Sets the bit with a CAS on the word we already read (the VarHandle getAndBitwiseOr is a CAS
     * loop around a fresh volatile read on x86); retries only when a neighbour's bit changed.
     */
    private static boolean trySet(long[] bits, int index) {
        return setFrom(bits, index, bits[index >>> 6]);
    }

    /** {@link #trySet} starting from {@code old}, the caller's read of the bit's word. */
    private static boolean setFrom(long[] bits, int index, long old) {
        int w = index >>> 6;
        long mask = 1L << index;
        while ((old & mask) == 0) {
            long witness = (long) BITS.compareAndExchange(bits, w, old, old | mask);
            if (witness == old) {
                return true;
            }
            old = witness;
        }
        return false;
    }

    void clearCheckmarks() {
        Arrays.fill(checkmarkBits, 0);
    }

    // ---- sweepgen ----

    int loadSweepgen() {
        return (int) SWEEPGEN.getAcquire(this);
    }

    void storeSweepgen(int v) {
        SWEEPGEN.setRelease(this, v);
    }

    boolean casSweepgen(int expect, int update) {
        return SWEEPGEN.compareAndSet(this, expect, update);
    }

    @Override
    public String toString() {
        return "span[0x" + Long.toHexString(base) + ", npages=" + npages + ", class="
                + sizeclass() + ", state=" + state + ", sweepgen=" + sweepgen + "]";
    }

    private static final VarHandle SWEEPGEN;
    private static final VarHandle FREEINDEX;
    private static final VarHandle MIXED_TYPES;
    private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SWEEPGEN = l.findVarHandle(MSpan.class, "sweepgen", int.class);
            FREEINDEX = l.findVarHandle(MSpan.class, "freeindex", int.class);
            MIXED_TYPES = l.findVarHandle(MSpan.class, "mixedTypes", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
