package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import java.util.ArrayList;
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
 * @param determinism   what a {@code --deterministic} run reproduces; null without it
 * @param fatal         the runtime throw that ended the run early (the cycles are those finished
 *                      before it), null when the run ended normally
 */
public record RunResult(
        List<CycleRecord> cycles,
        MutatorCounters mutator,
        Verification verification,
        boolean timedOut,
        String goroutineDump,
        @Nullable Determinism determinism,
        @Nullable Fatal fatal) {

    /** The oracle names of {@link #caughtBy()}, as in the JSON's {@code verification.caughtBy}. */
    public static final String CHECKMARK = "checkmark";
    public static final String USE_AFTER_FREE = "use-after-free";
    public static final String MUTATOR_CHECK = "mutator-check";
    public static final String RUNTIME_THROW = "runtime-throw";

    /** {@link #verdict}'s values, as in the JSON's {@code verification.verdict}. */
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String NOT_CAUGHT = "not caught";

    public RunResult {
        cycles = List.copyOf(cycles);
    }

    /** A run that ended without a fatal error. */
    public RunResult(List<CycleRecord> cycles, MutatorCounters mutator, Verification verification, boolean timedOut,
            String goroutineDump, @Nullable Determinism determinism) {
        this(cycles, mutator, verification, timedOut, goroutineDump, determinism, null);
    }

    /** A run without --deterministic. */
    public RunResult(List<CycleRecord> cycles, MutatorCounters mutator, Verification verification, boolean timedOut,
            String goroutineDump) {
        this(cycles, mutator, verification, timedOut, goroutineDump, null, null);
    }

    /** This result with {@code f} as its fatal error. */
    public RunResult withFatal(Fatal f) {
        return new RunResult(cycles, mutator, verification, timedOut, goroutineDump, determinism, f);
    }

    /** Whether --deterministic's watchdog found that no thread could make progress. */
    public boolean stuck() {
        return determinism != null && determinism.stuck() != null;
    }

    /**
     * Whether any oracle failed: a checkmark failure, a lost object, a use after free, a mutator
     * check, or any fatal error (a runtime throw ends the run).
     */
    public boolean verificationFailed() {
        return !verification.clean() || fatal != null || checkmarkFailedCycles() > 0;
    }

    /** Cycles whose checkmark pass found an object concurrent mark left unmarked. */
    public long checkmarkFailedCycles() {
        return cycles.stream().filter(c -> c.checkmark() == CycleRecord.Checkmark.FAILED).count();
    }

    /**
     * The oracles that saw a failure, in this order: {@value #CHECKMARK} (objects the checkmark
     * found unmarked), {@value #USE_AFTER_FREE} (a mutator read freed memory),
     * {@value #MUTATOR_CHECK} (a mutator's own {@code checkeq} failed), {@value #RUNTIME_THROW}
     * (any other fatal error). Empty when none did.
     */
    public List<String> caughtBy() {
        List<String> by = new ArrayList<>(4);
        if (verification.lostObjects() > 0 || checkmarkFailedCycles() > 0) {
            by.add(CHECKMARK);
        }
        if (verification.useAfterFree() > 0) {
            by.add(USE_AFTER_FREE);
        }
        if (verification.mutatorCheckFailures() > 0) {
            by.add(MUTATOR_CHECK);
        }
        if (verification.runtimeThrows() > 0 || fatal != null && by.isEmpty()) {
            by.add(RUNTIME_THROW);
        }
        return List.copyOf(by);
    }

    /**
     * {@value #FAILED} when an oracle saw a failure; else {@value #NOT_CAUGHT} when pieces of the
     * protocol were broken on purpose ({@code --break}) and no oracle saw it; else {@value #OK}.
     */
    public String verdict(boolean anyBroken) {
        if (verificationFailed()) {
            return FAILED;
        }
        return anyBroken ? NOT_CAUGHT : OK;
    }

    /**
     * The exit status: a failed verification or a fatal error (1) outranks a timeout (3),
     * because a broken invariant is the more important news. A run with broken pieces that no
     * oracle caught exits 0: the run itself was fine.
     */
    public int exitStatus() {
        if (verificationFailed()) {
            return ExitStatus.VERIFICATION_FAILED;
        }
        return timedOut || stuck() ? ExitStatus.TIMEOUT : ExitStatus.OK;
    }

    /**
     * The runtime throw that ended the run, reported as Go reports it.
     *
     * @param message   Go's throw string ({@code fatal error: <message>})
     * @param goroutine the goroutine whose M threw (dopanic_m's gp), null when it was not thrown on an M
     * @param report    the whole Go-style report: the runtime's print lines, {@code fatal error: ...},
     *                  then the goroutine tracebacks, each line ending in a newline
     */
    public record Fatal(String message, @Nullable Long goroutine, String report) {
        /** At most {@code max} first lines of the report (the JSON's {@code fatal.lines}). */
        public List<String> lines(int max) {
            return report.lines().limit(max).toList();
        }
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
     * What each oracle found. The checkmark repairs every object it finds unmarked before the
     * sweep, so in a checkmark-on run the mutators' own checks cannot see that loss: they see
     * only what the checkmark cannot (or everything, with {@code --checkmark off}).
     *
     * @param lostObjects          reachable objects the checkmark pass found unmarked by concurrent
     *                             mark (each repaired before the sweep), over the whole run
     * @param useAfterFree         mutator reads of poisoned (freed) memory
     * @param mutatorCheckFailures mutator {@code checkeq} checks that failed ("mutator check failed")
     * @param runtimeThrows        other runtime throws (fatal errors) that ended the run
     * @param checkmarkUnmarked    per reported cycle, in order: the objects its checkmark pass found
     *                             unmarked (they add up to {@code lostObjects}); empty when not known
     */
    public record Verification(long lostObjects, long useAfterFree, long mutatorCheckFailures, long runtimeThrows,
            List<Long> checkmarkUnmarked) {
        public Verification {
            checkmarkUnmarked = List.copyOf(checkmarkUnmarked);
        }

        /** Without the per-cycle checkmark counts. */
        public Verification(long lostObjects, long useAfterFree, long mutatorCheckFailures, long runtimeThrows) {
            this(lostObjects, useAfterFree, mutatorCheckFailures, runtimeThrows, List.of());
        }

        /** Only the checkmark and the poison oracle (no mutator check failed, nothing threw). */
        public Verification(long lostObjects, long useAfterFree) {
            this(lostObjects, useAfterFree, 0, 0);
        }

        /** The objects the checkmark found unmarked in the {@code index}-th reported cycle, or null when not known. */
        public @Nullable Long checkmarkUnmarked(int index) {
            return index < checkmarkUnmarked.size() ? checkmarkUnmarked.get(index) : null;
        }

        public boolean clean() {
            return lostObjects == 0 && useAfterFree == 0 && mutatorCheckFailures == 0 && runtimeThrows == 0;
        }
    }
}
