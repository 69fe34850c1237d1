package gcsim.heap.internal;

/**
 * The collector's half of go1.18's and later pacer, as the heap's goal and trigger need it
 * (mgcpacer.go {@code gcControllerState.commit}, Go #44167). From go1.18 the heap goal counts
 * the GC's non-heap work, goroutine stacks and globals:
 *
 * <pre>
 * goal    = heapMarked + (heapMarked + stackScan + globalsScan) * GOGC/100
 * trigger = goal - runway, runway = consMark * (1-u)/u * (lastHeapScan + stackScan + globalsScan)
 * </pre>
 *
 * clamped to bounds between heapMarked and the goal. The heap keeps heapMarked, GOGC, the heap
 * minimum and the bounds; the collector, which scans, knows the rest and gives it as
 * {@link Inputs}. Installed once with {@code HeapGcSupport.setPacerHook} before the program
 * allocates; without one (go1.14) the heap keeps go1.14's fixed trigger ratio and
 * {@code heapMarked * (1 + GOGC/100)}.
 */
public interface PacerHook {
    /**
     * What commit reads: {@code stackBytes} is go1.18's {@code stackScan} (allocated stack
     * bytes of the live goroutines when the cycle started) or go1.19's {@code lastStackScan}
     * (stack bytes scanned by the cycle); {@code globalsBytes} Go's {@code globalsScan};
     * {@code runwayBytes} the cons/mark runway above; {@code go119} whether go1.19's trigger
     * rules apply (its integer ratios, the goal floored at the heap minimum, the throw).
     */
    record Inputs(long stackBytes, long globalsBytes, long runwayBytes, boolean go119) {}

    /**
     * Go's gcinit under the redesigned pacer: the inputs before any cycle (no stack scanned, no
     * runway). Called by the heap when the hook is installed.
     */
    Inputs initial();

    /**
     * Go's endCycle then the inputs of commit, at mark termination's heap_marked update:
     * {@code heapLive} is heap_live at mark termination, before it becomes {@code bytesMarked}.
     * The collector's thread, world stopped.
     */
    Inputs endCycle(long heapLive, long bytesMarked);
}
