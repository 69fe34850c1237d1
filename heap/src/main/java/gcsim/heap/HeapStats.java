package gcsim.heap;

/**
 * A snapshot of the heap's statistics (Go's memstats fields of the same meaning). Exact when the
 * world is stopped; while mutators and sweepers run, each field is a recent value.
 *
 * @param heapLive Go's heap_live: bytes in spans cached by mcaches (counted whole, as Go does)
 *     plus bytes marked by the last GC plus bytes allocated since
 * @param heapMarked Go's heap_marked: bytes the last mark phase found live
 * @param heapGoal Go's next_gc: heapMarked * (1 + GOGC/100); {@code Long.MAX_VALUE} when GOGC is off
 * @param gcTrigger Go's gc_trigger: heap_live at which the next cycle should start
 * @param allocations objects allocated since the heap was made (Go's nmalloc)
 * @param allocatedBytes bytes of those objects, rounded to their size class (Go's total_alloc)
 * @param frees objects freed by sweep (Go's nfree)
 * @param freedBytes bytes of those objects
 * @param spansInUse heap spans in state mSpanInUse
 * @param heapSys bytes of arena memory the heap has reserved (Go's heap_sys)
 */
public record HeapStats(
        long heapLive,
        long heapMarked,
        long heapGoal,
        long gcTrigger,
        long allocations,
        long allocatedBytes,
        long frees,
        long freedBytes,
        long spansInUse,
        long heapSys) {}
