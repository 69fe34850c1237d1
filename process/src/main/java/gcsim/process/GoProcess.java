package gcsim.process;

import gcsim.gcmark.Collector;
import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.Interp;
import gcsim.goroutines.Platform;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.Program;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.RuntimeEvents;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.SuspendWait;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.process.ProcessRun.Cycles;
import gcsim.process.ProcessRun.Determinism;
import gcsim.process.scenario.BuiltinScenario;
import gcsim.process.scenario.Scenario;
import gcsim.process.scenario.ScenarioException;
import gcsim.process.scenario.ScenarioParser;
import gcsim.process.scenario.ScenarioText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One simulated Go process: the scheduler ({@link Sched}, GOMAXPROCS Ps and
 * their Ms), the heap built for the same number of Ps, the interpreter running
 * the mutator program, and the collector with the program's channels as roots.
 * The one place that wires them, in the one order that works (Go's: the
 * runtime and the heap exist before the collector installs its hooks in them;
 * the collector's threads start before the first goroutine runs, so a cycle
 * the heap triggers has its workers).
 *
 * <pre>{@code
 * try (GoProcess p = GoProcess.builder().program(program).procs(2).checkmark(true).build().start()) {
 *     List<CycleRecord> cycles = p.runCycles(3);   // forced, back to back
 *     RunResult r = p.result();                    // the records of the JSON report
 * }
 * }</pre>
 *
 * <p>Two ways to drive it. A test calls {@link #runCycles} (forced cycles on
 * the calling thread) and {@link #awaitCondition}, then {@link #close}. The
 * command calls {@link #run}: a driver thread waits for the cycles the heap
 * triggers and forces one when none came within {@value #FORCE_AFTER_MILLIS} ms
 * of mutator time, with a timeout, the deterministic baton's watchdog and the
 * end-of-run checks; the process is closed when it returns.
 *
 * <p>Lifecycle: {@link Builder#build} constructs (no thread runs yet),
 * {@link #start} starts the collector's threads and the program's entry
 * goroutine, {@link #close} stops the collector, then the runtime. Threads:
 * build, start, run and close belong to one controlling thread (a test's, the
 * command's); {@link #runCycles} may be called from any thread that is not an M
 * (a cycle stops the world). The accessors of the parts ({@link #runtime()},
 * {@link #heap()}, {@link #collector()}, {@link #interpreter()}) are for tests
 * and benchmarks that reach below this API.
 */
public final class GoProcess implements AutoCloseable {
    /** Mutator time after which {@link #run}'s driver forces a cycle when none was triggered. */
    public static final long FORCE_AFTER_MILLIS = ProcessRun.FORCE_AFTER_MILLIS;

    private final String name;
    private final boolean userScenario;
    private final int spawned;
    private final @Nullable Determinism det;
    private final Sched rt;
    private final Heap heap;
    private final Interp interp;
    private final Collector gc;
    private final Cycles cycles;
    private final long startNanos;
    private boolean started;
    private boolean closed;

    private GoProcess(Builder b) {
        Source src = b.load();
        this.name = src.name;
        this.userScenario = src.user;
        this.spawned = src.spawned;
        Determinism d = b.deterministic ? new Determinism(b.seed) : null;
        this.det = d;
        Platform platform = d == null ? Platform.REAL : d.platform;
        this.rt = new Sched(SchedConfig.of(b.procs)
                .withPreempt(b.preempt)
                .withSuspendWait(b.suspendWait)
                .withBroken(b.broken), platform);
        // The heap's per-P caches and the scheduler's Ps come from the one value.
        this.heap = new Heap(HeapConfig.of(b.procs));
        this.interp = new Interp(rt, heap, src.program);
        GcConfig gcConfig = GcConfig.defaults(b.workers == 0 ? b.procs : b.workers)
                .withMode(b.mode)
                .withCheckmark(b.checkmark)
                .withAutoTrigger(b.autoTrigger != null ? b.autoTrigger : src.autoTrigger)
                .withStackScan(b.stackScan);
        this.startNanos = System.nanoTime();
        EventsFactory events = b.events;
        if (events != null) {
            rt.setRuntimeEvents(events.create(startNanos));
        } else if (d != null) {
            rt.setRuntimeEvents(d.log);
        }
        Collector c = new Collector(rt, heap, gcConfig);
        this.gc = c;
        c.setStressTriggers(b.gcEvery, b.gcAtSafepoints);
        c.addChannelRoots(interp.chans());
        this.cycles = new Cycles(b.observer, () -> c.checkmarkFailures().size());
        c.setCycleListener(cycles::finished);
    }

    /**
     * A builder with the command's defaults: the program or scenario still to
     * choose, one P per CPU (at most 256) and a mark worker per P, concurrent mark,
     * checkmark on, async preemption, go1.14's spinning suspendG and blocking stack
     * scan, cycles on the heap's trigger, no stress trigger, nothing broken, real
     * threads, seed 1, 2,000 goroutines for a scenario's percentages.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the collector's threads, then the program's entry goroutine (and
     * with it the Ms). The controlling thread, once.
     *
     * @return this process, started
     * @throws IllegalStateException when it was started or closed already
     */
    public GoProcess start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "started already");
        }
        started = true;
        gc.start();
        interp.start();
        return this;
    }

    /**
     * Runs one GC cycle now (Go's {@code runtime.GC()}: sweep termination, mark,
     * mark termination, sweep), whatever the heap's trigger says. Any thread that
     * is not an M; not with {@link Builder#deterministic} (its threads run only
     * inside {@link #run}).
     *
     * @return the cycle's record
     * @throws IllegalStateException when the cycle failed or the runtime died (its
     *         fatal error is the cause), or the process is not running
     */
    public CycleRecord runCycle() {
        checkRunning();
        if (det != null) {
            throw new IllegalStateException("a deterministic process runs only inside run()");
        }
        CycleRecord r;
        try {
            r = gc.gc();
        } catch (RuntimeException | Error e) {
            Throwable cause = rt.fatalError();
            throw new IllegalStateException("cycle failed: " + e
                    + (cause != null ? "; the runtime had died of: " + cause : ""), cause != null ? cause : e);
        }
        Throwable fatal = rt.fatalError();
        if (fatal != null) {
            throw new IllegalStateException("the runtime died: fatal error: " + FatalReport.message(fatal), fatal);
        }
        return r;
    }

    /**
     * Runs {@code n} GC cycles back to back ({@link #runCycle()} each).
     *
     * @param n how many, at least 0
     * @return their records, in order
     * @throws IllegalStateException as {@link #runCycle()}, naming the cycle that failed
     */
    public List<CycleRecord> runCycles(int n) {
        List<CycleRecord> rs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            try {
                rs.add(runCycle());
            } catch (IllegalStateException e) {
                throw new IllegalStateException("cycle " + (i + 1) + " of " + n + ": " + e.getMessage(),
                        e.getCause() != null ? e.getCause() : e);
            }
        }
        return rs;
    }

    /**
     * The command's whole run, then the process closed: starts it if it is not
     * yet, waits until {@code cycles} cycles have finished (those the heap or the
     * stress triggers start; a driver thread forces one whenever none finished
     * within {@value #FORCE_AFTER_MILLIS} ms once every goroutine of the program's
     * go lines started), or {@code timeout} expired, or (deterministic) the baton's
     * watchdog found the run stuck; then stops everything and checks the end. The
     * controlling thread; at most once.
     *
     * <p>A runtime throw that ended the run is returned as {@link RunResult#fatal()}
     * with the cycles finished before it (Go's report: the throwing goroutine, then
     * the others); a timeout as {@link RunResult#timedOut()} with the goroutine dump.
     *
     * @param cycles  how many cycles the run reports, at least 1
     * @param timeout when to give up and dump the goroutines; {@link Duration#ZERO}: never
     * @return what the run did; the records of the JSON report
     * @throws ScenarioException when a scenario's program ended, or deadlocked, before
     *         {@code cycles} cycles finished (the scenario is wrong, not the runtime)
     */
    public RunResult run(int cycles, Duration timeout) {
        if (cycles < 1) {
            throw new IllegalArgumentException("cycles must be at least 1: " + cycles);
        }
        if (!started) {
            start();
        }
        checkRunning();
        closed = true; // the run closes everything itself
        this.cycles.want(cycles);
        long seconds = timeout.toSeconds();
        return ProcessRun.run(this, (int) Math.min(Integer.MAX_VALUE, seconds));
    }

    /**
     * Waits, polling with yields (no sleep), until {@code condition} holds. Any
     * thread that is not an M.
     *
     * @param condition what to wait for; called often, so cheap
     * @param timeout   how long to wait at most
     * @return true when the condition held, false when the time ran out first
     * @throws IllegalStateException when the runtime died (its fatal error is the cause)
     */
    public boolean awaitCondition(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            Throwable fatal = rt.fatalError();
            if (fatal != null) {
                throw new IllegalStateException("the runtime died: fatal error: " + FatalReport.message(fatal),
                        fatal);
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }

    /**
     * Waits until the program exited (its main returned, or a fatal error ended
     * it), as Go's process does.
     *
     * @param timeout how long to wait at most
     * @return the exit status (0 when main returned), or -1 when the time ran out first
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return rt.awaitExit(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A goroutine dump as Go's {@code tracebackothers} prints it: every goroutine
     * that is not dead, its header ({@code goroutine N [status]:}) and frames,
     * at most {@value ProcessRun#DUMP_GOROUTINES} of them, then how many more
     * there are. Consistent only while the goroutines stand still (after a
     * fatal error, after {@link #close}, or in a stopped world). Any thread.
     *
     * @return the dump, each line ending in a newline
     */
    public String goroutineDump() {
        return ProcessRun.otherGoroutines(rt);
    }

    /**
     * What the process did so far, as the JSON report has it: the cycles (every
     * one, in order), the mutator counters and what each oracle saw. Not
     * deterministic, not timed out. A runtime throw becomes {@link RunResult#fatal()};
     * its goroutine report is consistent only once the Ms stopped (after a fatal
     * error, or {@link #close}). Any thread.
     *
     * @return the records
     */
    public RunResult result() {
        Throwable t = rt.fatalError();
        RunResult.@Nullable Fatal fatal = t == null ? null : FatalReport.of(t, rt);
        return ProcessRun.result(cycles, rt, interp, gc, false, "", fatal);
    }

    /**
     * What the mutators did so far: instructions, allocations, stack growths and
     * shrinks, goroutines created and exited. Any thread.
     *
     * @return the counters now
     */
    public RunResult.MutatorCounters mutator() {
        return ProcessRun.mutator(rt, interp);
    }

    /**
     * The cycles finished so far, in order (the collector's records).
     *
     * @return a copy
     */
    public List<CycleRecord> cycles() {
        return gc.records();
    }

    /**
     * The runtime's fatal error: the first throw that ended the program.
     *
     * @return the throw, or null while there was none
     */
    public @Nullable Throwable fatalError() {
        return rt.fatalError();
    }

    /**
     * Stops the collector (it waits for a cycle in progress), then the runtime.
     * After a runtime throw the collector is closed on a daemon thread and waited
     * for at most a few seconds: a worker the throw ended may never report back.
     * Idempotent; the controlling thread. A process {@link #run} returned from is
     * closed already.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (rt.fatalError() == null) {
            gc.close();
        } else {
            ProcessRun.closeBounded(gc);
        }
        rt.shutdown();
    }

    /**
     * The scheduler (G, M, P, run queues, suspendG), for tests that reach below this API.
     *
     * @return the process's runtime
     */
    public Sched runtime() {
        return rt;
    }

    /**
     * The simulated heap, for tests and benchmarks that build objects directly.
     *
     * @return the process's heap
     */
    public Heap heap() {
        return heap;
    }

    /**
     * The collector, for tests and benchmarks that reach below this API.
     *
     * @return the process's collector
     */
    public Collector collector() {
        return gc;
    }

    /**
     * The interpreter running the mutator program (its counters, its channels).
     *
     * @return the process's interpreter
     */
    public Interp interpreter() {
        return interp;
    }

    /**
     * When the process was built: the {@link System#nanoTime()} its runtime events
     * and its cycle records' {@link CycleRecord#startNanosSinceInit()} count from.
     *
     * @return a {@link System#nanoTime()} value
     */
    public long startNanos() {
        return startNanos;
    }

    /**
     * The name errors and reports use for the program.
     *
     * @return a scenario's file name or path, or {@code "program"} for a Java-built program
     */
    public String name() {
        return name;
    }

    // Package-private: the run (ProcessRun) reads the parts it drives.

    @Nullable Determinism determinism() {
        return det;
    }

    Cycles tracker() {
        return cycles;
    }

    /** Goroutines the entry function starts: a forced cycle waits until they all exist. */
    int spawned() {
        return spawned;
    }

    /** Whether the program is the user's own scenario, whose deadlock is bad input, not a runtime failure. */
    boolean userScenario() {
        return userScenario;
    }

    private void checkRunning() {
        if (!started) {
            throw new IllegalStateException("not started: call start()");
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
    }

    /**
     * Makes the process's runtime event listener ({@link Sched#setRuntimeEvents}).
     */
    @FunctionalInterface
    public interface EventsFactory {
        /**
         * Called once, while the process is built, before any of its threads runs.
         *
         * @param startNanos the {@link System#nanoTime()} the process's records count from
         *                   ({@link GoProcess#startNanos()})
         * @return the listener every runtime thread will call
         */
        RuntimeEvents create(long startNanos);
    }

    /** What the builder was given to run, parsed: the program and what the scenario says about it. */
    private record Source(String name, Program program, boolean autoTrigger, int spawned, boolean user) {}

    /**
     * Builds a {@link GoProcess}: what to run (a {@link Program} built in Java, or a
     * scenario: built-in, a file or a text) and the options of {@code gcsim run}.
     * Not thread-safe; a builder may build several processes.
     */
    public static final class Builder {
        private @Nullable Program program;
        private @Nullable BuiltinScenario builtin;
        private @Nullable Path file;
        private @Nullable String text;
        private String textName = "";
        private int goroutines = 2_000;
        private long seed = ScenarioParser.DEFAULT_SEED;
        private int procs = Math.min(256, Math.max(1, Runtime.getRuntime().availableProcessors()));
        private int workers; // 0: one per P
        private GcConfig.Mode mode = GcConfig.Mode.CONCURRENT;
        private boolean checkmark = true;
        private @Nullable Boolean autoTrigger;
        private PreemptMode preempt = PreemptMode.ASYNC;
        private SuspendWait suspendWait = SuspendWait.SPIN;
        private GcConfig.StackScanStrategy stackScan = GcConfig.StackScanStrategy.BLOCKING;
        private long gcEvery;
        private boolean gcAtSafepoints;
        private Set<ProtocolPiece> broken = EnumSet.noneOf(ProtocolPiece.class);
        private boolean deterministic;
        private @Nullable EventsFactory events;
        private RunObserver observer = RunObserver.NONE;

        private Builder() {}

        /**
         * Runs {@code p}, a program built with {@link Program#builder()}; its entry
         * function is the main goroutine. Replaces any scenario chosen before.
         *
         * @param p the checked program
         * @return this builder
         */
        public Builder program(Program p) {
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
        public Builder scenario(BuiltinScenario s) {
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
        public Builder scenarioFile(Path path) {
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
        public Builder scenarioText(String name, String text) {
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
        public Builder goroutines(int n) {
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
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * GOMAXPROCS ({@code --procs}): the scheduler's Ps and the heap's per-P caches.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder procs(int n) {
            this.procs = n;
            return this;
        }

        /**
         * Dedicated mark workers ({@code --workers}); by default one per P.
         *
         * @param n 1 to {@link #procs} (each needs a P, as in Go)
         * @return this builder
         */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /**
         * How the mark phase runs ({@code --mode}).
         *
         * @param m concurrent (Go's) or stop-the-world
         * @return this builder
         */
        public Builder mode(GcConfig.Mode m) {
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
        public Builder checkmark(boolean on) {
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
        public Builder autoTrigger(boolean on) {
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
        public Builder preempt(PreemptMode m) {
            this.preempt = m;
            return this;
        }

        /**
         * How suspendG waits for a running goroutine ({@code --suspend}).
         *
         * @param w go1.14's spin by default, or park
         * @return this builder
         */
        public Builder suspendWait(SuspendWait w) {
            this.suspendWait = w;
            return this;
        }

        /**
         * How concurrent mark takes the goroutine stacks ({@code --stack-scan}).
         *
         * @param s go1.14's blocking markroot by default, or two-phase
         * @return this builder
         */
        public Builder stackScan(GcConfig.StackScanStrategy s) {
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
        public Builder gcEvery(long n) {
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
        public Builder gcAtSafepoints(boolean on) {
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
        public Builder broken(Set<ProtocolPiece> pieces) {
            this.broken = pieces.isEmpty() ? EnumSet.noneOf(ProtocolPiece.class) : EnumSet.copyOf(pieces);
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
        public Builder deterministic(boolean on) {
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
        public Builder runtimeEvents(EventsFactory factory) {
            this.events = factory;
            return this;
        }

        /**
         * Who hears of each finished cycle and, during {@link GoProcess#run}, of its progress.
         *
         * @param o called from the process's threads
         * @return this builder
         */
        public Builder observer(RunObserver o) {
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
                throw new IllegalArgumentException("workers must be between 1 and procs (" + procs + "): " + workers);
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

        private Source load() {
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
}
