package gcsim.gcmark;

import gcsim.goroutines.GoVersion;
import gcsim.goroutines.internal.GcGoroutine;
import gcsim.heap.internal.ScanSink;
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
 *
 * <p>Layout: the marker writes its gcWork's counts and buffer index for every object, so nothing
 * another marker touches may share a cache line with them: 128 bytes of padding before the fields
 * ({@link FrontPadding}) and 128 after ({@link TailPadded}, the only kind there is; made by
 * {@link #create}). gcsim only: Go's gcWork is embedded in its P, a large separate allocation.
 */
abstract sealed class GcWork extends FrontPadding implements ScanSink permits GcWork.TailPadded {
    private static final long[] NO_OBJ = new long[0];

    private final WorkPool pool;

    /** The buffer pushed to and popped from. Null until first use and after {@link #dispose()}. */
    private @Nullable Workbuf wbuf1;
    /** The buffer discarded next. */
    private @Nullable Workbuf wbuf2;
    /**
     * {@code wbuf1.obj}, or an empty array while wbuf1 is null, so the hot paths ({@link #grey},
     * {@link #tryGetFast}) test one bound and touch no Workbuf object. gcsim only: Go's
     * {@code put} and {@code tryGetFast} go through {@code wbuf1} each time.
     */
    private long[] obj1 = NO_OBJ;
    /**
     * wbuf1's count while it is wbuf1 (0 while it is null): its {@code nobj} field is stale until
     * {@link #syncWbuf1} writes this back, which happens before wbuf1 moves anywhere else.
     */
    private int nobj1;

    /** Objects this gcWork's owner marked (greyed first). */
    long objectsMarked;
    /** Bytes blackened through this gcWork; folded into the cycle's total by {@link #dispose()}. */
    long bytesMarked;
    /**
     * Scan work done through this gcWork, in Go's unit: for each object scanned, the bytes
     * scanobject's loop over its words went through ({@link #scanned}), not its size. Drains
     * flush it to the pacer and background credit.
     */
    long scanWork;
    /**
     * The least scan work scanobject counts for an object of two or more words: 16 bytes while
     * the checkmark bit lives in the heap bitmap ({@link GoVersion#checkmarkInHeapBitmap()}: the
     * loop never stops at word 1), else 0. Fixed at creation. A long: with an int here the JVM
     * lays the fields out so that the padding after them falls 4 bytes short (MarkerLayoutTest).
     */
    private final long scanWorkFloor;
    /**
     * A non-empty buffer went to the global list since the last gcMarkDone
     * check: this gcWork may have handed work to another (Go's flushedWork).
     */
    boolean flushedWork;
    /**
     * The heap's memo of the span this gcWork's owner scanned last ({@link ScanSink#scanSpan}):
     * gcsim only, an index hint that lets consecutive objects of one span skip the page table.
     * Only the heap interprets it, and it checks the span is still in use before trusting it.
     */
    private @Nullable Object scanSpan;
    /**
     * The words {@link #prefetch} was given, folded together: written so that the heap's early
     * load of the next object (Go's {@code sys.Prefetch}) is not dropped by the JIT; never read.
     */
    private long prefetched;
    /**
     * The G whose gcDrain loop is draining this gcWork's heap work (its GC view, for {@code
     * gp.preempt}), or null outside that loop: {@link #scanNext} continues the heap's chain
     * only for that loop. Set and cleared by the loop's thread ({@link #startDrainLoop}).
     */
    private @Nullable GcGoroutine drainer;

    private GcWork(WorkPool pool, long scanWorkFloor) {
        this.pool = pool;
        this.scanWorkFloor = scanWorkFloor;
    }

    /**
     * A gcWork taking buffers from {@code pool}, padded on both sides (see Layout above), counting
     * scan work as Go {@code version}'s scanobject does.
     */
    static GcWork create(WorkPool pool, GoVersion version) {
        return new TailPadded(pool, version.checkmarkInHeapBitmap() ? 2 * 8 : 0);
    }

    /** {@link #create(WorkPool, GoVersion)} for gcsim's default version. */
    static GcWork create(WorkPool pool) {
        return create(pool, GoVersion.DEFAULT);
    }

    /**
     * The 128 bytes after a gcWork's fields (the JVM lays out a subclass's fields after its
     * superclass's, and only longs here, which no hole under 8 bytes in gcWork's own layout can
     * take). Without them, whatever the Java heap put next shared a line with the counts the
     * marker writes per object: with two markers at 2 Ps the WorkPool (whose emptiness test,
     * then a counter, every marker reads per object: gcDrain's {@code work.full == 0}) was seen
     * right after a gcWork's fields, and G1 moves objects, so which neighbour a run got changed
     * from run to run and within one: the two-worker runs were bimodal (one marker at 60-80 ns
     * per object, the other at 30, where both mark at about 20 when nothing shares their lines).
     * MarkerLayoutTest checks the offsets.
     */
    @SuppressWarnings("unused") // padding: never read
    static final class TailPadded extends GcWork {
        private long q00, q01, q02, q03, q04, q05, q06, q07;
        private long q08, q09, q10, q11, q12, q13, q14, q15;

        private TailPadded(WorkPool pool, long scanWorkFloor) {
            super(pool, scanWorkFloor);
        }
    }

    private void init() {
        setWbuf1(pool.getempty());
        Workbuf b2 = pool.trygetfull();
        if (b2 == null) {
            b2 = pool.getempty();
        }
        wbuf2 = b2;
    }

    /** Makes b the current buffer, caching its array and count. */
    private void setWbuf1(@Nullable Workbuf b) {
        wbuf1 = b;
        obj1 = b == null ? NO_OBJ : b.obj;
        nobj1 = b == null ? 0 : b.nobj;
    }

    /** Writes the cached count back before wbuf1 is swapped, handed off or released. */
    private Workbuf syncWbuf1() {
        Workbuf b = nonNull(wbuf1);
        b.nobj = nobj1;
        return b;
    }

    /** Enqueues a pointer to the base of a grey heap object. */
    void put(long obj) {
        if (wbuf1 == null) {
            init();
        } else if (nobj1 == Workbuf.CAPACITY) {
            Workbuf full = syncWbuf1();
            setWbuf1(nonNull(wbuf2));
            wbuf2 = full;
            if (nobj1 == Workbuf.CAPACITY) {
                pool.putfull(nonNull(wbuf1));
                flushedWork = true;
                setWbuf1(pool.getempty());
            }
        }
        obj1[nobj1++] = obj;
    }

    /**
     * greyobject's tail, called by the heap's fused scanobject/shade for an object this thread
     * just marked: count it and queue it (the current buffer when it has room, no call out).
     */
    @Override
    public void grey(long obj) {
        objectsMarked++;
        if (!putFast(obj)) {
            put(obj);
        }
    }

    @Override
    public @Nullable Object scanSpan() {
        return scanSpan;
    }

    @Override
    public void scanSpan(Object span) {
        scanSpan = span;
    }

    /**
     * gcDrain's heap loop starts draining this gcWork on {@code gp}'s behalf: until {@link
     * #endDrainLoop}, {@link #scanNext} answers for that loop. The loop's thread.
     */
    void startDrainLoop(GcGoroutine gp) {
        drainer = gp;
    }

    /** gcDrain's heap loop is done: the heap's scans return to their caller after each object again. */
    void endDrainLoop() {
        drainer = null;
    }

    /**
     * The object gcDrain's loop ({@link BgMarkWorker}), given {@code held} (0: none), would scan
     * next with nothing in between, or 0 when it would do something else first. The loop goes
     * straight to its next object while the scan work is below the flush threshold ({@code
     * gcw.scanWork >= gcCreditSlack} flushes), the G is not asked to preempt (the loop's
     * condition; when it is, the loop decides) and {@code work.full} is not empty (else balance
     * first). That object is the held one when the current buffer has room for it (else the loop
     * puts it first), counted here where the loop would have counted it (greyobject's count); with
     * none held, the current buffer's top, popped here as the loop's {@code tryGetFast} would (0
     * when that buffer is empty: the loop's {@code tryGet} moves buffers). Only the count or the
     * pop changes anything; the loop's thread.
     */
    @Override
    public long scanNext(long held) {
        GcGoroutine gp = drainer;
        if (gp == null || scanWorkFlushDue() || gp.preempt() || pool.fullIsEmpty()) {
            return 0;
        }
        if (held == 0) {
            return tryGetFast();
        }
        if (!putFastHasRoom()) {
            return 0;
        }
        objectsMarked++;
        return held;
    }

    /**
     * gcDrain's {@code gcw.scanWork >= gcCreditSlack}: enough scan work is done to flush it to
     * the pacer and background credit ({@link BgMarkWorker#GC_CREDIT_SLACK}). The owner.
     */
    boolean scanWorkFlushDue() {
        return scanWork >= BgMarkWorker.GC_CREDIT_SLACK;
    }

    /** greyobject's {@code sys.Prefetch(obj)} as the heap does it: keeps the load it made (see ScanSink). */
    @Override
    public void prefetch(long word) {
        prefetched ^= word;
    }

    /**
     * scanobject's accounting for an object of {@code sizeBytes} bytes whose type's ptrdata is
     * {@code ptrdataBytes} (the heap's scanobject paths call it; so does checkmark marking):
     * {@code gcw.bytesMarked += n; gcw.scanWork += i}, where i is how far the loop over the
     * object's words went before a word without the scan bit stopped it. The scan bit is set on
     * the words before ptrdata, so i is ptrdata (go1.19's heapScanWork; go1.22's {@code
     * scanSize}, the end of the farthest pointer slot, is the same); under go1.14 word 1's scan
     * bit is the checkmark bit and is not tested, so i is at least 16 bytes, and at most the
     * object (a 1-word object: 8). No version branch: the floor is this gcWork's
     * ({@link #scanWorkFloor}). Never called for a noscan object (greyobject blackens those).
     */
    @Override
    public void scanned(int sizeBytes, int ptrdataBytes) {
        bytesMarked += sizeBytes;
        scanWork += Math.min(sizeBytes, Math.max(ptrdataBytes, scanWorkFloor));
    }

    /** greyobject's noscan tail: the object is black at once, never queued. */
    @Override
    public void blacken(long obj, int sizeBytes) {
        objectsMarked++;
        bytesMarked += sizeBytes;
    }

    /** Puts without leaving the current buffer; false when the caller must use {@link #put}. */
    boolean putFast(long obj) {
        int n = nobj1;
        long[] objs = obj1;
        if (n >= objs.length) {
            return false;
        }
        objs[n] = obj;
        nobj1 = n + 1;
        return true;
    }

    /** Whether {@link #putFast} would succeed: the current buffer exists and has room. */
    boolean putFastHasRoom() {
        return nobj1 < obj1.length;
    }

    /**
     * Dequeues a grey pointer, or returns 0 when this gcWork and the global
     * list are empty (other gcWorks may still hold work).
     */
    long tryGet() {
        if (wbuf1 == null) {
            init();
        }
        if (nobj1 == 0) {
            Workbuf drained = syncWbuf1();
            setWbuf1(nonNull(wbuf2));
            wbuf2 = drained;
            if (nobj1 == 0) {
                Workbuf got = pool.trygetfull();
                if (got == null) {
                    return 0;
                }
                pool.putempty(nonNull(wbuf1));
                setWbuf1(got);
            }
        }
        return obj1[--nobj1];
    }

    /** Dequeues from the current buffer only; 0 when the caller must use {@link #tryGet}. */
    long tryGetFast() {
        int n = nobj1;
        if (n == 0) {
            return 0;
        }
        nobj1 = --n;
        return obj1[n];
    }

    /**
     * Returns every cached buffer to the pool, non-empty ones to the full
     * list so write barriers cannot simply take them back before the GC
     * inspects them. Called by gcMarkDone's flush and at mark termination.
     */
    void dispose() {
        if (wbuf1 != null) {
            release(syncWbuf1());
            release(nonNull(wbuf2));
            setWbuf1(null);
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
        if (wbuf1 == null) {
            return;
        }
        Workbuf b2 = nonNull(wbuf2);
        if (b2.nobj != 0) {
            pool.putfull(b2);
            flushedWork = true;
            wbuf2 = pool.getempty();
        } else if (nobj1 > 4) {
            setWbuf1(pool.handoff(syncWbuf1()));
            flushedWork = true;
        }
    }

    /** Whether this gcWork holds no work (Go's {@code empty}). */
    boolean empty() {
        return wbuf1 == null || (nobj1 == 0 && nonNull(wbuf2).nobj == 0);
    }

    private static Workbuf nonNull(@Nullable Workbuf b) {
        if (b == null) {
            throw new gcsim.base.GoThrow("gcWork: wbuf1 and wbuf2 must both be nil or neither");
        }
        return b;
    }
}
