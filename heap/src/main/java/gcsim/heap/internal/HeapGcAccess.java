package gcsim.heap.internal;

import gcsim.heap.GcTriggerHook;
import gcsim.heap.Heap;
import gcsim.heap.HeapGcOperations;
import gcsim.heap.ScanSink;
import gcsim.heap.WriteBarrier;
import java.lang.reflect.Constructor;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The heap's operations only the garbage collector (gc-mark) may use: the cycle's state changes
 * (allocate-black, the write barrier, the trigger hook, checkmark mode), marking (the mark and
 * checkmark bits, scanobject, shade) and the sweeper. This
 * package is exported to {@code gcsim.gcmark} alone; the heap's own tests (same module) call
 * {@link Heap}'s package-private methods directly. The JMH benchmarks, which run on the class
 * path rather than as a named module, call it too for the heap-only sweep and allocation
 * benchmarks (no collector is involved there).
 *
 * <p>Each method is a static call on the given heap, with no allocation: {@link HeapGcOperations}
 * is implemented once, inside {@code gcsim.heap} ({@code HeapGcOps}, package-private), and this
 * class creates that implementation by name on first use, so {@code gcsim.heap} does not depend
 * on this package (no package cycle; ArchitectureTest checks). The marker's calls are hot: the
 * operations are read once into a {@code static final} field, so the JIT sees one constant
 * receiver and inlines through it. The thread and world-state rule of each operation is that of
 * the Heap method it forwards to (most need the world stopped; see the cycle order in
 * {@link Heap}'s class comment).
 */
public final class HeapGcAccess {
    /** The one implementation of {@link HeapGcOperations}, package-private in {@code gcsim.heap}. */
    private static final String IMPLEMENTATION = "gcsim.heap.HeapGcOps";

    private HeapGcAccess() {}

    /** Read once, on the first GC operation: the heap's one implementation, created by name. */
    private static final class Holder {
        static final HeapGcOperations OPS = load();

        /**
         * Creates {@code gcsim.heap.HeapGcOps} (package-private) reflectively: the heap's core
         * package never names this one, so the two packages form no cycle; the same module may
         * open its own package-private constructor.
         */
        private static HeapGcOperations load() {
            try {
                Class<?> c = Class.forName(IMPLEMENTATION, true, HeapGcAccess.class.getClassLoader());
                Constructor<?> k = c.getDeclaredConstructor();
                k.setAccessible(true);
                return (HeapGcOperations) k.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("HeapGcAccess: cannot create " + IMPLEMENTATION, e);
            }
        }
    }
    /** Installs (or removes, with null) the hook told when heap_live reaches the GC trigger. */
    public static void setGcTriggerHook(Heap heap, @Nullable GcTriggerHook hook) {
        Holder.OPS.setGcTriggerHook(heap, hook);
    }

    /** Go's gcBlackenEnabled for allocation: new objects are marked when on. World stopped. */
    public static void setAllocateBlack(Heap heap, boolean on) {
        Holder.OPS.setAllocateBlack(heap, on);
    }

    /** Go's {@code debug.gccheckmark} for scanobject's marking; set before any marking. */
    public static void setDebugGccheckmark(Heap heap, boolean on) {
        Holder.OPS.setDebugGccheckmark(heap, on);
    }

    /** Clears every checkmark bit (before a checkmark pass). World stopped. */
    public static void clearCheckmarks(Heap heap) {
        Holder.OPS.clearCheckmarks(heap);
    }

    /** Installs (or removes, with null) the write barrier. World stopped. */
    public static void setWriteBarrier(Heap heap, @Nullable WriteBarrier wb) {
        Holder.OPS.setWriteBarrier(heap, wb);
    }

    /** Go's gcSweep start (sweepgen += 2) and prepareForSweep of every mcache. World stopped. */
    public static void startSweepCycle(Heap heap) {
        Holder.OPS.startSweepCycle(heap);
    }

    /** Go's sweepone: sweeps one unswept span; false when none was left. Any number of threads. */
    public static boolean sweepOne(Heap heap) {
        return Holder.OPS.sweepOne(heap);
    }

    /** Go's finishsweep_m: sweeps what is left and waits for concurrent sweepers. World stopped. */
    public static void finishSweep(Heap heap) {
        Holder.OPS.finishSweep(heap);
    }

    /** Go's flushallmcaches: every P's mcache returns its cached spans. World stopped. */
    public static void flushMCaches(Heap heap) {
        Holder.OPS.flushMCaches(heap);
    }

    /** Mark termination's heap_marked update and the next goal and trigger. World stopped. */
    public static void setHeapMarked(Heap heap, long bytesMarked) {
        Holder.OPS.setHeapMarked(heap, bytesMarked);
    }

    /**
     * Atomically sets the mark bit of the object at (or containing) base; true iff this call set
     * it. Any number of threads. Throws Go's "marking free object" outside an allocated object.
     */
    public static boolean tryMark(Heap heap, long base) {
        return Holder.OPS.tryMark(heap, base);
    }

    /**
     * Go's scanobject fused with findObject and greyobject: marks every white object b points at
     * and hands it to sink; returns b's size in bytes. Any number of marking threads, each with its
     * own sink; b is an allocated, marked object.
     */
    public static int scanobject(Heap heap, long b, ScanSink sink) {
        return Holder.OPS.scanobject(heap, b, sink);
    }

    /** Go's shade: marks the white object p points into (if any) and hands it to sink. Any thread. */
    public static void shade(Heap heap, long p, ScanSink sink) {
        Holder.OPS.shade(heap, p, sink);
    }

    /** Checkmark mode's mark: true iff this call set the object's checkmark bit. World stopped. */
    public static boolean tryCheckmark(Heap heap, long base) {
        return Holder.OPS.tryCheckmark(heap, base);
    }
}
