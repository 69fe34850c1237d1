package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import java.util.List;

/**
 * What a run did: the source of the summary table, the JSON report and the
 * exit status. Immutable.
 *
 * @param cycles        every finished cycle, in order
 * @param mutator       what the mutators did over the whole run
 * @param verification  what the oracles found (poisoned reads, lost objects)
 * @param timedOut      {@code --timeout} expired before the run finished
 * @param goroutineDump Go-format goroutine dump taken at the timeout naming the goroutines that
 *                      never reached a safe point; empty when not timed out
 */
public record RunResult(
        List<CycleRecord> cycles,
        MutatorCounters mutator,
        Verification verification,
        boolean timedOut,
        String goroutineDump) {

    public RunResult {
        cycles = List.copyOf(cycles);
    }

    /** Whether any oracle failed: a checkmark failure, a lost object, a use after free. */
    public boolean verificationFailed() {
        return !verification.clean()
                || cycles.stream().anyMatch(c -> c.checkmark() == CycleRecord.Checkmark.FAILED);
    }

    /**
     * The exit status: a failed verification (1) outranks a timeout (3),
     * because a broken invariant is the more important news.
     */
    public int exitStatus() {
        if (verificationFailed()) {
            return ExitStatus.VERIFICATION_FAILED;
        }
        return timedOut ? ExitStatus.TIMEOUT : ExitStatus.OK;
    }

    /** Mutator counters over the whole run. */
    public record MutatorCounters(
            long instructions,
            long allocations,
            long stackGrowths,
            long stackShrinks,
            long goroutinesCreated,
            long goroutinesExited) {}

    /**
     * What the oracles found.
     *
     * @param lostObjects  reachable objects that were freed (found by mutators verifying their data)
     * @param useAfterFree reads of poisoned (freed) memory
     */
    public record Verification(long lostObjects, long useAfterFree) {
        public boolean clean() {
            return lostObjects == 0 && useAfterFree == 0;
        }
    }
}
