/**
 * The simulated, concurrent heap: arenas, spans, size classes, per-P caches,
 * mark and alloc bits, sweep with poisoning, globals, and the write-barrier
 * hook the collector installs. Depends on no other gcsim module.
 */
module gcsim.heap {
    requires static org.checkerframework.checker.qual;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;

    exports gcsim.heap;
}
