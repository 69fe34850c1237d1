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
    // globals, statistics, and the hook interfaces the collector implements (WriteBarrier,
    // GcTriggerHook, ScanSink).
    exports gcsim.heap;
    // Operations only the collector may use (allocate-black, the write barrier and trigger hook,
    // checkmark mode, the sweeper, mark termination's heap_marked update).
    exports gcsim.heap.internal to gcsim.gcmark;
}
