package gcsim.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Unmatched;

/**
 * {@code gcsim hunt}: runs one scenario under {@code --deterministic} with many seeds, each a
 * plain {@code gcsim run} in a process of its own, until one fails, and prints the command that
 * replays it. Every option this command does not know is a {@code gcsim run} option, passed to
 * each run unchanged; they are checked here, once, by parsing them as {@code gcsim run} would
 * (so a typo is exit 2 before any process starts). {@link Hunter} runs the processes,
 * {@link HuntReport} prints the result.
 *
 * <p>Bounded runs: a hung run must not hang the hunt. When the user gives no {@code --timeout},
 * every run gets {@code --timeout} {@value #DEFAULT_RUN_TIMEOUT_SECONDS} (it is in the printed
 * commands too, so a replay is the same command); a run that outlives its timeout by
 * {@link Hunter#GRACE_SECONDS} more (a JVM that does not end) is killed and counts as a failure
 * with exit 3. {@code --timeout 0} means what it means for {@code gcsim run}: no limit.
 */
@Command(
        name = "hunt",
        mixinStandardHelpOptions = true,
        versionProvider = GcsimCommand.Version.class,
        sortOptions = false,
        description = {
            "Hunts a rare failure: runs gcsim run --deterministic with each seed of --seeds,",
            "one process per run, --jobs at a time, stops at the first failure (exit 1 or 3)",
            "and prints the failing seed, the failure's first lines and the command that",
            "replays it. Any other option is a gcsim run option, passed to every run.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  gcsim hunt --scenario examples/linked-lists.gcs --break stack-scan --goroutines 2 --cycles 1",
            "  gcsim hunt --scenario churn --seeds 1..5000 --all --json > hunt.json",
            "  gcsim hunt --scenario churn --seeds 1..5000 --emit-commands | parallel -j 32",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:no run failed",
            "1:a run failed (exit 1, verification failed; or exit 3, timeout or no progress)",
            "2:bad input (an option, a scenario file: also when a run reports it)",
        })
final class HuntCommand implements Callable<Integer> {
    /** A run's {@code --timeout} when the user gives none: five minutes. */
    static final int DEFAULT_RUN_TIMEOUT_SECONDS = 300;
    static final int MAX_JOBS = 1_024;
    static final int MAX_REAL = 1_000_000;
    /** At most this many seeds in one hunt (so the count of runs cannot overflow). */
    static final long MAX_SEEDS = 1_000_000_000_000L;
    private static final Pattern RANGE = Pattern.compile("\\s*([+-]?\\d+)\\s*(?:\\.\\.\\s*([+-]?\\d+)\\s*)?");

    @Option(names = "--scenario", paramLabel = "NAME|FILE", required = true,
            description = "the scenario to hunt in (built-in or file, as for gcsim run)")
    private String scenario = "";

    @Option(names = "--seeds", paramLabel = "A..B", defaultValue = "1..1000",
            description = "the seeds to try, in order, A..B or one seed (default: ${DEFAULT-VALUE})")
    private String seeds = "1..1000";

    @Option(names = "--jobs", paramLabel = "N",
            description = "runs at once, 1-" + MAX_JOBS + " (default: the number of cores, ${DEFAULT-VALUE})")
    private int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--all", description = "run every seed, do not stop at the first failure")
    private boolean all;

    @Option(names = "--real", paramLabel = "N",
            description = "after the seeds, N real-mode runs (not --deterministic; a failure there cannot be"
                    + " replayed) (default: ${DEFAULT-VALUE})")
    private int real = 0;

    @Option(names = "--json", description = "print one JSON summary object on stdout")
    private boolean json;

    @Option(names = "--emit-commands",
            description = "print the runs' commands, one a line, and run nothing (for GNU parallel, batch systems)")
    private boolean emitCommands;

    /** The gcsim run options, checked in {@link #plan()}. */
    @Unmatched
    private List<String> runOptions = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final List<String> javaCommand;

