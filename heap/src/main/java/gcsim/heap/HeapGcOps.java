package gcsim.heap;

import gcsim.heap.internal.HeapGcAccess;
import org.checkerframework.checker.nullness.qual.Nullable;

/** {@link HeapGcAccess.Ops} over Heap's package-private GC operations; installed by {@link Heap}. */
final class HeapGcOps implements HeapGcAccess.Ops {
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
}
