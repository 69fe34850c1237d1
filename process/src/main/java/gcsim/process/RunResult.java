package gcsim.process;

import gcsim.gcmark.CycleRecord;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a run of a {@link GoProcess} did: the records the command's summary
 * table, JSON report and exit status come from (the JSON keys are in
 * DESIGN.md; the command's JsonReport reads them from here). Immutable.
 *
 * @param cycles        every finished cycle, in order
 * @param mutator       what the mutators did over the whole run
 * @param verification  what the oracles found (poisoned reads, lost objects)
 * @param timedOut      the run's timeout ({@code --timeout}) expired before it finished
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

    /** {@link #caughtBy()}'s name of the checkmark oracle (JSON {@code verification.caughtBy}). */
    public static final String CHECKMARK = "checkmark";
    /** {@link #caughtBy()}'s name of the poisoned-memory oracle. */
    public static final String USE_AFTER_FREE = "use-after-free";
    /** {@link #caughtBy()}'s name of the mutators' own {@code checkeq}. */
    public static final String MUTATOR_CHECK = "mutator-check";
    /** {@link #caughtBy()}'s name of any other runtime throw. */
    public static final String RUNTIME_THROW = "runtime-throw";

    /** {@link #verdict}: no oracle fired (JSON {@code verification.verdict}). */
    public static final String OK = "ok";
    /** {@link #verdict}: an oracle fired. */
    public static final String FAILED = "failed";
    /** {@link #verdict}: pieces were broken on purpose and no oracle saw it. */
    public static final String NOT_CAUGHT = "not caught";

    /**
     * The record; the cycles are copied.
     *
     * @param cycles        every finished cycle, in order
     * @param mutator       what the mutators did over the whole run
     * @param verification  what the oracles found
     * @param timedOut      the timeout expired before the run finished
     * @param goroutineDump the dump taken at the timeout, else empty
     * @param determinism   what a deterministic run reproduces, else null
     * @param fatal         the runtime throw that ended the run early, else null
     */
    public RunResult {
        cycles = List.copyOf(cycles);
    }

    /**
     * A run that ended without a fatal error.
     *
     * @param cycles        every finished cycle, in order
     * @param mutator       what the mutators did
     * @param verification  what the oracles found
     * @param timedOut      the timeout expired first
     * @param goroutineDump the dump taken at the timeout, else empty
     * @param determinism   what a deterministic run reproduces, else null
     */
    public RunResult(List<CycleRecord> cycles, MutatorCounters mutator, Verification verification, boolean timedOut,
            String goroutineDump, @Nullable Determinism determinism) {
        this(cycles, mutator, verification, timedOut, goroutineDump, determinism, null);
    }

    /**
     * A run without --deterministic that ended without a fatal error.
     *
     * @param cycles        every finished cycle, in order
     * @param mutator       what the mutators did
     * @param verification  what the oracles found
     * @param timedOut      the timeout expired first
     * @param goroutineDump the dump taken at the timeout, else empty
     */
    public RunResult(List<CycleRecord> cycles, MutatorCounters mutator, Verification verification, boolean timedOut,
            String goroutineDump) {
        this(cycles, mutator, verification, timedOut, goroutineDump, null, null);
    }

    /**
     * This result with a fatal error.
     *
     * @param f the runtime throw that ended the run
     * @return a copy with {@code f} as {@link #fatal()}
     */
    public RunResult withFatal(Fatal f) {
        return new RunResult(cycles, mutator, verification, timedOut, goroutineDump, determinism, f);
    }

    /**
     * Whether --deterministic's watchdog found that no thread could make progress.
     *
     * @return true when the determinism record names why the run was stuck
     */
    public boolean stuck() {
        return determinism != null && determinism.stuck() != null;
    }

    /**
     * Whether any oracle failed: a checkmark failure, a lost object, a use after free, a mutator
     * check, or any fatal error (a runtime throw ends the run).
     *
     * @return true when any oracle fired
     */
    public boolean verificationFailed() {
        return !verification.clean() || fatal != null || checkmarkFailedCycles() > 0;
    }

    /**
     * Cycles whose checkmark pass found an object concurrent mark left unmarked.
     *
     * @return how many of {@link #cycles()}
     */
    public long checkmarkFailedCycles() {
        return cycles.stream().filter(c -> c.checkmark() == CycleRecord.Checkmark.FAILED).count();
    }

    /**
     * The oracles that saw a failure, in this order: {@value #CHECKMARK} (objects the checkmark
     * found unmarked), {@value #USE_AFTER_FREE} (a mutator read freed memory),
     * {@value #MUTATOR_CHECK} (a mutator's own {@code checkeq} failed), {@value #RUNTIME_THROW}
     * (any other fatal error). Empty when none did.
     *
     * @return the oracles' names, in that order
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
     *
     * @param anyBroken whether the run broke protocol pieces on purpose
     * @return the verdict
     */
    public String verdict(boolean anyBroken) {
        if (verificationFailed()) {
            return FAILED;
        }
        return anyBroken ? NOT_CAUGHT : OK;
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
        /**
         * The report's first lines (the JSON's {@code fatal.lines}).
         *
         * @param max at most this many
         * @return the lines, without their newlines
         */
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

    /**
     * Mutator counters over the whole run.
     *
     * @param instructions      instructions the interpreter executed
     * @param allocations       objects the mutators allocated
     * @param stackGrowths      stacks grown by copystack
     * @param stackShrinks      stacks shrunk during GC
     * @param goroutinesCreated goroutines created (newproc)
     * @param goroutinesExited  goroutines that exited (goexit)
     */
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
        /**
         * The record; the per-cycle counts are copied.
         *
         * @param lostObjects          objects the checkmark found unmarked, whole run
         * @param useAfterFree         reads of freed memory
         * @param mutatorCheckFailures failed {@code checkeq}
         * @param runtimeThrows        other runtime throws that ended the run
         * @param checkmarkUnmarked    per reported cycle, the objects its checkmark found unmarked
         */
        public Verification {
            checkmarkUnmarked = List.copyOf(checkmarkUnmarked);
        }

        /**
         * Without the per-cycle checkmark counts.
         *
         * @param lostObjects          objects the checkmark found unmarked
         * @param useAfterFree         reads of freed memory
         * @param mutatorCheckFailures failed {@code checkeq}
         * @param runtimeThrows        other runtime throws
         */
        public Verification(long lostObjects, long useAfterFree, long mutatorCheckFailures, long runtimeThrows) {
            this(lostObjects, useAfterFree, mutatorCheckFailures, runtimeThrows, List.of());
        }

        /**
         * Only the checkmark and the poison oracle (no mutator check failed, nothing threw).
         *
         * @param lostObjects  objects the checkmark found unmarked
         * @param useAfterFree reads of freed memory
         */
        public Verification(long lostObjects, long useAfterFree) {
            this(lostObjects, useAfterFree, 0, 0);
        }

        /**
         * The objects one cycle's checkmark found unmarked.
         *
         * @param index the cycle's index among the reported ones, from 0
         * @return the count, or null when not known
         */
        public @Nullable Long checkmarkUnmarked(int index) {
            return index < checkmarkUnmarked.size() ? checkmarkUnmarked.get(index) : null;
        }

        /**
         * Whether no oracle counted anything.
         *
         * @return true when every count is zero
         */
        public boolean clean() {
            return lostObjects == 0 && useAfterFree == 0 && mutatorCheckFailures == 0 && runtimeThrows == 0;
        }
    }
}
