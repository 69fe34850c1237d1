package gcsim.heap.internal;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where the heap's {@link HeapGcSupport#scanobject} and {@link HeapGcSupport#shade} put the
 * objects they mark: the collector's gcWork (Go's {@code greyobject} writes into {@code gcw}
 * directly; the heap cannot see gc-mark, so gc-mark passes this instead: dependency inversion, as
 * for {@link WriteBarrier}).
 *
 * <p>Called on the marking thread, once per object whose mark bit that thread set, never for an
 * object that was already marked. One implementation per run, so the JIT inlines the calls.
 */
public interface ScanSink {
    /** The object at {@code obj} was white and is now grey: queue it for scanning. */
    void grey(long obj);

    /** The pointer-free object at {@code obj} was white and is now black (never queued). */
    void blacken(long obj, int sizeBytes);

    /**
     * {@link HeapGcSupport#scanobject} or {@link HeapGcSupport#scanobjectHeld} scanned an object
     * of {@code sizeBytes} bytes whose type's ptrdata is {@code ptrdataBytes} (Go's
     * {@code _type.ptrdata}: up to and including the last pointer word). Go's scanobject counts
     * the size as bytesMarked and, as scan work, how far its loop over the words went, which
     * depends on the Go version (the collector's gcWork works it out). The default ignores it.
     */
    default void scanned(int sizeBytes, int ptrdataBytes) {}

    /**
     * Asked by {@link HeapGcSupport#scanobjectHeld} after each scan, with the object it would
     * return ({@code held}: marked by this thread, not yet counted or queued; 0 when the scan
     * greyed nothing): the object the drain loop that called it would scan next with nothing in
     * between, which scanobjectHeld then scans in the same call; or 0, and scanobjectHeld returns
     * {@code held} to the loop. The loop would scan next (Go's gcDrain: no preemption asked,
     * {@code work.full} not empty, scan work below the flush threshold) the held object itself
     * when there is room for it in the gcWork's current buffer (the sink counts it: greyobject's
     * count), and with nothing held the top of that buffer (Go's {@code tryGetFast}; the sink
     * pops it). Reads decide it; only the pop or the count the loop would make is done. The
     * default never continues. The sink's marking thread.
     */
    default long scanNext(long held) {
        return 0;
    }

    /**
     * The first word of the object the marker scans next, loaded early as Go's greyobject
     * prefetches the object it queues ({@code sys.Prefetch(obj)}; Java has none). A sink that
     * keeps it (the collector's gcWork: one plain store) makes the JIT keep the load; the
     * default drops it, and with it the load.
     */
    default void prefetch(long word) {}

    /**
     * The heap's memo for this sink's marker: the span of the object it scanned last (opaque
     * here; only the heap reads and writes it, and checks it before use), or null. A sink that
     * keeps none (the default) makes the heap look every scanned object up in its page table.
     * The sink's marking thread.
     */
    default @Nullable Object scanSpan() {
        return null;
    }

    /** Remembers {@code span} for {@link #scanSpan()}; the default keeps nothing. */
    default void scanSpan(Object span) {}
}
