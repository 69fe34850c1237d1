package gcsim.heap;

import gcsim.heap.internal.GcTriggerHook;
import gcsim.heap.internal.HeapGcSupport;
import gcsim.heap.internal.PacerHook;
import gcsim.heap.internal.ScanSink;
import gcsim.heap.internal.WriteBarrier;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The heap's one implementation of the collector's door ({@link HeapGcSupport}, whose header says
 * the layering): each method forwards to the Heap method of the same name, package-private there,
 * and keeps that method's thread and world-state rule. One per {@link Heap}, made with it and
 * handed out by {@link Heap#gc()}.
 */
final class HeapGcView extends HeapGcSupport {
    // The heap is still being constructed when it makes its view; the view reads it only once the
    // collector calls it (after construction).
    private final @NotOnlyInitialized Heap heap;

    HeapGcView(@UnderInitialization Heap heap) {
        this.heap = heap;
    }

    @Override
    public void setGcTriggerHook(@Nullable GcTriggerHook hook) {
        heap.setGcTriggerHook(hook);
    }

    @Override
    public void setAllocateBlack(boolean on) {
        heap.setAllocateBlack(on);
    }

    @Override
    public void setDebugGccheckmark(boolean on) {
        heap.setDebugGccheckmark(on);
    }

    @Override
    public void clearCheckmarks() {
        heap.clearCheckmarks();
    }

    @Override
    public void setWriteBarrier(@Nullable WriteBarrier wb) {
        heap.setWriteBarrier(wb);
    }

    @Override
    public void gcSweep() {
        heap.gcSweep();
    }

    @Override
    public void prepareForSweep(int pid) {
        heap.prepareForSweep(pid);
    }

    @Override
    public void startSweepCycle() {
        heap.startSweepCycle();
    }

    @Override
    public boolean sweepOne() {
        return heap.sweepOne();
    }

    @Override
    public void finishSweep() {
        heap.finishSweep();
    }

    @Override
    public long takeMarkedNewBytes() {
        return heap.takeMarkedNewBytes();
    }

    @Override
    public void flushMCaches() {
        heap.flushMCaches();
    }

    @Override
    public void setPacerHook(PacerHook hook) {
        heap.setPacerHook(hook);
    }

    @Override
    public void setHeapScan(long scanWork) {
        heap.setHeapScan(scanWork);
    }

    @Override
    public void setHeapMarked(long bytesMarked) {
        heap.setHeapMarked(bytesMarked);
    }

    @Override
    public boolean tryMark(long base) {
        return heap.tryMark(base);
    }

    @Override
    public void scanobject(long b, ScanSink sink) {
        heap.scanobject(b, sink);
    }

    @Override
    public long scanobjectHeld(long b, ScanSink sink) {
        return heap.scanobjectHeld(b, sink);
    }

    @Override
    public void shade(long p, ScanSink sink) {
        heap.shade(p, sink);
    }

    @Override
    public boolean tryCheckmark(long base) {
        return heap.tryCheckmark(base);
    }
}
