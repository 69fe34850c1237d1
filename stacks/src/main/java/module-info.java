/**
 * Simulated goroutine stacks: stack pools, function metadata and stack maps,
 * the prologue check, the unwinder, newstack growth, copystack, shrinkstack
 * and stack scanning. Depends on no other gcsim module but base (Go's throw), not even the heap.
 */
module gcsim.stacks {
    requires static org.checkerframework.checker.qual;
    requires gcsim.base;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;

    exports gcsim.stacks;
}
