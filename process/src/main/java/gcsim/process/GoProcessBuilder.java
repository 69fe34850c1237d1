package gcsim.process;

import gcsim.gcmark.GcConfig;
import gcsim.goroutines.GoVersion;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.SuspendWait;
import gcsim.goroutines.mutator.Op;
import gcsim.goroutines.mutator.Program;
import gcsim.process.scenario.BuiltinScenario;
import gcsim.process.scenario.Scenario;
import gcsim.process.scenario.ScenarioException;
import gcsim.process.scenario.ScenarioParser;
import gcsim.process.scenario.ScenarioText;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Builds a {@link GoProcess}: what to run (a {@link Program} built in Java, or a
 * scenario: built-in, a file or a text) and the options of {@code gcsim run}.
 * Not thread-safe; a builder may build several processes.
 */
public final class GoProcessBuilder {
    @Nullable Program program;
    @Nullable BuiltinScenario builtin;
    @Nullable Path file;
    @Nullable String text;
    String textName = "";
    int goroutines = 2_000;
    long seed = ScenarioParser.DEFAULT_SEED;
    int procs = Math.min(256, Math.max(1, Runtime.getRuntime().availableProcessors()));
    int workers; // 0: one per P
    GcConfig.Mode mode = GcConfig.Mode.CONCURRENT;
    boolean checkmark = true;
    @Nullable Boolean autoTrigger;
    PreemptMode preempt = PreemptMode.ASYNC;
    SuspendWait suspendWait = SuspendWait.SPIN;
    GcConfig.StackScanStrategy stackScan = GcConfig.StackScanStrategy.BLOCKING;
    long gcEvery;
    boolean gcAtSafepoints;
    Set<ProtocolPiece> broken = EnumSet.noneOf(ProtocolPiece.class);
    GoVersion goVersion = GoVersion.DEFAULT;
    boolean deterministic;
    GoProcess.@Nullable EventsFactory events;
    RunObserver observer = RunObserver.NONE;

    /** What the builder was given to run, parsed: the program and what the scenario says about it. */
    record Source(String name, Program program, boolean autoTrigger, int spawned, boolean user) {}

    GoProcessBuilder() {}

    /**
     * Runs {@code p}, a program built with {@link Program#builder()}; its entry
     * function is the main goroutine. Replaces any scenario chosen before.
     *
     * @param p the checked program
     * @return this builder
     */
    public GoProcessBuilder program(Program p) {
        clearSource();
        this.program = p;
        return this;
    }

    /**
     * Runs a built-in scenario (scaled by {@link #goroutines}). Replaces any program chosen before.
     *
     * @param s the scenario
     * @return this builder
     */
    public GoProcessBuilder scenario(BuiltinScenario s) {
        clearSource();
        this.builtin = s;
        return this;
    }

    /**
     * Runs the scenario file at {@code path}, read when the process is built.
     * Replaces any program chosen before.
     *
     * @param path a {@code .gcs} file; errors name it as {@code path.toString()}
     * @return this builder
     */
    public GoProcessBuilder scenarioFile(Path path) {
        clearSource();
        this.file = path;
        return this;
    }

    /**
     * Runs a scenario given as text, in the scenario-file format. Replaces any
     * program chosen before.
     *
     * @param name what errors call it (as a file name)
     * @param text the scenario
     * @return this builder
     */
    public GoProcessBuilder scenarioText(String name, String text) {
        clearSource();
        this.text = text;
        this.textName = name;
        return this;
    }

    /**
     * How many goroutines a scenario starts: its go lines' {@code P%} counts are
     * percentages of this ({@code --goroutines}). Not used by a Java program.
     *
     * @param n 1 to {@value ScenarioParser#MAX_GOROUTINES}
     * @return this builder
     */
    public GoProcessBuilder goroutines(int n) {
        this.goroutines = n;
        return this;
    }

