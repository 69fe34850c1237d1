package gcsim.process;

import gcsim.gcmark.CycleRecord;

/**
 * What a {@link GoProcess} tells its embedder while it runs: each finished
 * cycle and, during {@link GoProcess#run}, the progress of the mutators.
 * Methods are called from the process's threads (the collector's, the run's
 * driver), one call at a time per method; implementations are cheap and
 * thread-safe, and must not call back into the process.
 */
public interface RunObserver {
    /** Hears nothing. */
    RunObserver NONE = new RunObserver() {};

    /**
     * A cycle finished mark termination (and its checkmark pass). Cycles arrive in
     * order of {@link CycleRecord#n()}; inside {@link GoProcess#run}, only the cycles
     * the run reports (not one a trigger started after the last).
     *
     * @param cycle the cycle's record
     */
    default void cycleFinished(CycleRecord cycle) {}

    /**
     * The mutators' progress, from {@link GoProcess#run}'s driver after each wait for
     * a cycle (at most every {@value GoProcess#FORCE_AFTER_MILLIS} ms of mutator time).
     *
     * @param cyclesDone   cycles the run reported so far
     * @param instructions mutator instructions executed so far
     * @param goroutines   goroutines alive now
     */
    default void progress(int cyclesDone, long instructions, long goroutines) {}
}
