package gcsim.stacks;

import static gcsim.base.GoThrow.hex;

import gcsim.base.GoThrow;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A goroutine stack: simulated memory {@code [lo, hi)} growing down from {@code hi}
 * (Go's {@code stack} struct). Its words live in a {@code long[]} shared with the other
 * stacks of the same span (no Java object per word); the stack's word at {@code lo} is
 * {@code words[base]}.
 *
 * <p>Ownership: a Stack is handed out by {@link StackAllocator#stackalloc} and belongs to
 * that caller (in gcsim: the G that runs on it, or whoever holds the G's scan bit) until
 * {@link StackAllocator#stackfree}. Like Go, the allocator reuses freed stacks — the same
 * Stack object is handed out again — so a reference kept after {@code stackfree} is a use
 * after free. Like Go, a reused stack is not zeroed: {@link FrameLayout#push} zeroes the
 * locals of each frame it pushes.
 *
 * <p>Reads and writes are plain (not volatile): the owner is one thread at a time, and
 * gcsim's G status transitions (CAS) publish stack contents between owners.
 */
public final class Stack {
    /** Lowest address of the stack (inclusive). */
    public final long lo;
    /** Highest address of the stack (exclusive); the first frame lies just below it. */
    public final long hi;

    /** Backing words; the span's memory, shared by the span's stacks. */
    final long[] words;
    /** Index in {@link #words} of the word at {@link #lo}. */
    final int base;
    /** The span this stack was carved from (Go's {@code spanOfUnchecked(lo)}). */
    final StackSpan span;

    /**
     * Free-list link (Go's {@code gclinkptr.next}, kept in stack memory there). Written
     * only by the owner of the free list the stack is on: a pool lock holder, or the
     * thread owning a {@link StackCache}.
     */
    @Nullable Stack next;

    /** True between stackalloc and stackfree; catches double frees. Guarded like {@link #next}. */
    boolean inUse;

    Stack(StackSpan span, long lo, int size, long[] words, int base) {
        this.span = span;
        this.lo = lo;
        this.hi = lo + size;
        this.words = words;
        this.base = base;
    }

    /** {@link #lo}, as an accessor. */
    public long lo() {
        return lo;
    }

    /** {@link #hi}, as an accessor. */
    public long hi() {
        return hi;
    }

    /** Size in bytes, {@code hi - lo}; a power of two. */
    public int size() {
        return (int) (hi - lo);
    }

    /** True iff {@code addr} lies in {@code [lo, hi)}. */
    public boolean contains(long addr) {
        return lo <= addr && addr < hi;
    }

    /** The word at {@code addr}, which must be 8-byte aligned and inside the stack. The owner only. */
    public long read(long addr) {
        return words[index(addr)];
    }

    /** Stores {@code v} at {@code addr}, 8-byte aligned and inside the stack. The owner only. */
    public void write(long addr, long v) {
        words[index(addr)] = v;
    }

    /** Zeroes the {@code bytes} bytes (a multiple of 8) from {@code addr}. The owner only. */
    public void zero(long addr, int bytes) {
        if (bytes == 0) {
            return;
        }
        int from = index(addr);
        index(addr + bytes - PTR);
        java.util.Arrays.fill(words, from, from + (bytes >> 3), 0L);
    }

    /** Index in {@link #words} of the word at {@code addr} (unchecked beyond the array bounds). */
    int indexUnchecked(long addr) {
        return base + (int) ((addr - lo) >> 3);
    }

    private int index(long addr) {
        if (addr < lo || addr >= hi || (addr & (PTR - 1)) != 0) {
            // Go would fault; gcsim reports the bad access with Go-style hex addresses.
            throw new GoThrow("stack access out of bounds: " + hex(addr) + " not in ["
                    + hex(lo) + ", " + hex(hi) + ")");
        }
        return indexUnchecked(addr);
    }

    @Override
    public String toString() {
        return "stack=[" + hex(lo) + ", " + hex(hi) + "]";
    }

    private static final int PTR = StackConstants.PTR_SIZE;
}