    /**
     * The seed ({@code --seed}): draws the order in which a scenario's goroutines
     * start, and with {@link #deterministic} the whole interleaving.
     *
     * @param s any value
     * @return this builder
     */
    public GoProcessBuilder seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * GOMAXPROCS ({@code --procs}): the scheduler's Ps and the heap's per-P caches.
     *
     * @param n at least 1
     * @return this builder
     */
    public GoProcessBuilder procs(int n) {
        this.procs = n;
        return this;
    }

    /**
     * Dedicated mark workers ({@code --workers}), overriding Go's controller; by default (0)
     * the controller decides each cycle (25% of GOMAXPROCS as dedicated, fractional and idle
     * workers, as go1.14).
     *
     * @param n 0 (Go's controller) or 1 to {@link #procs} (each needs a P, as in Go)
     * @return this builder
     */
    public GoProcessBuilder workers(int n) {
        this.workers = n;
        return this;
    }

    /**
     * How the mark phase runs ({@code --mode}).
     *
     * @param m concurrent (Go's) or stop-the-world
     * @return this builder
     */
    public GoProcessBuilder mode(GcConfig.Mode m) {
        this.mode = m;
        return this;
    }

    /**
     * Whether every cycle re-marks the heap with the world stopped and reports what
     * concurrent mark missed ({@code --checkmark}, Go's {@code GODEBUG=gccheckmark=1}).
     *
     * @param on on by default
     * @return this builder
     */
    public GoProcessBuilder checkmark(boolean on) {
        this.checkmark = on;
        return this;
    }

    /**
     * Whether the heap reaching its goal starts a cycle. By default a scenario's
     * {@code gc autotrigger} line decides, and a Java program has it on.
     *
     * @param on whether the heap triggers cycles
     * @return this builder
     */
    public GoProcessBuilder autoTrigger(boolean on) {
        this.autoTrigger = on;
        return this;
    }

    /**
     * Whether asynchronous (signal) preemption is on, or only the stack-guard
     * check at function entry ({@code --preempt}).
     *
     * @param m async by default
     * @return this builder
     */
    public GoProcessBuilder preempt(PreemptMode m) {
        this.preempt = m;
        return this;
    }

    /**
     * How suspendG waits for a running goroutine ({@code --suspend}).
     *
     * @param w go1.14's spin by default, or park
     * @return this builder
     */
    public GoProcessBuilder suspendWait(SuspendWait w) {
        this.suspendWait = w;
        return this;
    }

    /**
     * How concurrent mark takes the goroutine stacks ({@code --stack-scan}).
     *
     * @param s go1.14's blocking markroot by default, or two-phase
     * @return this builder
     */
    public GoProcessBuilder stackScan(GcConfig.StackScanStrategy s) {
        this.stackScan = s;
        return this;
    }

    /**
     * Stress ({@code --gc-every}): a cycle after every {@code n} allocations (all Ps
     * together), each allocating goroutine waiting for its cycle.
     *
     * @param n 0 (off, the default) or more
     * @return this builder
     */
    public GoProcessBuilder gcEvery(long n) {
        this.gcEvery = n;
        return this;
    }

    /**
     * Stress ({@code --gc-at-safepoints}): a cycle whenever a goroutine reaches a
     * cooperative safe point and none runs.
     *
     * @param on off by default
     * @return this builder
     */
    public GoProcessBuilder gcAtSafepoints(boolean on) {
        this.gcAtSafepoints = on;
        return this;
    }

    /**
     * Protocol pieces broken on purpose ({@code --break}): an ablation showing what
     * each protects. Never Go's behaviour.
     *
     * @param pieces the pieces; empty by default
     * @return this builder
     */
    public GoProcessBuilder broken(Set<ProtocolPiece> pieces) {
        this.broken = pieces.isEmpty() ? EnumSet.noneOf(ProtocolPiece.class) : EnumSet.copyOf(pieces);
        return this;
    }

