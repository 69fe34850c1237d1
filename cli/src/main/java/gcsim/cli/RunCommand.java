package gcsim.cli;

import gcsim.gcmark.GcConfig;
import gcsim.goroutines.GoVersion;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.SuspendWait;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcsim run}: parses and validates the options into a {@link RunConfig},
 * then hands it to a {@link RunSession} with the engine. The options are the
 * contract in DESIGN.md; picocli fills the fields, {@link #toConfig()} checks
 * them.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = GcsimCommand.Version.class,
        sortOptions = false,
        description = {
            "Runs a scenario and reports every GC cycle.",
            "Simulated goroutines mutate a simulated heap while GC cycles mark it,",
            "suspending and scanning one goroutine stack at a time. Prints Go's",
            "gctrace line per cycle and a summary table, or with --json exactly",
            "one JSON object on stdout.",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success, verification clean; also a --break run that no oracle caught (\"not caught\")",
            "1:verification failed (checkmark, lost object, use after free, mutator check, runtime throw)",
            "2:bad input (an option, a scenario file)",
            "3:--timeout expired, or --deterministic found no thread can progress (a goroutine dump goes to stderr)",
        })
final class RunCommand implements Callable<Integer> {

    @Option(names = "--scenario", paramLabel = "NAME|FILE", defaultValue = RunConfig.DEFAULT_SCENARIO,
            description = "built-in scenario (see gcsim scenarios) or scenario file (default: ${DEFAULT-VALUE})")
    private String scenario = RunConfig.DEFAULT_SCENARIO;

    @Option(names = "--goroutines", paramLabel = "N",
            description = "goroutines the scenario starts, 1-" + RunConfig.MAX_GOROUTINES + " (default: ${DEFAULT-VALUE})")
    private int goroutines = RunConfig.DEFAULT_GOROUTINES;

    @Option(names = "--procs", paramLabel = "N",
            description = "GOMAXPROCS, the number of Ps, 1-" + RunConfig.MAX_PROCS
                    + " (default: ${DEFAULT-VALUE}, the number of CPUs)")
    private int procs = RunConfig.defaultProcs();

    @Option(names = "--workers", paramLabel = "N",
            description = "dedicated mark workers, 1 to --procs, overriding Go's controller"
                    + " (default: Go's: 25%% of --procs as dedicated, fractional and idle workers)")
    private @Nullable Integer workers = null;

    @Option(names = "--cycles", paramLabel = "N",
            description = "GC cycles to run, 1-" + RunConfig.MAX_CYCLES + " (default: ${DEFAULT-VALUE})")
    private int cycles = RunConfig.DEFAULT_CYCLES;

    @Option(names = "--seed", paramLabel = "N",
            description = "seed of the scenario's random choices, and with --deterministic of the schedule"
                    + " (default: ${DEFAULT-VALUE})")
    private long seed = RunConfig.DEFAULT_SEED;

    @Option(names = "--mode", paramLabel = "concurrent|stw", defaultValue = "concurrent",
            description = "concurrent mark, or stop the world for all of mark (default: ${DEFAULT-VALUE})")
    private GcConfig.Mode mode = GcConfig.Mode.CONCURRENT;

    @Option(names = "--preempt", paramLabel = "async|cooperative", defaultValue = "async",
            description = "async (signal) preemption as in go1.14, or only the prologue's stack check"
                    + " (default: ${DEFAULT-VALUE})")
    private PreemptMode preempt = PreemptMode.ASYNC;

    @Option(names = "--suspend", paramLabel = "spin|park", defaultValue = "spin",
            description = "how suspendG waits for a running goroutine: spin (Go's loop) or park (sleep until"
                    + " the goroutine reaches a safe point and wakes it) (default: ${DEFAULT-VALUE})")
    private SuspendWait suspend = SuspendWait.SPIN;

    @Option(names = "--stack-scan", paramLabel = "blocking|two-phase", defaultValue = "blocking",
            description = "blocking (suspend every goroutine in turn, as Go's markroot does) or two-phase (idle stacks"
                    + " first, running goroutines scan themselves, block only for the rest)"
                    + " (default: ${DEFAULT-VALUE})")
    private GcConfig.StackScanStrategy stackScan = GcConfig.StackScanStrategy.BLOCKING;

    @Option(names = "--checkmark", paramLabel = "on|off", defaultValue = "on",
            description = "re-mark with the world stopped after each cycle and fail on a miss, as"
                    + " GODEBUG=gccheckmark=1 (default: ${DEFAULT-VALUE})")
    private OnOff checkmark = OnOff.ON;

    @Option(names = "--json", description = "print exactly one JSON object on stdout; everything else goes to stderr")
    private boolean json;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "write a Chrome trace event file (open it in Perfetto)")
    private @Nullable Path trace = null;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "stop after this long and dump the goroutines that never reached a safe point;"
                    + " 0 = no limit (default: ${DEFAULT-VALUE})")
    private int timeoutSeconds = 0;

    @Option(names = "--gc-every", paramLabel = "N",
            description = "stress: start a GC cycle after every N allocations counted across all Ps;"
                    + " the goroutine making the N-th waits for its cycle (MMTk's GcEvery); 0 = off"
                    + " (default: ${DEFAULT-VALUE})")
    private long gcEvery = 0;

    @Option(names = "--gc-at-safepoints",
            description = "stress: request a GC cycle whenever a goroutine reaches a cooperative safe point"
                    + " (a function prologue) and no cycle runs, so cycles run back to back")
    private boolean gcAtSafepoints;

    @Option(names = "--deterministic",
            description = "run the runtime's threads one at a time, the next chosen by --seed, on simulated time:"
                    + " the same seed reproduces the run and its event digest; a run that cannot progress"
                    + " ends with a goroutine dump and exit 3 (not with --trace)")
    private boolean deterministic;

    @Option(names = "--break", paramLabel = "PIECE",
            description = "break one piece of the protocol on purpose, to watch the oracles catch what it"
                    + " protects (repeatable; see docs/reliability.md)")
    private List<String> broken = new ArrayList<>();

    @Option(names = "--go", paramLabel = "VERSION",
            description = "the Go release whose runtime rules to follow, its historical bugs included"
                    + " (see gcsim versions; default: ${DEFAULT-VALUE})")
    private String goVersion = GoVersion.DEFAULT.cliName();

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<Optional<Engine>> engines;
    private final boolean terminal;

    /**
     * @param out      the report (stdout)
     * @param err      diagnostics and the progress line (stderr)
     * @param engines  where the engine comes from ({@link Engines#builtIn()} in production)
     * @param terminal whether stderr is a terminal (draw the progress line)
     */
    RunCommand(PrintStream out, PrintStream err, Supplier<Optional<Engine>> engines, boolean terminal) {
        this.out = out;
        this.err = err;
        this.engines = engines;
        this.terminal = terminal;
    }

    /** Validates, finds the engine, runs. Command thread; BadInputException means exit 2. */
    @Override
    public Integer call() {
        RunConfig config = toConfig();
        Optional<Engine> engine = engines.get();
        if (engine.isEmpty()) {
            throw new BadInputException("the simulation engine is not built yet");
        }
        return new RunSession(config, out, err, terminal).run(engine.get());
    }

    /** The validated configuration, or BadInputException naming the first bad option. */
    RunConfig toConfig() {
        ScenarioRef ref = ScenarioRef.resolve(scenario);
        Path traceFile = trace;
        if (traceFile != null) {
            checkTraceFile(traceFile);
        }
        return new RunConfig(ref, goroutines, procs, workers == null ? 0 : explicitWorkers(workers, procs), cycles, seed, mode,
                preempt, checkmark == OnOff.ON, json, traceFile, timeoutSeconds, gcEvery, gcAtSafepoints,
                suspend, stackScan, deterministic, brokenPieces(), version());
    }

    /** The version {@code --go} names, or BadInputException naming it and the known ones. */
    private GoVersion version() {
        return GoVersion.byName(goVersion).orElseThrow(() -> new BadInputException(
                "--go: unknown Go version '" + goVersion + "'; known versions: " + GoVersion.names()
                        + " (or a release they stand for, e.g. go1.14.12; see gcsim versions)"));
    }

    /** The pieces named by {@code --break}, or BadInputException naming the unknown one and the valid ones. */
    private Set<ProtocolPiece> brokenPieces() {
        EnumSet<ProtocolPiece> pieces = EnumSet.noneOf(ProtocolPiece.class);
        for (String name : broken) {
            pieces.add(ProtocolPiece.byName(name).orElseThrow(() -> new BadInputException(
                    "--break: unknown piece '" + name + "'; valid pieces: " + ProtocolPiece.names())));
        }
        return pieces;
    }

    private static void checkTraceFile(Path file) {
        if (file.toString().isBlank()) {
            throw new BadInputException("--trace needs a file name, got '" + file + "'");
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException("--trace '" + file + "' is a directory");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new BadInputException("--trace '" + file + "': directory '" + parent + "' does not exist");
        }
    }

    /** The values of {@code --checkmark}. */
    enum OnOff { ON, OFF }

    /** An explicit {@code --workers N}: 1 to --procs (0 is the absence of the option, Go's controller). */
    private static int explicitWorkers(int workers, int procs) {
        if (workers < 1) {
            throw new BadInputException("--workers must be between 1 and --procs (" + procs + "), got " + workers
                    + " (each mark worker needs a P)");
        }
        return workers;
    }
}
