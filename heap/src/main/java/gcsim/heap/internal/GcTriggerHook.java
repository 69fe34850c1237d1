package gcsim.heap.internal;

/**
 * Called when an allocation finds heap_live at or above the GC trigger (Go's mallocgc:
 * {@code if t := (gcTrigger{kind: gcTriggerHeap}); t.test() { gcStart(t) }}). The heap only
 * declares the hook; the collector installs it ({@link HeapGcSupport#setGcTriggerHook}). Called on
 * the allocating thread, after the allocation, only on the slow paths where Go tests the trigger
 * (mcache refill, large objects).
 */
@FunctionalInterface
public interface GcTriggerHook {
    /** heap_live reached the trigger; {@code heapLive} is the value the allocation read. */
    void heapTriggerReached(long heapLive);
}
