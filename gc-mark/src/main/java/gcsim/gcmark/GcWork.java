package gcsim.gcmark;

import gcsim.heap.ScanSink;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A GC worker's private work queue (Go's {@code gcWork}, mgcwork.go): the
 * producer/consumer interface for pointers to grey objects. A grey object is
 * marked and on a work queue; a black object is marked and not on one.
 * Write barriers, root scanning and stack scanning produce grey pointers;
 * {@code scanobject} consumes them.
 *
 * <p>{@code wbuf1} and {@code wbuf2} can be thought of as one stack made of
 * both buffers: popping the last pointer shifts the stack up by one buffer
 * (bring in a full buffer from the pool, discard an empty one); filling both
 * shifts it down (bring in an empty buffer, publish a full one). That gives one
 * buffer's worth of hysteresis, which amortises trips to the global lists.
 * Invariant: both buffers are null or neither is.
 *
 * <p>Threading: one gcWork is used by one thread at a time (Go: with
 * preemption disabled, on the P that owns it). While a gcWork holds buffers,
 * mark termination must not start: {@code gcMarkDone} disposes every gcWork
 * first. Methods throw Go's {@code throw} messages on broken invariants.
 */
final class GcWork implements ScanSink {
    private final WorkPool pool;

    /** The buffer pushed to and popped from. Null until first use and after {@link #dispose()}. */
    private @Nullable Workbuf wbuf1;
    /** The buffer discarded next. */
    private @Nullable Workbuf wbuf2;

    /** Objects this gcWork's owner marked (greyed first). */
    long objectsMarked;
    /** Bytes blackened through this gcWork; folded into the cycle's total by {@link #dispose()}. */
    long bytesMarked;
    /** Scan work (bytes scanned) done through this gcWork; also folded in by dispose. */
    long scanWork;
    /**
     * A non-empty buffer went to the global list since the last gcMarkDone
     * check: this gcWork may have handed work to another (Go's flushedWork).
     */
    boolean flushedWork;

    GcWork(WorkPool pool) {
        this.pool = pool;
    }

    private Workbuf init() {
        Workbuf b1 = pool.getempty();
        Workbuf b2 = pool.trygetfull();
        if (b2 == null) {
            b2 = pool.getempty();
        }
        wbuf1 = b1;
        wbuf2 = b2;
        return b1;
    }

    /** Enqueues a pointer to the base of a grey heap object. */
    void put(long obj) {
        Workbuf wbuf = wbuf1;
        if (wbuf == null) {
            wbuf = init();
        } else if (wbuf.isFull()) {
            Workbuf other = nonNull(wbuf2);
            wbuf2 = wbuf;
            wbuf1 = other;
            wbuf = other;
            if (wbuf.isFull()) {
                pool.putfull(wbuf);
                flushedWork = true;
                wbuf = pool.getempty();
                wbuf1 = wbuf;
            }
        }
        wbuf.obj[wbuf.nobj++] = obj;
    }

    /**
     * greyobject's tail, called by the heap's fused scanobject/shade for an object this thread
     * just marked: count it and queue it (the current buffer when it has room, no call out).
     */
    @Override
    public void grey(long obj) {
        objectsMarked++;
        Workbuf wbuf = wbuf1;
        if (wbuf != null && wbuf.nobj < Workbuf.CAPACITY) {
            wbuf.obj[wbuf.nobj++] = obj;
        } else {
            put(obj);
        }
    }

    /** greyobject's noscan tail: the object is black at once, never queued. */
    @Override
    public void blacken(long obj, int sizeBytes) {
        objectsMarked++;
        bytesMarked += sizeBytes;
    }

    /** Puts without leaving the current buffer; false when the caller must use {@link #put}. */
    boolean putFast(long obj) {
        Workbuf wbuf = wbuf1;
        if (wbuf == null || wbuf.isFull()) {
            return false;
        }
        wbuf.obj[wbuf.nobj++] = obj;
        return true;
    }

    /**
     * Dequeues a grey pointer, or returns 0 when this gcWork and the global
     * list are empty (other gcWorks may still hold work).
     */
    long tryGet() {
        Workbuf wbuf = wbuf1;
        if (wbuf == null) {
            wbuf = init();
        }
        if (wbuf.nobj == 0) {
            Workbuf other = nonNull(wbuf2);
            wbuf2 = wbuf;
            wbuf1 = other;
            wbuf = other;
            if (wbuf.nobj == 0) {
                Workbuf owbuf = wbuf;
                Workbuf got = pool.trygetfull();
                if (got == null) {
                    return 0;
                }
                pool.putempty(owbuf);
                wbuf1 = got;
                wbuf = got;
            }
        }
        return wbuf.obj[--wbuf.nobj];
    }

    /** Dequeues from the current buffer only; 0 when the caller must use {@link #tryGet}. */
    long tryGetFast() {
        Workbuf wbuf = wbuf1;
        if (wbuf == null || wbuf.nobj == 0) {
            return 0;
        }
        return wbuf.obj[--wbuf.nobj];
    }

    /**
     * Returns every cached buffer to the pool, non-empty ones to the full
     * list so write barriers cannot simply take them back before the GC
     * inspects them. Called by gcMarkDone's flush and at mark termination.
     */
    void dispose() {
        Workbuf b1 = wbuf1;
        if (b1 != null) {
            release(b1);
            release(nonNull(wbuf2));
            wbuf1 = null;
            wbuf2 = null;
        }
    }

    private void release(Workbuf b) {
        if (b.nobj == 0) {
            pool.putempty(b);
        } else {
            pool.putfull(b);
            flushedWork = true;
        }
    }

    /** Moves some cached work back to the global list so idle workers can take it (Go's balance). */
    void balance() {
        Workbuf b1 = wbuf1;
        if (b1 == null) {
            return;
        }
        Workbuf b2 = nonNull(wbuf2);
        if (b2.nobj != 0) {
            pool.putfull(b2);
            flushedWork = true;
            wbuf2 = pool.getempty();
        } else if (b1.nobj > 4) {
            wbuf1 = pool.handoff(b1);
            flushedWork = true;
        }
    }

    /** Whether this gcWork holds no work (Go's {@code empty}). */
    boolean empty() {
        Workbuf b1 = wbuf1;
        return b1 == null || (b1.nobj == 0 && nonNull(wbuf2).nobj == 0);
    }

    private static Workbuf nonNull(@Nullable Workbuf b) {
        if (b == null) {
            throw new gcsim.heap.GoThrow("gcWork: wbuf1 and wbuf2 must both be nil or neither");
        }
        return b;
    }
}
