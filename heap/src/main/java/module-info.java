/**
 * The simulated, concurrent heap: arenas, spans, size classes, per-P caches,
 * mark and alloc bits, sweep with poisoning, globals, and the write-barrier
 * hook the collector installs. Depends on no other gcsim module but base (Go's throw).
 */
module gcsim.heap {
    requires static org.checkerframework.checker.qual;
    requires gcsim.base;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;

    // The heap itself: allocation, object lookup and mark bits, pointer reads and stores,
    // globals, statistics; Heap.gc() hands out the collector's door (a type of the package below).
    exports gcsim.heap;
    // The collector's door, a lower layer the core builds on (it names nothing in gcsim.heap;
    // the core implements it, one instance per heap): operations only the collector may use
    // (allocate-black, checkmark mode, marking, the sweeper, mark termination's heap_marked
    // update) and the hooks it installs (WriteBarrier, GcTriggerHook, ScanSink).
    exports gcsim.heap.internal to gcsim.gcmark;
}
