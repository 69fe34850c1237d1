package gcsim.heap.internal;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One heap's operations only the garbage collector (gc-mark) may use: the cycle's state changes
 * (allocate-black, the write barrier, the trigger hook, checkmark mode, mark termination's
 * heap_marked update), marking (the mark and checkmark bits, scanobject, shade) and the sweeper.
 *
 * <p><b>Layering.</b> This package is a lower layer the heap core ({@code gcsim.heap}) builds on,
 * not a view that reaches back into it: it imports nothing from the core, so the dependency
 * between the two packages points one way (core -> internal) and there is no package cycle
 * (ArchitectureTest checks both). Its types say what the collector may do in terms of the JDK and
 * of each other: this class, and the hooks the collector implements and hands the heap
 * ({@link WriteBarrier}, {@link GcTriggerHook}, {@link ScanSink}, {@link PacerHook}). The core implements this class
 * once (package-private in {@code gcsim.heap}) and hands out one instance per heap, made with it
 * ({@code Heap.gc()}). {@code module-info} exports this package to {@code gcsim.gcmark} alone, so
 * only the collector can name these types and call their methods: another module may call
 * {@code Heap.gc()} but can do nothing with what it gets. The heap's own tests (same package as
 * the core) call Heap's package-private methods directly; the JMH benchmarks, which run on the
 * class path, use this class for the heap-only sweep and allocation benchmarks (no collector is
 * involved there).
 *
 * <p><b>Cost.</b> The marker calls {@link #tryMark}, {@link #scanobject} and {@link #shade} once
 * per object or pointer: callers hold the heap's instance in a final field, and with one
 * implementation the calls are monomorphic, so the JIT inlines them into the heap's code.
 *
 * <p><b>Threads.</b> Each method says who may call it; "world stopped" means the collector holds
 * the world stopped (see the cycle order in {@code Heap}'s class comment). Nothing here allocates.
 *
 * <p>Before this layering the door was a class of static methods over core types that created the
 * core's implementation by name (reflection), hiding the dependency from the build.
 */
public abstract class HeapGcSupport {
    /** For the heap's own implementation. */
    protected HeapGcSupport() {}

    /** Installs (or removes, with null) the hook told when heap_live reaches the GC trigger. */
    public abstract void setGcTriggerHook(@Nullable GcTriggerHook hook);

    /** Go's gcBlackenEnabled for allocation: new objects are marked when on. World stopped. */
    public abstract void setAllocateBlack(boolean on);

    /** Go's {@code debug.gccheckmark} for scanobject's marking; set before any marking. */
    public abstract void setDebugGccheckmark(boolean on);

    /** Clears every checkmark bit (before a checkmark pass). World stopped. */
    public abstract void clearCheckmarks();

    /** Installs (or removes, with null) the write barrier. World stopped. */
    public abstract void setWriteBarrier(@Nullable WriteBarrier wb);

    /**
     * Go's gcSweep start (sweepgen += 2) and prepareForSweep of every mcache at once. World
     * stopped. (The collector does the two as go1.14 does: {@link #gcSweep} stopped, then
     * {@link #prepareForSweep} per P with the world running; benchmarks and tests use this.)
     */
    public abstract void startSweepCycle();

    /** Go's gcSweep, its stopped part: sweepgen += 2. O(1). World stopped. */
    public abstract void gcSweep();

    /**
     * Go's {@code _p_.mcache.prepareForSweep()} for P {@code pid}, as gcMarkTermination runs it
     * through forEachP after the world restarts: flushes that P's mcache if a sweep cycle started
     * since its last flush. On the thread that holds the P (or holds it idle).
     */
    public abstract void prepareForSweep(int pid);

    /** Go's sweepone: sweeps one unswept span; false when none was left. Any number of threads. */
    public abstract boolean sweepOne();

    /** Go's finishsweep_m: sweeps what is left and waits for concurrent sweepers. World stopped. */
    public abstract void finishSweep();

    /**
     * The bytes allocated black since the last call (Go's gcmarknewobject's share of
     * work.bytesMarked), summed over the Ps and reset. O(Ps). World stopped.
     */
    public abstract long takeMarkedNewBytes();

    /** Go's flushallmcaches: every P's mcache returns its cached spans. World stopped. */
    public abstract void flushMCaches();

    /**
     * Mark termination's heap_scan update (go1.14's gcMark: {@code memstats.heap_scan =
     * gcController.scanWork}): {@code scanWork} is the cycle's scan work done by the drains; the
     * heap adds the ptrdata of the objects allocated black and drops the mcaches' unflushed
     * local_scan. World stopped.
     */
    public abstract void setHeapScan(long scanWork);

    /** Mark termination's heap_marked update and the next goal and trigger. World stopped. */
    public abstract void setHeapMarked(long bytesMarked);

    /**
     * Installs go1.18's pacer inputs (see {@link PacerHook}) and recomputes the first goal and
     * trigger by its rules. Once, before the first cycle; never under go1.14.
     */
    public abstract void setPacerHook(PacerHook hook);

    /**
     * Atomically sets the mark bit of the object at (or containing) base; true iff this call set
     * it. Any number of threads. Throws Go's "marking free object" outside an allocated object.
     */
    public abstract boolean tryMark(long base);

    /**
     * Go's scanobject fused with findObject and greyobject: marks every white object b points at
     * and hands it to sink, then gives sink b's size and ptrdata ({@link ScanSink#scanned}). Any
     * number of marking threads, each with its own sink; b is an allocated, marked object.
     */
    public abstract void scanobject(long b, ScanSink sink);

    /**
     * {@link #scanobject} for a drain loop: the same marking in the same order, but the last
     * object it greys (the one a LIFO gcWork pops next) is returned instead of handed to
     * {@code sink.grey} (0 when none); b's size and ptrdata go to {@link ScanSink#scanned} first. The caller
     * owns the returned object: it counts it and scans or queues it before using its gcWork
     * otherwise. While {@link ScanSink#scanNext} names the object the loop would scan next (the
     * held one, counted by the sink, or with none held the top of the sink's buffer, popped by
     * it), that object is scanned in this call instead, each with its own scanned.
     * Same threads and preconditions as scanobject.
     */
    public abstract long scanobjectHeld(long b, ScanSink sink);

    /** Go's shade: marks the white object p points into (if any) and hands it to sink. Any thread. */
    public abstract void shade(long p, ScanSink sink);

    /** Checkmark mode's mark: true iff this call set the object's checkmark bit. World stopped. */
    public abstract boolean tryCheckmark(long base);
}
