package gcsim.cli;

import gcsim.gcmark.GcConfig;
import gcsim.goroutines.GoVersion;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.SuspendWait;
import gcsim.process.scenario.BuiltinScenario;
import gcsim.process.scenario.ScenarioParser;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The validated options of {@code gcsim run}: immutable, and valid by
 * construction (the compact constructor throws {@link BadInputException}
 * with the one-line message the user sees). The {@link Engine} receives it;
 * the JSON report echoes it under {@code "config"}.
 *
 * @param scenario       the built-in scenario or scenario file to run
 * @param goroutines     how many goroutines the scenario starts (it scales by this), 1..{@value #MAX_GOROUTINES}
 * @param procs          GOMAXPROCS: the number of Ps, 1..{@value #MAX_PROCS}
 * @param workers        0: Go's controller decides the mark workers (25% of GOMAXPROCS: dedicated,
 *                       fractional and idle workers); 1..procs: gcsim's {@code --workers}
 *                       override, that many dedicated workers (each needs a P, as in Go)
 * @param cycles         GC cycles to run, 1..{@value #MAX_CYCLES}
 * @param seed           seed of every random choice the scenario makes
 * @param mode           concurrent mark or stop-the-world mark
 * @param preempt        whether async (signal) preemption is on, or only the cooperative stack-guard check
 * @param checkmark      re-mark with the world stopped after each cycle and fail loudly on a miss
 * @param json           report as one JSON object on stdout
 * @param trace          where to write a Chrome trace (null: no trace)
 * @param timeoutSeconds stop and dump goroutines after this long; 0 = no limit; at most {@value #MAX_TIMEOUT_SECONDS}
 * @param gcEvery        stress: start a GC cycle after every this many allocations (all Ps); 0 = off
 * @param gcAtSafepoints stress: request a GC cycle whenever a goroutine reaches a cooperative safe
 *                       point and no cycle runs
 * @param suspend        how suspendG waits for a running goroutine ({@code --suspend spin|park})
 * @param stackScan      how concurrent mark takes the stacks ({@code --stack-scan blocking|two-phase})
 * @param deterministic  run the runtime's threads one at a time on a baton chosen by {@code seed}
 *                       ({@code --deterministic}): the same seed gives the same run and digest
 * @param broken         protocol pieces broken on purpose ({@code --break PIECE}, repeatable): an
 *                       ablation that shows what each piece protects; empty in a normal run
 * @param goVersion      the Go release whose runtime rules the run follows ({@code --go VERSION});
 *                       {@link GoVersion#DEFAULT} (gcsim's model) unless told otherwise
 */
public record RunConfig(
        ScenarioRef scenario,
        int goroutines,
        int procs,
        int workers,
        int cycles,
        long seed,
        GcConfig.Mode mode,
        PreemptMode preempt,
        boolean checkmark,
        boolean json,
        @Nullable Path trace,
        int timeoutSeconds,
        long gcEvery,
        boolean gcAtSafepoints,
        SuspendWait suspend,
        GcConfig.StackScanStrategy stackScan,
        boolean deterministic,
        Set<ProtocolPiece> broken,
        GoVersion goVersion) {

    public static final int MAX_GOROUTINES = ScenarioParser.MAX_GOROUTINES;
    /** Our bound on GOMAXPROCS for the model (Ms are real threads). */
    public static final int MAX_PROCS = 256;
    public static final int MAX_CYCLES = 100_000;
    public static final int MAX_TIMEOUT_SECONDS = 86_400;
    public static final long MAX_GC_EVERY = 1_000_000_000L;

    public static final String DEFAULT_SCENARIO = "default";
    public static final int DEFAULT_GOROUTINES = 2_000;
    public static final int DEFAULT_CYCLES = 4;
    public static final long DEFAULT_SEED = ScenarioParser.DEFAULT_SEED;

    public RunConfig {
        broken = broken.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(ProtocolPiece.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(broken));
        checkRange("--goroutines", goroutines, 1, MAX_GOROUTINES);
        checkRange("--procs", procs, 1, MAX_PROCS);
        if (workers < 0 || workers > procs) {
            throw new BadInputException("--workers must be between 1 and --procs (" + procs + "), got " + workers
                    + " (each mark worker needs a P)");
        }
        checkRange("--cycles", cycles, 1, MAX_CYCLES);
        if (timeoutSeconds < 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new BadInputException("--timeout must be between 0 (no limit) and " + MAX_TIMEOUT_SECONDS
                    + " seconds, got " + timeoutSeconds);
        }
        if (gcEvery < 0 || gcEvery > MAX_GC_EVERY) {
            throw new BadInputException("--gc-every must be between 0 (off) and " + MAX_GC_EVERY + ", got " + gcEvery);
        }
        if (deterministic && trace != null) {
            throw new BadInputException("--trace cannot be used with --deterministic: a trace records wall-clock"
                    + " times, which no seed reproduces");
        }
    }

    /** The Go version gcsim models by default ({@link GoVersion#DEFAULT}). */
    public RunConfig(ScenarioRef scenario, int goroutines, int procs, int workers, int cycles, long seed,
            GcConfig.Mode mode, PreemptMode preempt, boolean checkmark, boolean json, @Nullable Path trace,
            int timeoutSeconds, long gcEvery, boolean gcAtSafepoints, SuspendWait suspend,
            GcConfig.StackScanStrategy stackScan, boolean deterministic, Set<ProtocolPiece> broken) {
        this(scenario, goroutines, procs, workers, cycles, seed, mode, preempt, checkmark, json, trace, timeoutSeconds,
                gcEvery, gcAtSafepoints, suspend, stackScan, deterministic, broken, GoVersion.DEFAULT);
    }

    /** Without --deterministic. */
    public RunConfig(ScenarioRef scenario, int goroutines, int procs, int workers, int cycles, long seed,
            GcConfig.Mode mode, PreemptMode preempt, boolean checkmark, boolean json, @Nullable Path trace,
            int timeoutSeconds, long gcEvery, boolean gcAtSafepoints, SuspendWait suspend,
            GcConfig.StackScanStrategy stackScan) {
        this(scenario, goroutines, procs, workers, cycles, seed, mode, preempt, checkmark, json, trace, timeoutSeconds,
                gcEvery, gcAtSafepoints, suspend, stackScan, false);
    }

    /** Nothing broken on purpose. */
    public RunConfig(ScenarioRef scenario, int goroutines, int procs, int workers, int cycles, long seed,
            GcConfig.Mode mode, PreemptMode preempt, boolean checkmark, boolean json, @Nullable Path trace,
            int timeoutSeconds, long gcEvery, boolean gcAtSafepoints, SuspendWait suspend,
            GcConfig.StackScanStrategy stackScan, boolean deterministic) {
        this(scenario, goroutines, procs, workers, cycles, seed, mode, preempt, checkmark, json, trace, timeoutSeconds,
                gcEvery, gcAtSafepoints, suspend, stackScan, deterministic, EnumSet.noneOf(ProtocolPiece.class));
    }

    /** go1.14's strategies (spin in suspendG, the markroot's blocking stack scan), no stress triggers. */
    public RunConfig(ScenarioRef scenario, int goroutines, int procs, int workers, int cycles, long seed,
            GcConfig.Mode mode, PreemptMode preempt, boolean checkmark, boolean json, @Nullable Path trace,
            int timeoutSeconds) {
        this(scenario, goroutines, procs, workers, cycles, seed, mode, preempt, checkmark, json, trace, timeoutSeconds,
                0, false, SuspendWait.SPIN, GcConfig.StackScanStrategy.BLOCKING);
    }

    /**
     * The configuration {@code gcsim run} uses with no options: the default
     * scenario, one P per available core (Go's GOMAXPROCS default) and one
     * mark worker per P.
     */
    public static RunConfig defaults() {
        int procs = defaultProcs();
        return new RunConfig(new ScenarioRef.BuiltIn(BuiltinScenario.DEFAULT), DEFAULT_GOROUTINES, procs, 0,
                DEFAULT_CYCLES, DEFAULT_SEED, GcConfig.Mode.CONCURRENT, PreemptMode.ASYNC, true, false, null, 0);
    }

    /** Go's GOMAXPROCS default, the number of CPUs, capped at {@link #MAX_PROCS}. */
    public static int defaultProcs() {
        return Math.min(MAX_PROCS, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    private static void checkRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new BadInputException(option + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
