package gcsim.heap;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The heap's operations only the garbage collector may use, as an interface over
 * {@link Heap}'s package-private methods. Its one implementation is package-private here;
 * the collector reaches it only through {@code gcsim.heap.internal.HeapGcAccess} (exported
 * to gc-mark alone), which creates it by name. Declared in this package so that
 * {@code gcsim.heap} never depends on {@code gcsim.heap.internal}: the door depends on the
 * heap, not the other way round. Thread and world-state rules: those of the Heap method each
 * one forwards to (see {@code HeapGcAccess}).
 */
public interface HeapGcOperations {
    void setGcTriggerHook(Heap heap, @Nullable GcTriggerHook hook);

    void setAllocateBlack(Heap heap, boolean on);

    void setDebugGccheckmark(Heap heap, boolean on);

    void clearCheckmarks(Heap heap);

    void setWriteBarrier(Heap heap, @Nullable WriteBarrier wb);

    void startSweepCycle(Heap heap);

    boolean sweepOne(Heap heap);

    void finishSweep(Heap heap);

    void flushMCaches(Heap heap);

    void setHeapMarked(Heap heap, long bytesMarked);

    boolean tryMark(Heap heap, long base);

    int scanobject(Heap heap, long b, ScanSink sink);

    void shade(Heap heap, long p, ScanSink sink);

    boolean tryCheckmark(Heap heap, long base);
}
