package gcsim.heap;

/**
 * One 64 MiB arena (Go's heapArena): the words of its memory and its page bitmaps.
 *
 * <p>{@code words} is the arena's memory, one {@code long} per 8-byte word; any thread reads and
 * writes it (the simulated program's loads and stores). {@code pageInUse} and {@code pageDirty}
 * (a page held memory that was freed: it must be zeroed before reuse) are guarded by the heap
 * lock. The page → span table, which Go keeps per arena ({@code heapArena.spans}), is one flat
 * table over all arenas here ({@link MHeap#pageSpans}), one load shorter for findObject.
 */
final class HeapArena {
    final int index;
    final long base;
    final long[] words;
    final long[] pageInUse = new long[Heap.pagesPerArena / 64];
    final long[] pageDirty = new long[Heap.pagesPerArena / 64];

    HeapArena(int index) {
        this(index, Heap.heapArenaWords);
    }

    private HeapArena(int index, int nwords) {
        this.words = new long[nwords];
        this.index = index;
        this.base = Heap.ARENA_BASE + (long) index * Heap.heapArenaBytes;
    }

    /** An arena with no memory, for emptymspan (which owns no page). */
    static HeapArena placeholder() {
        return new HeapArena(0, 0);
    }

    /** Index into {@link #words} of the word at {@code addr} (which must be in this arena). */
    int wordIndex(long addr) {
        return (int) ((addr - base) >>> 3);
    }

    /** First page of a run of {@code npages} free pages at or after {@code from}, or -1. Heap lock. */
    int findFreeRun(int from, int npages) {
        int run = 0;
        for (int p = from; p < Heap.pagesPerArena; p++) {
            if ((p & 63) == 0 && run == 0 && pageInUse[p >>> 6] == -1L) {
                p += 63;
                continue;
            }
            if (isSet(pageInUse, p)) {
                run = 0;
            } else if (++run == npages) {
                return p - npages + 1;
            }
        }
        return -1;
    }

    /** Whether any page in {@code [first, first+npages)} was dirty. Heap lock. */
    boolean anyDirty(int first, int npages) {
        for (int p = first; p < first + npages; p++) {
            if (isSet(pageDirty, p)) {
                return true;
            }
        }
        return false;
    }

    /** Marks pages in use (and, when freeing, dirty). Heap lock. */
    void setPages(int first, int npages, boolean inUse) {
        for (int p = first; p < first + npages; p++) {
            if (inUse) {
                pageInUse[p >>> 6] |= 1L << p;
            } else {
                pageInUse[p >>> 6] &= ~(1L << p);
                pageDirty[p >>> 6] |= 1L << p;
            }
        }
    }

    private static boolean isSet(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << i)) != 0;
    }
}
