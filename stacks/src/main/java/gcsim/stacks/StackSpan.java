package gcsim.stacks;

import gcsim.base.GoThrow;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A span of stack memory (Go's {@code mspan} in state {@code mSpanManual}): {@code npages}
 * pages of 8 KiB at {@code base}, backed by one {@code long[]}. A pool span (32 KiB) is cut
 * into stacks of one order with a free list ({@code manualFreeList}); a large span is one
 * stack.
 *
 * <p>Guarded by the lock of the list the span is on or belongs to: the stack pool order's
 * lock for pool spans, {@code stackLarge}'s lock for cached large spans, the allocator's heap
 * lock while free. Intrusive links ({@code next}, {@code prev}, {@code list}) make list
 * insert and remove O(1), like Go's {@code mSpanList}.
 */
final class StackSpan {
    /** State: FREE (in the allocator's free spans) -> MANUAL (holds stacks) -> FREE. */
    static final int FREE = 0;
    static final int MANUAL = 1;

    final long base;
    final int npages;
    final long[] words;
    int state = FREE;

    /** Size of each stack carved from this span; 0 before the first carve. */
    int elemsize;
    /** The stacks carved from this span, kept so a re-carve with the same size reuses them. */
    Stack @Nullable [] elems;
    /** Head of the free stacks of a pool span (Go's {@code manualFreeList}). */
    @Nullable Stack manualFreeList;
    /** Number of stacks of a pool span handed out of the span (to caches or callers). */
    int allocCount;

    @Nullable StackSpan next;
    @Nullable StackSpan prev;
    @Nullable SpanList list;

    StackSpan(long base, int npages) {
        this.base = base;
        this.npages = npages;
        this.words = new long[npages << (StackConstants.PAGE_SHIFT - 3)];
    }

    long bytes() {
        return (long) npages << StackConstants.PAGE_SHIFT;
    }

    /** A large span's one stack, covering the whole span (created once, then reused). */
    Stack wholeStack() {
        Stack[] e = elems;
        if (e == null || elemsize != bytes()) {
            elemsize = (int) bytes();
            e = new Stack[] {new Stack(this, base, elemsize, words, 0)};
            elems = e;
        }
        return e[0];
    }

    /**
     * Cuts a pool span into stacks of {@code size} bytes and threads them all on
     * {@code manualFreeList} (Go's loop in stackpoolalloc).
     */
    void carve(int size) {
        Stack[] e = elems;
        if (e == null || elemsize != size) {
            e = new Stack[(int) (bytes() / size)];
            for (int i = 0; i < e.length; i++) {
                e[i] = new Stack(this, base + (long) i * size, size, words, i * (size >> 3));
            }
            elems = e;
            elemsize = size;
        }
        Stack list = null;
        for (Stack x : e) {
            x.next = list;
            list = x;
        }
        manualFreeList = list;
    }

    /** Go's {@code mSpanList}: a doubly linked list of spans. Guarded by its owner's lock. */
    static final class SpanList {
        @Nullable StackSpan first;

        void insert(StackSpan s) {
            if (s.list != null) {
                throw new GoThrow("mSpanList.insert");
            }
            s.next = first;
            s.prev = null;
            if (first != null) {
                first.prev = s;
            }
            first = s;
            s.list = this;
        }

        void remove(StackSpan s) {
            if (s.list != this) {
                throw new GoThrow("mSpanList.remove");
            }
            StackSpan p = s.prev;
            StackSpan n = s.next;
            if (p != null) {
                p.next = n;
            } else {
                first = n;
            }
            if (n != null) {
                n.prev = p;
            }
            s.next = null;
            s.prev = null;
            s.list = null;
        }
    }
}
