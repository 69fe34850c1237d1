package gcsim.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code gcsim bench}: compares configurations. Axes ({@code --vary key=v1,v2}, or a matrix file,
 * {@link BenchMatrix}) span cells (their cartesian product, {@link BenchPlan}); each cell is a
 * plain {@code gcsim run ... --json}, run {@code --reps} times, by default each in a JVM of its
 * own ({@link Bencher}); the table ({@link BenchReport}) gives per cell the median over runs
 * and a 95% bootstrap interval of each measure ({@link BenchStats}), and its ratio to the
 * baseline cell. Every option this command does not know is a {@code gcsim run} option for
 * every cell, checked here with every value of every axis before anything runs (exit 2).
 *
 * <p>{@code --emit-commands} prints the runs as shell lines writing their reports into
 * {@code --runs-dir} and runs nothing; {@code --merge DIR} makes the table from such reports
 * ({@link BenchMerge}). Exit status: 0, 1 when a run failed (its failure is in the table), 2 bad
 * input.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = GcsimCommand.Version.class,
        sortOptions = false,
        description = {
            "Compares configurations: every combination of the --vary axes is a cell, each cell",
            "a plain gcsim run ... --json run --reps times (each in a JVM of its own unless",
            "--same-jvm); prints per cell the median over runs and a 95%% bootstrap confidence",
            "interval of the pauses, suspendG latency, stack-job time, mark CPU per object and",
            "cycle time, with ratios to the baseline cell. Any other option is a gcsim run",
            "option every cell gets. --jobs is 1 by default: runs at the same time disturb",
            "each other's timings.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  gcsim bench --scenario tight-loops --goroutines 200 --vary preempt=async,cooperative",
            "  gcsim bench --scenario default --vary suspend=spin,park --vary stack-scan=blocking,two-phase --json",
            "  gcsim bench --matrix strategies.txt --emit-commands --runs-dir out | parallel -j 8",
            "  gcsim bench --merge out",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every run passed",
            "1:a run failed (shown in the table, its report kept)",
            "2:bad input (an option, an axis, a matrix file, a report under --merge)",
        })
final class BenchCommand implements Callable<Integer> {
    static final int MAX_REPS = 100_000;
    static final String DEFAULT_RUNS_DIR = "bench-runs";

    @Option(names = "--scenario", paramLabel = "NAME|FILE",
            description = "the scenario every cell runs (built-in or file, as for gcsim run)")
    private @Nullable String scenario = null;

    @Option(names = "--vary", paramLabel = "KEY=V1,V2",
            description = "an axis: a gcsim run option without its dashes and its values (repeatable);"
                    + " a flag takes true,false")
    private List<String> varies = new ArrayList<>();

