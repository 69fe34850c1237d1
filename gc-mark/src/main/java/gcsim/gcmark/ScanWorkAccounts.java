package gcsim.gcmark;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The two counters every marker adds to each time it has done {@link BgMarkWorker#GC_CREDIT_SLACK}
 * units of scan work: Go's {@code gcController.heapScanWork} (what the cycle scanned, for the
 * pacer; {@link Pacer}) and {@code gcController.bgScanCredit} (background credit assists may
 * steal; {@link Assist}). gcDrain flushes to both, one after the other.
 *
 * <p>Layout, as Go's: the two are fields of gcControllerState 24 bytes apart, in one cache line,
 * so a flush takes one line from the other core, not two. Here they are two slots of one array,
 * next to each other, with 128 bytes of the array before them and after them (the hardware
 * fetches lines in 128-byte pairs), so that nothing else the Java heap puts near shares their
 * line (ScanWorkAccountsTest checks the offsets). Measured on the 1M-node tree with two mark
 * workers, 8 interleaved runs each, against two AtomicLongs allocated by two classes: mark CPU per
 * object over all full-tree cycles, median 21.7 → 21.2 ns, lower quartile 20.3 → 19.3.
 *
 * <p>Threads: any marking thread adds; resets run with the world stopped (gcStart).
 */
final class ScanWorkAccounts {
    /** Slots of padding before the counters: 16 longs, with the array header 144 bytes. */
    static final int HEAP_SCAN_WORK = 16;
    static final int BG_SCAN_CREDIT = HEAP_SCAN_WORK + 1;
    /** 16 longs of padding after them. */
    static final int LENGTH = BG_SCAN_CREDIT + 1 + 16;

    private final AtomicLongArray slots = new AtomicLongArray(LENGTH);

    /** Go's {@code gcController.heapScanWork.Add(n)}. Any marking thread. */
    void addHeapScanWork(long n) {
        slots.getAndAdd(HEAP_SCAN_WORK, n);
    }

    /** Go's {@code gcController.heapScanWork}. Any thread. */
    long heapScanWork() {
        return slots.get(HEAP_SCAN_WORK);
    }

    /** The cycle's heap scan work starts from 0 (go1.18's startCycle). World stopped. */
    void resetHeapScanWork() {
        slots.set(HEAP_SCAN_WORK, 0);
    }

    /** {@code atomic.Xaddint64(&gcController.bgScanCredit, n)} (n may be negative: a steal). Any thread. */
    void addBgScanCredit(long n) {
        slots.getAndAdd(BG_SCAN_CREDIT, n);
    }

    /** Go's {@code gcController.bgScanCredit}. Any thread. */
    long bgScanCredit() {
        return slots.get(BG_SCAN_CREDIT);
    }

    /** {@code c.bgScanCredit = 0} (startCycle, world stopped). */
    void resetBgScanCredit() {
        slots.set(BG_SCAN_CREDIT, 0);
    }
}
