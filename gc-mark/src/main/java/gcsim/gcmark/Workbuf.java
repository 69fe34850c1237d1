package gcsim.gcmark;

/**
 * A GC work buffer (Go's {@code workbuf}, mgcwork.go): a fixed array of
 * pointers to grey objects and a count.
 *
 * <p>Ownership: a workbuf belongs either to exactly one {@link GcWork} (as its
 * {@code wbuf1} or {@code wbuf2}) or to one of the {@link WorkPool}'s lists.
 * Moving it between them transfers ownership; only the owner touches
 * {@link #obj} and {@link #nobj}, so neither needs synchronisation (the lists'
 * push and pop publish them).
 */
final class Workbuf {
    /** Go's {@code _WorkbufSize}: 2048 bytes, less the 16-byte header (lfnode + nobj). */
    static final int WORKBUF_SIZE = 2048;

    /** How many pointers a buffer holds: (2048 - 16) / 8 = 254, as in Go on 64-bit. */
    static final int CAPACITY = (WORKBUF_SIZE - 16) / 8;

    final long[] obj = new long[CAPACITY];
    int nobj;

    // Go's lfnode header (lfstack.go), for the pool's two lock-free stacks.
    /** This buffer's number in its pool, which the stacks' head words hold (Go: its address). */
    final int id;
    /** Go's lfnode.next: the head word under this buffer while it is on a stack (0: the bottom). */
    volatile long next;
    /** Go's lfnode.pushcnt: the times it was pushed, packed into the head word against ABA. */
    int pushcnt;

    /** A buffer numbered {@code id} by its {@link WorkPool} (only the pool makes buffers). */
    Workbuf(int id) {
        this.id = id;
    }

    boolean isFull() {
        return nobj == CAPACITY;
    }

    void checknonempty() {
        if (nobj == 0) {
            throw new gcsim.base.GoThrow("workbuf is empty");
        }
    }

    void checkempty() {
        if (nobj != 0) {
            throw new gcsim.base.GoThrow("workbuf is not empty");
        }
    }
}
