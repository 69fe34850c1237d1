package gcsim.heap;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link HeapGcOperations} over Heap's package-private GC operations; created by name by
 * {@code gcsim.heap.internal.HeapGcAccess} (keep the class name and its no-argument constructor).
 */
final class HeapGcOps implements HeapGcOperations {
    @Override
    public void setGcTriggerHook(Heap heap, @Nullable GcTriggerHook hook) {
        heap.setGcTriggerHook(hook);
    }

    @Override
    public void setAllocateBlack(Heap heap, boolean on) {
        heap.setAllocateBlack(on);
    }

    @Override
    public void setDebugGccheckmark(Heap heap, boolean on) {
        heap.setDebugGccheckmark(on);
    }

    @Override
    public void clearCheckmarks(Heap heap) {
        heap.clearCheckmarks();
    }

    @Override
    public void setWriteBarrier(Heap heap, @Nullable WriteBarrier wb) {
        heap.setWriteBarrier(wb);
    }

    @Override
    public void startSweepCycle(Heap heap) {
        heap.startSweepCycle();
    }

    @Override
    public boolean sweepOne(Heap heap) {
        return heap.sweepOne();
    }

    @Override
    public void finishSweep(Heap heap) {
        heap.finishSweep();
    }

    @Override
    public void flushMCaches(Heap heap) {
        heap.flushMCaches();
    }

    @Override
    public void setHeapMarked(Heap heap, long bytesMarked) {
        heap.setHeapMarked(bytesMarked);
    }

    @Override
    public boolean tryMark(Heap heap, long base) {
        return heap.tryMark(base);
    }

    @Override
    public int scanobject(Heap heap, long b, ScanSink sink) {
        return heap.scanobject(b, sink);
    }

    @Override
    public void shade(Heap heap, long p, ScanSink sink) {
        heap.shade(p, sink);
    }

    @Override
    public boolean tryCheckmark(Heap heap, long base) {
        return heap.tryCheckmark(base);
    }
}
