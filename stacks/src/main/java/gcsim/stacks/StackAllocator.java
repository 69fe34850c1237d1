package gcsim.stacks;

import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.NUM_STACK_ORDERS;
import static gcsim.stacks.StackConstants.PAGE_SHIFT;
import static gcsim.stacks.StackConstants.STACK_CACHE_SIZE;

import gcsim.base.GoThrow;
import gcsim.stacks.StackSpan.SpanList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Stack memory allocation, after go1.14 {@code runtime/stack.go}: {@code stackalloc} /
 * {@code stackfree}, the global {@code stackpool} (one list of 32 KiB spans per order,
 * orders 2, 4, 8 and 16 KiB, each with a lock), the per-P {@link StackCache}s in front of
 * it, and {@code stackLarge} for stacks of 32 KiB and more (one span per stack, cached by
 * log2 of the page count while a GC runs).
 *
 * <p>Address space: stacks live from {@link #STACK_BASE} up, so a stack address is never a
 * heap address (heap arenas start at 0x00c0_0000_0000). Where Go gets stack spans from the
 * heap ({@code mheap_.allocManual}/{@code freeManual}), this allocator keeps its own
 * "manual heap": fresh spans are reserved by bumping a pointer, freed spans go to free lists
 * by page count and are reused whole (no coalescing; sizes are powers of two so reuse is
 * exact). Deliberate difference: Go can return those pages to the OS or to the object heap.
 *
 * <p>Statistics: {@link #stackInuse()} is Go's {@code memstats.stacks_inuse}
 * ({@code StackInuse}): bytes of spans currently holding stacks, whether the stacks in them
 * are in use or cached free. {@link #stackSys()} ({@code StackSys}) is every byte of stack
 * address space reserved so far (in-use plus free spans kept for reuse).
 *
 * <p>GC interaction, as in Go: while {@link #setGcRunning GC runs}, emptied pool spans and
 * freed large stacks are not returned to the span heap (a span could change identity under
 * a concurrent scan); {@link #freeStackSpans()} releases them at the end of the cycle.
 *
 * <p>Thread safety: stackalloc/stackfree may be called from any number of threads at once,
 * each with its own StackCache (or none). Pool order {@code i} is guarded by
 * {@code stackpool[i]}'s monitor, {@code stackLarge} by its own, the span heap by
 * {@code heapLock}; none is held while taking another except pool/large → heap, in that order.
 */
public final class StackAllocator {
    /** Where stack address space begins (contract: distinguishable from heap and globals). */
    public static final long STACK_BASE = 0x0000_7f00_0000_0000L;

    /** heapAddrBits - pageShift: the number of stackLarge free lists. */
    private static final int LARGE_LISTS = 48 - PAGE_SHIFT;

    /** Go's {@code stackpool}: per order, spans that have free stacks. Lock: the SpanList itself. */
    private final SpanList[] stackpool = new SpanList[NUM_STACK_ORDERS];
    /** Go's {@code stackLarge.free}: free large-stack spans by log2(npages). Lock: {@link #stackLarge}. */
    private final SpanList[] stackLarge = new SpanList[LARGE_LISTS];
    /** The span heap's free spans by log2(npages). Lock: {@link #heapLock}. */
    private final SpanList[] freeSpans = new SpanList[LARGE_LISTS];
    private final Object heapLock = new Object();
    private final StackCache[] caches;

    /** Next unreserved address (guarded by heapLock). */
    private long arenaNext = STACK_BASE;
    /** memstats.stacks_inuse, written under heapLock. */
    private volatile long stacksInuse;
    /** Reserved stack address space, written under heapLock. */
    private volatile long stacksSys;
    /** Go's {@code gcphase != _GCoff}, as far as stacks care. Set by the GC. */
    private volatile boolean gcRunning;

    /**
     * An allocator with one {@link StackCache} per P ({@code procs} >= 0; 0 means every
     * caller uses the global pool).
     */
    public StackAllocator(int procs) {
        for (int i = 0; i < NUM_STACK_ORDERS; i++) {
            stackpool[i] = new SpanList();
        }
        for (int i = 0; i < LARGE_LISTS; i++) {
            stackLarge[i] = new SpanList();
            freeSpans[i] = new SpanList();
        }
        caches = new StackCache[procs];
        for (int p = 0; p < procs; p++) {
            caches[p] = new StackCache(p);
        }
    }

    /** P {@code p}'s stack cache; the caller must own P {@code p} to use it. */
    public StackCache stackcache(int p) {
        return caches[p];
    }

    /** Number of per-P caches. */
    public int procs() {
        return caches.length;
    }

    /**
     * Allocates an {@code n}-byte stack ({@code n} a power of two, at least
     * {@link StackConstants#FIXED_STACK}) without a per-P cache, as Go does when
     * {@code m.mcache == nil}. Any thread. The caller owns the returned stack.
     */
    public Stack stackalloc(int n) {
        return stackalloc(null, n);
    }

    /**
     * Go's {@code stackalloc(n)}: an {@code n}-byte stack from cache {@code c} (owned by the
     * calling thread; null: the global pool under its lock), or a large span for
     * {@code n >= 32 KiB}. Contents are not zeroed (as in Go). The caller owns the stack.
     */
    public Stack stackalloc(@Nullable StackCache c, int n) {
        if (n <= 0 || (n & (n - 1)) != 0) {
            throw new GoThrow("stack size not a power of 2");
        }
        if (n < FIXED_STACK) {
            throw new IllegalArgumentException("stackalloc(" + n + "): below _FixedStack");
        }
        Stack x;
        if (n < FIXED_STACK << NUM_STACK_ORDERS && n < STACK_CACHE_SIZE) {
            x = c == null ? stackpoolallocLocked(order(n)) : stackcachealloc(c, order(n), n);
        } else {
            x = stackallocLarge(n);
        }
        if (x.inUse) {
            throw new GoThrow("stackalloc: stack already in use");
        }
        x.inUse = true;
        x.next = null;
        return x;
    }

    /** {@code stackfree(stk)} into the global pool (no per-P cache). Any thread; the caller gives up {@code stk}. */
    public void stackfree(Stack stk) {
        stackfree(null, stk);
    }

    /**
     * Go's {@code stackfree(stk)}: returns {@code stk} to cache {@code c} (owned by the
     * calling thread; null: the global pool), or a large stack to the span heap (GC off) or
     * to {@code stackLarge} (GC running). The caller must not touch {@code stk} afterwards.
     */
    public void stackfree(@Nullable StackCache c, Stack stk) {
        long n = stk.hi - stk.lo;
        if ((n & (n - 1)) != 0) {
            throw new GoThrow("stack not a power of 2");
        }
        if (!stk.inUse) {
            throw new GoThrow("stackfree: stack not in use"); // gcsim's double-free check
        }
        stk.inUse = false;
        if (n < FIXED_STACK << NUM_STACK_ORDERS && n < STACK_CACHE_SIZE) {
            int order = order(n);
            if (c == null) {
                synchronized (stackpool[order]) {
                    stackpoolfree(stk, order);
                }
            } else {
                stackcachefree(c, stk, order, n);
            }
        } else {
            stackfreeLarge(stk);
        }
    }

    // ---- per-P cache ----

    private Stack stackcachealloc(StackCache c, int order, int n) {
        Stack x = c.list[order];
        if (x == null) {
            stackcacherefill(c, order);
            x = c.list[order];
            if (x == null) {
                throw new GoThrow("stackcacherefill");
            }
        }
        c.list[order] = x.next;
        c.size[order] -= n;
        return x;
    }

    private void stackcachefree(StackCache c, Stack x, int order, long n) {
        if (c.size[order] >= STACK_CACHE_SIZE) {
            stackcacherelease(c, order);
        }
        x.next = c.list[order];
        c.list[order] = x;
        c.size[order] += n;
    }

    /** Grabs half of the allowed capacity from the global pool (to prevent thrashing). */
    private void stackcacherefill(StackCache c, int order) {
        Stack list = null;
        long size = 0;
        synchronized (stackpool[order]) {
            while (size < STACK_CACHE_SIZE / 2) {
                Stack x = stackpoolalloc(order);
                x.next = list;
                list = x;
                size += FIXED_STACK << order;
            }
        }
        c.list[order] = list;
        c.size[order] = size;
    }

    /** Returns stacks to the global pool until the cache order holds half its capacity. */
    private void stackcacherelease(StackCache c, int order) {
        Stack x = c.list[order];
        long size = c.size[order];
        synchronized (stackpool[order]) {
            while (size > STACK_CACHE_SIZE / 2 && x != null) {
                Stack y = x.next;
                stackpoolfree(x, order);
                x = y;
                size -= FIXED_STACK << order;
            }
        }
        c.list[order] = x;
        c.size[order] = size;
    }

    /**
     * Go's {@code stackcache_clear}: empties cache {@code c} into the global pool. The
     * caller must own {@code c}'s P, or have stopped it (Go: at GC start, world stopped).
     */
    public void stackcacheClear(StackCache c) {
        for (int order = 0; order < NUM_STACK_ORDERS; order++) {
            synchronized (stackpool[order]) {
                Stack x = c.list[order];
                while (x != null) {
                    Stack y = x.next;
                    stackpoolfree(x, order);
                    x = y;
                }
                c.list[order] = null;
                c.size[order] = 0;
            }
        }
    }

    // ---- global pool (caller holds stackpool[order]'s lock) ----

    private Stack stackpoolallocLocked(int order) {
        synchronized (stackpool[order]) {
            return stackpoolalloc(order);
        }
    }

    /** Go's {@code stackpoolalloc}: a stack of the order from the pool, carving a new span if none is free. */
    private Stack stackpoolalloc(int order) {
        SpanList list = stackpool[order];
        StackSpan s = list.first;
        if (s == null) {
            // no free stacks. Allocate another span worth.
            s = allocManual(STACK_CACHE_SIZE >> PAGE_SHIFT);
            if (s.allocCount != 0) {
                throw new GoThrow("bad allocCount");
            }
            if (s.manualFreeList != null) {
                throw new GoThrow("bad manualFreeList");
            }
            s.carve(FIXED_STACK << order);
            list.insert(s);
        }
        Stack x = s.manualFreeList;
        if (x == null) {
            throw new GoThrow("span has no free stacks");
        }
        s.manualFreeList = x.next;
        s.allocCount++;
        if (s.manualFreeList == null) {
            // all stacks in s are allocated.
            list.remove(s);
        }
        return x;
    }

    /** Go's {@code stackpoolfree}: back to its span; an empty span goes back to the span heap unless GC runs. */
    private void stackpoolfree(Stack x, int order) {
        StackSpan s = x.span;
        if (s.state != StackSpan.MANUAL) {
            throw new GoThrow("freeing stack not in a stack span");
        }
        if (s.manualFreeList == null) {
            // s will now have a free stack
            stackpool[order].insert(s);
        }
        x.next = s.manualFreeList;
        s.manualFreeList = x;
        s.allocCount--;
        if (!gcRunning && s.allocCount == 0) {
            // Span is completely free. Return it now; while GC runs this waits for
            // freeStackSpans (a concurrent scan could otherwise see the span change use).
            stackpool[order].remove(s);
            s.manualFreeList = null;
            freeManual(s);
        }
    }

    // ---- large stacks ----

    private Stack stackallocLarge(int n) {
        int npage = n >>> PAGE_SHIFT;
        int log2npage = stacklog2(npage);
        StackSpan s = null;
        synchronized (stackLarge) {
            SpanList free = stackLarge[log2npage];
            StackSpan first = free.first;
            if (first != null) {
                free.remove(first);
                s = first;
            }
        }
        if (s == null) {
            s = allocManual(npage);
        }
        return s.wholeStack();
    }

    private void stackfreeLarge(Stack stk) {
        StackSpan s = stk.span;
        if (s.state != StackSpan.MANUAL) {
            throw new GoThrow("bad span state");
        }
        if (!gcRunning) {
            freeManual(s);
        } else {
            // The GC is running: don't return the span (it could be reused and race with
            // the GC); cache it in stackLarge instead.
            synchronized (stackLarge) {
                stackLarge[stacklog2(s.npages)].insert(s);
            }
        }
    }

    /**
     * Go's {@code freeStackSpans}: at the end of GC, returns empty pool spans and cached
     * large spans to the span heap. Call after {@code setGcRunning(false)}.
     */
    public void freeStackSpans() {
        for (int order = 0; order < NUM_STACK_ORDERS; order++) {
            synchronized (stackpool[order]) {
                SpanList list = stackpool[order];
                for (StackSpan s = list.first; s != null; ) {
                    StackSpan next = s.next;
                    if (s.allocCount == 0) {
                        list.remove(s);
                        s.manualFreeList = null;
                        freeManual(s);
                    }
                    s = next;
                }
            }
        }
        synchronized (stackLarge) {
            for (SpanList list : stackLarge) {
                for (StackSpan s = list.first; s != null; ) {
                    StackSpan next = s.next;
                    list.remove(s);
                    freeManual(s);
                    s = next;
                }
            }
        }
    }

    /** Tells the allocator whether a GC cycle is running (Go: {@code gcphase != _GCoff}). The GC only. */
    public void setGcRunning(boolean running) {
        gcRunning = running;
    }

    // ---- the span heap (Go: mheap_.allocManual / freeManual) ----

    private StackSpan allocManual(int npages) {
        synchronized (heapLock) {
            SpanList free = freeSpans[stacklog2(npages)];
            StackSpan s = free.first;
            if (s != null) {
                free.remove(s);
            } else {
                s = new StackSpan(arenaNext, npages);
                arenaNext += s.bytes();
                stacksSys += s.bytes();
            }
            s.state = StackSpan.MANUAL;
            s.allocCount = 0;
            s.manualFreeList = null;
            stacksInuse += s.bytes();
            return s;
        }
    }

    private void freeManual(StackSpan s) {
        synchronized (heapLock) {
            s.state = StackSpan.FREE;
            stacksInuse -= s.bytes();
            freeSpans[stacklog2(s.npages)].insert(s);
        }
    }

    // ---- statistics ----

    /** Go's {@code StackInuse}: bytes in spans currently used for stacks. Any thread. */
    public long stackInuse() {
        return stacksInuse;
    }

    /** Go's {@code StackSys}: bytes of stack address space reserved. Any thread. */
    public long stackSys() {
        return stacksSys;
    }

    // ---- helpers ----

    /** order = log_2(size/FixedStack). */
    private static int order(long n) {
        int order = 0;
        long n2 = n;
        while (n2 > FIXED_STACK) {
            order++;
            n2 >>= 1;
        }
        return order;
    }

    /** Go's {@code stacklog2}: ⌊log_2(n)⌋. */
    static int stacklog2(long n) {
        return 63 - Long.numberOfLeadingZeros(n);
    }
}
