package gcsim.gcmark;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The global GC work pool (Go's {@code work.full} and {@code work.empty}
 * lock-free stacks, with their factory routines {@code getempty},
 * {@code putempty}, {@code putfull}, {@code trygetfull} and {@code handoff}).
 *
 * <p>Implementation overview: Go keeps both lists as {@code lfstack}s of
 * workbufs carved from manually managed spans. Here both lists are
 * {@link ConcurrentLinkedDeque}s used as LIFO stacks (lock-free, like
 * lfstack; the JVM's GC makes lfstack's ABA counter unnecessary), and new
 * buffers come from the Java heap in batches of {@code workbufAlloc / _WorkbufSize}
 * = 16, as Go slices a 32 KiB span into 16 buffers.
 *
 * <p>Invariants: a buffer on {@code empty} has {@code nobj == 0}; a buffer on
 * {@code full} has {@code nobj > 0} ("full" means "has work", as in Go:
 * putfull accepts partially full buffers). Every method may be called by any
 * thread at any time.
 *
 * <p>{@code nfull} stands in for Go's one-word test {@code work.full == 0},
 * which gcDrain makes before every object: a deque's {@code isEmpty} walks
 * its nodes, a counter is one load. It is raised before a buffer is pushed
 * and lowered after one is popped, so it is never below the list's size:
 * zero proves the list empty (a brief over-count only sends an idle worker
 * to look once more).
 */
final class WorkPool {
    /** Go's {@code workbufAlloc}: 32 KiB at a time, cut into 2 KiB buffers. */
    static final int WORKBUF_ALLOC = 32 << 10;

    private final ConcurrentLinkedDeque<Workbuf> full = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<Workbuf> empty = new ConcurrentLinkedDeque<>();
    private final AtomicLong buffersAllocated = new AtomicLong();
    /** At least the number of buffers on {@code full}; see the class comment. */
    private final AtomicInteger nfull = new AtomicInteger();

    /** Pops an empty buffer, allocating a batch of new ones when none is free. The caller owns it. */
    Workbuf getempty() {
        Workbuf b = empty.pollFirst();
        if (b != null) {
            b.checkempty();
            return b;
        }
        int batch = WORKBUF_ALLOC / Workbuf.WORKBUF_SIZE;
        buffersAllocated.addAndGet(batch);
        for (int i = 1; i < batch; i++) {
            empty.offerFirst(new Workbuf());
        }
        return new Workbuf();
    }

    /** Gives up an empty buffer the caller owns. */
    void putempty(Workbuf b) {
        b.checkempty();
        empty.offerFirst(b);
    }

    /** Gives up a buffer holding work (possibly only partly full) so any worker can take it. */
    void putfull(Workbuf b) {
        b.checknonempty();
        nfull.incrementAndGet();
        full.offerFirst(b);
    }

    /** Takes a buffer with work, or returns null when the list is empty at this moment. */
    @org.checkerframework.checker.nullness.qual.Nullable
    Workbuf trygetfull() {
        Workbuf b = full.pollFirst();
        if (b != null) {
            nfull.decrementAndGet();
            b.checknonempty();
        }
        return b;
    }

    /**
     * Go's {@code handoff}: moves half of {@code b}'s pointers into a new
     * buffer, publishes {@code b} (the first half) on the full list so other
     * workers can steal it, and returns the new buffer to the caller.
     */
    Workbuf handoff(Workbuf b) {
        Workbuf b1 = getempty();
        int n = b.nobj / 2;
        b.nobj -= n;
        b1.nobj = n;
        System.arraycopy(b.obj, b.nobj, b1.obj, 0, n);
        putfull(b);
        return b1;
    }

    /** Whether the global full list is empty now (Go's {@code work.full == 0}). */
    boolean fullIsEmpty() {
        return nfull.get() == 0;
    }

    /**
     * Go's {@code prepareFreeWorkbufs} check: at the end of mark every buffer
     * must be back on the empty list. Mark termination's coordinator, after the
     * world restarted (as go1.14), with marking off.
     */
    void checkAllEmpty() {
        if (!full.isEmpty()) {
            throw new gcsim.base.GoThrow("cannot free workbufs when work.full != 0");
        }
    }

    /** Buffers on the full list now (at least; see the class comment): 0 exactly when it is empty. */
    int fullCount() {
        return nfull.get();
    }

    long buffersAllocated() {
        return buffersAllocated.get();
    }
}
