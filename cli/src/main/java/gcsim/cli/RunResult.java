package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

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
        String goroutineDump,
        @Nullable Determinism determinism) {

    public RunResult {
        cycles = List.copyOf(cycles);
    }

    /** A run without --deterministic. */
    public RunResult(List<CycleRecord> cycles, MutatorCounters mutator, Verification verification, boolean timedOut,
            String goroutineDump) {
        this(cycles, mutator, verification, timedOut, goroutineDump, null);
    }

    /** Whether --deterministic's watchdog found that no thread could make progress. */
    public boolean stuck() {
        return determinism != null && determinism.stuck() != null;
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
        return timedOut || stuck() ? ExitStatus.TIMEOUT : ExitStatus.OK;
    }

    /**
     * What a {@code --deterministic} run reproduces.
     *
     * @param seed   the schedule's seed ({@code --seed})
     * @param digest the FNV-1a digest of the runtime's event log, 16 hex digits
     * @param events how many events the digest covers
     * @param stuck  the watchdog's description when no thread could make progress, else null
     * @param lastEvents the event log's last events (for the dump), oldest first
     */
    public record Determinism(long seed, String digest, long events, @Nullable String stuck, String lastEvents) {}

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
