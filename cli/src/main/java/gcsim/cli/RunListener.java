package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import java.util.Optional;

/**
 * What the {@link Engine} tells the command while it runs. Methods may be
 * called from any engine thread, concurrently; implementations are
 * thread-safe and cheap (no allocation is needed to call them).
 */
public interface RunListener {

    /** A cycle finished mark termination; cycles arrive in order of {@link CycleRecord#n()}. */
    void cycleFinished(CycleRecord cycle);

    /**
     * Progress of the run for the progress line; call as often as convenient
     * (the command redraws at most about ten times a second).
     *
     * @param cyclesDone   cycles finished so far
     * @param phase        what the runtime is doing now (for example "mark", "sweep", "mutator")
     * @param instructions mutator instructions executed so far
     * @param goroutines   goroutines alive now
     */
    void progress(int cyclesDone, String phase, long instructions, long goroutines);

    /**
     * The Chrome trace to record into, present when {@code --trace} was
     * given. The command opens and closes it; the engine records into it with
     * timestamps in nanoseconds since the simulated runtime started (the base
     * of {@link CycleRecord#startNanosSinceInit()}). The command itself records
     * the GC phase track and the heap counters from each {@link CycleRecord};
     * the engine records the per-M tracks, suspendG spans, stack growths, G
     * status transitions and the goroutine counter.
     */
    default Optional<ChromeTraceWriter> trace() {
        return Optional.empty();
    }
}