    /**
     * @param out         the report (stdout)
     * @param err         progress and bad input (stderr)
     * @param terminal    whether stderr is a terminal (redraw one progress line in place)
     * @param javaCommand how to start {@code gcsim} in a new process ({@link Hunter#javaCommand()})
     */
    HuntCommand(PrintStream out, PrintStream err, boolean terminal, List<String> javaCommand) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.javaCommand = List.copyOf(javaCommand);
    }

    /** Validates, then prints the commands or hunts. Command thread; BadInputException means exit 2. */
    @Override
    public Integer call() {
        Checked checked = plan();
        HuntPlan plan = checked.plan();
        if (emitCommands) {
            for (long i = 0; i < plan.total(); i++) {
                out.println(plan.commandLineOf(i));
            }
            out.flush();
            return ExitStatus.OK;
        }
        Hunter.Result result = new Hunter(plan, jobs, all, javaCommand, checked.timeoutSeconds(),
                Hunter.GRACE_SECONDS, err, terminal).run();
        Hunter.Outcome bad = result.badInput();
        if (bad != null) {
            String line = bad.firstLines().isEmpty() ? "a run reported bad input" : bad.firstLines().get(0);
            throw new BadInputException(line.startsWith("gcsim: ") ? line.substring("gcsim: ".length()) : line);
        }
        if (json) {
            HuntReport.json(plan, jobs, all, result, out);
        } else {
            HuntReport.text(plan, all, result, out);
        }
        return result.failures().isEmpty() ? ExitStatus.OK : ExitStatus.VERIFICATION_FAILED;
    }

    /** The validated plan and the runs' timeout in seconds (0: none). */
    record Checked(HuntPlan plan, int timeoutSeconds) {}

    /** The plan, or BadInputException naming the first bad option. */
    Checked plan() {
        if (jobs < 1 || jobs > MAX_JOBS) {
            throw new BadInputException("--jobs must be between 1 and " + MAX_JOBS + ", got " + jobs);
        }
        if (real < 0 || real > MAX_REAL) {
            throw new BadInputException("--real must be between 0 and " + MAX_REAL + ", got " + real);
        }
        long[] range = seedRange(seeds);
        List<String> args = new ArrayList<>(List.of("--scenario", scenario));
        for (String o : runOptions) {
            if (!o.equals("--deterministic")) { // every seed's run has it; real runs must not
                args.add(o);
            }
        }
        ParseResult run = checkRunOptions(args);
        int timeout = Main.runCommandOf(run).toConfig().timeoutSeconds();
        if (!run.hasMatchedOption("--timeout")) {
            args.add("--timeout");
            args.add(Integer.toString(DEFAULT_RUN_TIMEOUT_SECONDS));
            timeout = DEFAULT_RUN_TIMEOUT_SECONDS;
        }
        return new Checked(new HuntPlan(args, range[0], range[1], real), timeout);
    }

    /** {@code A..B} (or one seed {@code K}) as {A, B}, or BadInputException. */
    static long[] seedRange(String text) {
        Matcher m = RANGE.matcher(text);
        String wrong = "--seeds must be A..B with A <= B (e.g. 1..1000) or one seed, got '" + text + "'";
        String first = m.matches() ? m.group(1) : null;
        if (first == null) {
            throw new BadInputException(wrong);
        }
        try {
            long from = Long.parseLong(first);
            String last = m.group(2);
            long to = last == null ? from : Long.parseLong(last);
            if (to < from) {
                throw new BadInputException(wrong);
            }
            if (to - from < 0 || to - from >= MAX_SEEDS) { // to - from < 0: the difference overflowed
                throw new BadInputException("--seeds: at most " + MAX_SEEDS + " seeds in one hunt, got '" + text + "'");
            }
            return new long[] {from, to};
        } catch (NumberFormatException e) {
            throw new BadInputException("--seeds: a seed is out of range for a 64-bit integer, got '" + text + "'");
        }
    }

    /**
     * Parses {@code args} as {@code gcsim run} would with {@code --deterministic}
     * and returns the parse of {@code run}; BadInputException (exit 2) if
     * {@code gcsim run} would refuse them, or if they set what the hunt sets
     * ({@code --seed}). The caller's {@code toConfig()} checks the values.
     */
    private ParseResult checkRunOptions(List<String> args) {
        List<String> probe = new ArrayList<>(args);
        probe.add("--deterministic");
        ParseResult run = Main.parseRunOptions(probe, "bad gcsim run options: " + String.join(" ", args));
        if (run.hasMatchedOption("--seed")) {
            throw new BadInputException("--seed: the hunt chooses each run's seed; give the range with --seeds A..B");
        }
        if (run.isUsageHelpRequested() || run.isVersionHelpRequested()) {
            throw new BadInputException("--help and --version are gcsim hunt's own options here: gcsim hunt --help");
        }
        return run;
    }
}