    /**
     * The Go release whose runtime rules the process follows ({@code --go}), bugs
     * included; every version is some real Go's behaviour.
     *
     * @param version the version; {@link GoVersion#DEFAULT} (gcsim's model, go1.14.10+) by default
     * @return this builder
     */
    public GoProcessBuilder goVersion(GoVersion version) {
        this.goVersion = version;
        return this;
    }

    /**
     * Runs every thread of the process one at a time on a baton chosen by the
     * {@link #seed}, on a simulated clock ({@code --deterministic}): the same seed
     * gives the same run and the same digest. Such a process runs only inside
     * {@link GoProcess#run}; it cannot have {@link #runtimeEvents}.
     *
     * @param on off by default
     * @return this builder
     */
    public GoProcessBuilder deterministic(boolean on) {
        this.deterministic = on;
        return this;
    }

    /**
     * Where the runtime's events go (goroutine spans, suspensions, stack copies,
     * status transitions; {@code --trace} records them).
     *
     * @param factory makes the listener once the process's start time is known
     * @return this builder
     */
    public GoProcessBuilder runtimeEvents(GoProcess.EventsFactory factory) {
        this.events = factory;
        return this;
    }

    /**
     * Who hears of each finished cycle and, during {@link GoProcess#run}, of its progress.
     *
     * @param o called from the process's threads
     * @return this builder
     */
    public GoProcessBuilder observer(RunObserver o) {
        this.observer = o;
        return this;
    }

    /**
     * Parses the scenario (if any) and builds the process; nothing runs until
     * {@link GoProcess#start}.
     *
     * @return the process, built
     * @throws ScenarioException when the scenario cannot be read or parsed
     * @throws IllegalStateException when no program or scenario was chosen, or the
     *         options contradict each other
     * @throws IllegalArgumentException when an option is out of range
     */
    public GoProcess build() {
        if (procs < 1) {
            throw new IllegalArgumentException("procs must be at least 1: " + procs);
        }
        if (workers < 0 || workers > procs) {
            throw new IllegalArgumentException("workers must be 0 (Go's controller) or between 1 and procs ("
                    + procs + "): " + workers);
        }
        if (goroutines < 1 || goroutines > ScenarioParser.MAX_GOROUTINES) {
            throw new IllegalArgumentException("goroutines must be between 1 and "
                    + ScenarioParser.MAX_GOROUTINES + ": " + goroutines);
        }
        if (gcEvery < 0) {
            throw new IllegalArgumentException("gcEvery must be 0 (off) or more: " + gcEvery);
        }
        if (deterministic && events != null) {
            throw new IllegalStateException("a deterministic process's events go to its event log"
                    + " (the digest); it cannot have runtimeEvents too");
        }
        return new GoProcess(this);
    }

    private void clearSource() {
        program = null;
        builtin = null;
        file = null;
        text = null;
    }

    Source load() {
        Source src = loadSource();
        if (!goVersion.executionTracer() && src.program().uses(Op.TRACEADVANCE)) {
            // The instruction is go1.22's tracer; gcsim models no older one.
            throw new ScenarioException(src.name(), "traceadvance is go1.22's execution tracer: run it with --go "
                    + GoVersion.GO1_22.cliName() + " or later (--go " + goVersion.cliName() + " has no such tracer)");
        }
        return src;
    }

    private Source loadSource() {
        Program p = program;
        if (p != null) {
            return new Source("program", p, true, 0, false);
        }
        String name;
        String t;
        BuiltinScenario b = builtin;
        Path f = file;
        if (b != null) {
            name = b.fileName();
            t = b.text();
        } else if (f != null) {
            name = f.toString();
            t = ScenarioText.read(f, name);
        } else if (text != null) {
            name = textName;
            t = text;
        } else {
            throw new IllegalStateException("no program or scenario to run");
        }
        Scenario s = ScenarioParser.parse(name, t, goroutines, seed);
        return new Source(s.file(), s.program(), s.autoTrigger(), s.spawned(), b == null);
    }
}
