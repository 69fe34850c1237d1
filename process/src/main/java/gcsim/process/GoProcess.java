package gcsim.process;

import gcsim.gcmark.Collector;
import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.RuntimeEvents;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.platform.Platform;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.process.ProcessRun.Cycles;
import gcsim.process.ProcessRun.Determinism;
import gcsim.process.scenario.ScenarioException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Lifecycle: {@link GoProcessBuilder#build} constructs (no thread runs yet),
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

    GoProcess(GoProcessBuilder b) {
        GoProcessBuilder.Source src = b.load();
        this.name = src.name();
        this.userScenario = src.user();
        this.spawned = src.spawned();
        Determinism d = b.deterministic ? new Determinism(b.seed) : null;
        this.det = d;
        Platform platform = d == null ? Platform.REAL : d.platform;
        this.rt = new Sched(SchedConfig.of(b.procs)
                .withPreempt(b.preempt)
                .withSuspendWait(b.suspendWait)
                .withBroken(b.broken)
                .withGoVersion(b.goVersion), platform);
        // The heap's per-P caches and the scheduler's Ps come from the one value.
        this.heap = new Heap(HeapConfig.of(b.procs));
        this.interp = new Interp(rt, heap, src.program());
        GcConfig gcConfig = GcConfig.defaults(b.workers)
                .withMode(b.mode)
                .withCheckmark(b.checkmark)
                .withAutoTrigger(b.autoTrigger != null ? b.autoTrigger : src.autoTrigger())
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
    public static GoProcessBuilder builder() {
        return new GoProcessBuilder();
    }

    /**
     * Starts the collector's threads, then the program's entry goroutine (and
     * with it the Ms). The controlling thread, once. A
     * {@link GoProcessBuilder#deterministic} process is started by {@link #run} instead:
     * its threads run only on the baton the run hands around.
     *
     * @return this process, started
     * @throws IllegalStateException when it was started or closed already, or is deterministic
     */
    public GoProcess start() {
        if (det != null) {
            throw new IllegalStateException("a deterministic process runs only inside run()");
        }
        return startParts();
    }

    private GoProcess startParts() {
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
     * is not an M; not with {@link GoProcessBuilder#deterministic} (its threads run only
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
        this.cycles.want(cycles); // before any cycle can finish: a trigger may start one at once
        if (!started) {
            startParts();
        }
        checkRunning();
        closed = true; // the run closes everything itself
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
        if (!started) {
            rt.shutdown(); // no thread of its own runs yet
            return;
        }
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
}
