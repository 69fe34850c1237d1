package gcsim.gcmark;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The two counters every marker adds to each time it has done {@link BgMarkWorker#GC_CREDIT_SLACK}
 * units of scan work: Go's {@code gcController.heapScanWork} (what the cycle scanned, for the
 * pacer; {@link Pacer}) and {@code gcController.bgScanCredit} (background credit assists may
 * steal; {@link Assist}). gcDrain flushes to both, one after the other.
 *
 * <p>Layout, as Go's: the two are fields of gcControllerState 24 bytes apart, in one cache line,
 * so a flush takes one line from the other core, not two. Here they are two neighbouring volatile
 * fields with 128 bytes of this object's own padding before them ({@link FrontPadding}) and after
 * them ({@link TailPadded}, the only kind; made by {@link #create}), so that nothing else the Java
 * heap puts near shares their line (MarkerLayoutTest checks the offsets). Measured on the 1M-node
 * tree with two mark workers, 8 interleaved runs each, against two AtomicLongs allocated by two
 * classes: mark CPU per object over all full-tree cycles, median 21.7 → 21.2 ns, lower quartile
 * 20.3 → 19.3.
 *
 * <p>Reads and resets are plain volatile field accesses, not VarHandle calls: gcStart and mark
 * termination make them with the world stopped, where HotSpot may still interpret the code and a
 * VarHandle call costs microseconds interpreted (an AtomicLongArray here first did). Only the
 * workers' adds go through a VarHandle (getAndAdd: one locked add), in compiled drain loops.
 *
 * <p>Threads: any marking thread adds; resets run with the world stopped (gcStart).
 */
abstract sealed class ScanWorkAccounts extends FrontPadding permits ScanWorkAccounts.TailPadded {
    private volatile long heapScanWork;
    private volatile long bgScanCredit;

    private static final VarHandle HEAP_SCAN_WORK;
    private static final VarHandle BG_SCAN_CREDIT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAP_SCAN_WORK = l.findVarHandle(ScanWorkAccounts.class, "heapScanWork", long.class);
            BG_SCAN_CREDIT = l.findVarHandle(ScanWorkAccounts.class, "bgScanCredit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ScanWorkAccounts() {}

    /** A pair of counters padded on both sides (see Layout above). */
    static ScanWorkAccounts create() {
        return new TailPadded();
    }

    /** The 128 bytes after the counters (only longs: no hole in the layout above can take them). */
    @SuppressWarnings("unused") // padding: never read
    static final class TailPadded extends ScanWorkAccounts {
        private long q00, q01, q02, q03, q04, q05, q06, q07;
        private long q08, q09, q10, q11, q12, q13, q14, q15;

        private TailPadded() {}
    }

    /** Go's {@code gcController.heapScanWork.Add(n)}. Any marking thread. */
    void addHeapScanWork(long n) {
        HEAP_SCAN_WORK.getAndAdd(this, n);
    }

    /** Go's {@code gcController.heapScanWork}. Any thread. */
    long heapScanWork() {
        return heapScanWork;
    }

    /** The cycle's heap scan work starts from 0 (startCycle's {@code c.scanWork = 0}). World stopped. */
    void resetHeapScanWork() {
        heapScanWork = 0;
    }

    /** {@code atomic.Xaddint64(&gcController.bgScanCredit, n)} (n may be negative: a steal). Any thread. */
    void addBgScanCredit(long n) {
        BG_SCAN_CREDIT.getAndAdd(this, n);
    }

    /** Go's {@code gcController.bgScanCredit}. Any thread. */
    long bgScanCredit() {
        return bgScanCredit;
    }

    /** {@code c.bgScanCredit = 0} (startCycle, world stopped). */
    void resetBgScanCredit() {
        bgScanCredit = 0;
    }
}