    @Option(names = "--matrix", paramLabel = "FILE",
            description = "axes and settings from a file: lines 'vary KEY=V1,V2', 'set KEY=VALUE',"
                    + " 'baseline KEY=V,...'; # comments")
    private @Nullable Path matrix = null;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "5",
            description = "runs per cell (default: ${DEFAULT-VALUE})")
    private int reps = 5;

    @Option(names = "--same-jvm",
            description = "run the cells in this JVM (faster; the runs then share JIT warm-up and heap)")
    private boolean sameJvm;

    @Option(names = "--warmup-cycles", paramLabel = "K", defaultValue = "1",
            description = "leave each run's first K cycles out of the statistics (default: ${DEFAULT-VALUE})")
    private int warmup = 1;

    @Option(names = "--baseline", paramLabel = "KEY=V,...",
            description = "the cell the ratios compare against (default: the first cell)")
    private @Nullable String baseline = null;

    @Option(names = "--json", description = "print one JSON object: every run's report and the summary")
    private boolean json;

    @Option(names = "--emit-commands",
            description = "print each run as a shell line writing its report into --runs-dir; run nothing")
    private boolean emitCommands;

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = DEFAULT_RUNS_DIR,
            description = "where the --emit-commands lines write their reports (default: ${DEFAULT-VALUE})")
    private String runsDir = DEFAULT_RUNS_DIR;

    @Option(names = "--merge", paramLabel = "DIR",
            description = "make the table from the run reports (*.json) in DIR; run nothing")
    private @Nullable Path merge = null;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
            description = "runs at once (default: ${DEFAULT-VALUE}: concurrent runs disturb the timings)")
    private int jobs = 1;

    @Option(names = "--force", description = "allow cells of different scenarios")
    private boolean force;

    /** The gcsim run options, checked in {@link BenchPlan#build}. */
    @Unmatched
    private List<String> runOptions = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final List<String> javaCommand;
    private final Supplier<Optional<Engine>> engines;

    /**
     * @param out         the table or JSON (stdout)
     * @param err         progress and bad input (stderr)
     * @param terminal    whether stderr is a terminal
     * @param javaCommand how to start gcsim in a new process ({@link Hunter#javaCommand()})
     * @param engines     the engine of {@code --same-jvm} runs (what gcsim run is given)
     */
    BenchCommand(PrintStream out, PrintStream err, boolean terminal, List<String> javaCommand,
                 Supplier<Optional<Engine>> engines) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.javaCommand = List.copyOf(javaCommand);
        this.engines = engines;
    }

    /** Validates, then emits, merges or runs. Command thread; BadInputException means exit 2. */
    @Override
    public Integer call() {
        checkCounts();
        Path dir = merge;
        BenchReport.Bench bench;
        if (dir != null) {
            checkMergeOptions();
            bench = BenchMerge.merge(dir, baseline == null ? null : new BenchPlan.Located(baseline, "--baseline"),
                    warmup, force);
        } else {
            BenchPlan plan = plan();
            if (emitCommands) {
                for (int r = 0; r < plan.reps(); r++) {
                    for (int c = 0; c < plan.cells().size(); c++) {
                        out.println(plan.commandLineOf(c, r, runsDir));
                    }
                }
                out.flush();
                return ExitStatus.OK;
            }
            bench = run(plan);
        }
        if (json) {
            BenchReport.json(bench, out);
        } else {
            BenchReport.text(bench, out);
        }
        return bench.anyFailed() ? ExitStatus.VERIFICATION_FAILED : ExitStatus.OK;
    }

    private void checkCounts() {
        if (reps < 1 || reps > MAX_REPS) {
            throw new BadInputException("--reps must be between 1 and " + MAX_REPS + ", got " + reps);
        }
        if (jobs < 1 || jobs > HuntCommand.MAX_JOBS) {
            throw new BadInputException("--jobs must be between 1 and " + HuntCommand.MAX_JOBS + ", got " + jobs);
        }
        if (warmup < 0 || warmup >= RunConfig.MAX_CYCLES) {
            throw new BadInputException("--warmup-cycles must be between 0 and " + (RunConfig.MAX_CYCLES - 1)
                    + ", got " + warmup);
        }
    }

    private void checkMergeOptions() {
        if (!varies.isEmpty() || matrix != null || !runOptions.isEmpty() || scenario != null || emitCommands
                || sameJvm) {
            throw new BadInputException("--merge makes the table from finished runs: it takes only --baseline,"
                    + " --warmup-cycles, --json and --force");
        }
    }

    /** The checked plan: the matrix file's axes and settings, then the command line's. */
    BenchPlan plan() {
        List<BenchPlan.Located> axes = new ArrayList<>();
        List<BenchPlan.Located> sets = new ArrayList<>();
        BenchPlan.Located base = baseline == null ? null : new BenchPlan.Located(baseline, "--baseline");
        Path m = matrix;
        if (m != null) {
            BenchMatrix file = BenchMatrix.read(m);
            axes.addAll(file.varies());
            sets.addAll(file.sets());
            BenchPlan.Located fileBase = file.baseline();
            if (fileBase != null && base != null) {
                throw new BadInputException("--baseline: the matrix file has one too (" + fileBase.where() + ")");
            }
            base = base == null ? fileBase : base;
        }
        for (String v : varies) {
            axes.add(new BenchPlan.Located(v, "--vary"));
        }
        return BenchPlan.build(scenario, axes, sets, runOptions, base, reps, warmup, force);
    }

    /** Runs the plan; a run's bad input becomes the bench's. */
    private BenchReport.Bench run(BenchPlan plan) {
        List<String> first = plan.cells().get(0).args();
        int timeout = Main.runCommandOf(Main.parseRunOptions(first.subList(1, first.size()), "bad cell"))
                .toConfig().timeoutSeconds();
        Bencher.Result r = new Bencher(plan, jobs, sameJvm, javaCommand, engines, timeout, err, terminal).run();
        String bad = r.badInput();
        if (bad != null) {
            throw new BadInputException(bad.startsWith("gcsim: ") ? bad.substring("gcsim: ".length()) : bad);
        }
        List<BenchReport.CellRuns> cells = new ArrayList<>();
        for (int c = 0; c < plan.cells().size(); c++) {
            BenchPlan.Cell cell = plan.cells().get(c);
            List<String> argv = new ArrayList<>(List.of(HuntPlan.LAUNCHER));
            argv.addAll(cell.args());
            List<List<String>> commands = new ArrayList<>();
            for (int i = 0; i < r.runs().get(c).size(); i++) {
                commands.add(argv);
            }
            cells.add(new BenchReport.CellRuns(cell.name(), cell.settings(), commands, r.runs().get(c)));
        }
        return new BenchReport.Bench(plan.axesMap(), cells, plan.baseline(), warmup);
    }
}
