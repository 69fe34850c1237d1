package gcsim.cli;

import gcsim.gcmark.Collector;
import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.Interp;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.Traceback;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The simulation behind {@code gcsim run}: parses the scenario, builds the
 * runtime (Sched, Heap, Interp, Collector), starts the mutators and drives
 * GC cycles until {@code --cycles} have finished, then stops everything.
 *
 * <p>Threads: {@link #run} runs on the command's thread and only waits; a
 * driver thread ({@code gcsim-engine-driver}) counts finished cycles and,
 * when no cycle was triggered by the heap within {@link #FORCE_AFTER_MILLIS}
 * of mutator time, forces one with {@link Collector#gc()} (never from an M).
 * Cycles are reported to the listener from the collector's thread as they
 * finish, in order; cycles beyond {@code --cycles} (a trigger racing the
 * end) are not reported.
 *
 * <p>Stopping: a cycle is never started after the mutators ended (stopping
 * the world after the runtime exited is fatal). On success the driver ends,
 * then {@code gc.close(); rt.shutdown()}. On {@code --timeout} the command's
 * thread takes the goroutine dump first (while the stuck goroutines are
 * still where they are), then shuts the runtime down, which ends a
 * suspendG in progress and so the driver (waited for, bounded). Only if the
 * driver is still stuck is the collector closed on a daemon thread, because
 * {@code close()} waits for the cycle in progress.
 */
final class SimEngine implements Engine {
    /** Mutator time after which the driver forces a cycle when none was triggered. */
    static final long FORCE_AFTER_MILLIS = 20;
    /** How long to wait for the Ms to end after a clean stop. */
    private static final long JOIN_MILLIS = 5_000;

    @Override
    public RunResult run(RunConfig config, RunListener listener) {
        Scenario scenario = load(config);
        Sched rt = new Sched(SchedConfig.of(config.procs())
                .withAsyncPreempt(config.preempt() == RunConfig.Preempt.ASYNC)
                .withSuspendSleeps(config.suspend() == RunConfig.Suspend.PARK));
        Heap heap = new Heap(HeapConfig.of(config.procs()));
        Interp interp = new Interp(rt, heap, scenario.program());
        GcConfig gcConfig = GcConfig.defaults(config.workers())
                .withMode(config.mode() == RunConfig.Mode.STW ? GcConfig.Mode.STW : GcConfig.Mode.CONCURRENT)
                .withCheckmark(config.checkmark())
                .withAutoTrigger(scenario.autoTrigger())
                .withStackScan(config.stackScan() == RunConfig.StackScan.TWO_PHASE
                        ? GcConfig.StackScan.TWO_PHASE : GcConfig.StackScan.BLOCKING);
        long initNanos = System.nanoTime();
        TraceEvents traceEvents = listener.trace().map(tw -> new TraceEvents(tw, initNanos)).orElse(null);
        if (traceEvents != null) {
            rt.setRuntimeEvents(traceEvents);
        }
        Collector gc = new Collector(rt, heap, gcConfig);
        gc.setStressTriggers(config.gcEvery(), config.gcAtSafepoints());
        gc.addChannelRoots(interp.chans());
        Cycles cycles = new Cycles(config.cycles(), listener);
        gc.setCycleListener(cycles::finished);
        gc.start();
        interp.start();

        Driver driver = new Driver(config, listener, rt, interp, gc, cycles, initNanos, scenario.spawned());
        Thread t = new Thread(driver, "gcsim-engine-driver");
        t.setDaemon(true);
        t.start();
        boolean finished = join(t, config.timeoutSeconds());
        if (!finished) {
            String dump = timeoutDump(rt);
            rt.shutdown(); // suspendG gives up when the runtime exits, so the driver ends too
            joinMs(rt);
            if (traceEvents != null) {
                traceEvents.finish();
            }
            if (join(t, (int) TimeUnit.MILLISECONDS.toSeconds(JOIN_MILLIS))) {
                gc.close();
            } else {
                Thread closer = new Thread(gc::close, "gcsim-engine-close");
                closer.setDaemon(true);
                closer.start();
            }
            return result(cycles, rt, interp, gc, true, dump);
        }
        gc.close();
        rt.shutdown();
        joinMs(rt);
        if (traceEvents != null) {
            traceEvents.finish();
        }
        Throwable fatal = rt.fatalError();
        if (fatal == null) {
            fatal = driver.failure;
        }
        if (fatal instanceof Error e) {
            throw e;
        }
        if (fatal instanceof RuntimeException e) {
            throw e;
        }
        if (fatal != null) {
            throw new IllegalStateException(fatal.getMessage(), fatal);
        }
        if (cycles.done() < config.cycles()) {
            // main returned: the run cannot go on (a cycle after exit would be fatal).
            throw new BadInputException(scenario.file() + ": the program ended after " + cycles.done() + " of "
                    + config.cycles() + " cycles; mutators must keep running (loop, or block in main)");
        }
        return result(cycles, rt, interp, gc, false, "");
    }

    private static Scenario load(RunConfig config) {
        ScenarioRef ref = config.scenario();
        String text;
        String name;
        if (ref instanceof ScenarioRef.BuiltIn b) {
            name = b.scenario().scenarioName() + ".gcs";
            try (InputStream in = SimEngine.class.getResourceAsStream(b.scenario().resourcePath())) {
                if (in == null) {
                    throw new IllegalStateException("built-in scenario resource missing: "
                            + b.scenario().resourcePath());
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("reading " + b.scenario().resourcePath(), e);
            }
        } else {
            ScenarioRef.File f = (ScenarioRef.File) ref;
            name = f.path().toString();
            try {
                text = Files.readString(f.path(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInputException(name + ": cannot read: " + e.getMessage());
            }
        }
        return ScenarioParser.parse(name, text, config.goroutines(), config.seed());
    }

    /** Waits for the driver; false when {@code timeoutSeconds} (0: none) expired first. */
    private static boolean join(Thread t, int timeoutSeconds) {
        try {
            if (timeoutSeconds == 0) {
                t.join();
            } else {
                t.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private static void joinMs(Sched rt) {
        try {
            rt.joinMs(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The dump printed at a timeout (after the command's "goroutines that
     * never reached a safe point:" line): first the goroutines still running
     * (a tight loop without async preemption never reaches one),
     * then every goroutine as Go's tracebackothers prints it.
     */
    static String timeoutDump(Sched rt) {
        StringBuilder sb = new StringBuilder();
        for (G gp : rt.allgs()) {
            if ((GStatus.readgstatus(gp) & ~GStatus.G_SCAN) == GStatus.G_RUNNING) {
                sb.append('\t').append(Traceback.goroutineheader(gp)).append('\n');
            }
        }
        if (sb.length() == 0) {
            sb.append("\tnone running (the run was slow, not stuck)\n");
        }
        sb.append("\nall goroutines:\n\n").append(Traceback.dump(rt));
        sb.append("\nscheduler (GODEBUG=schedtrace,scheddetail=1):\n").append(rt.schedtrace(true));
        return sb.append("\nruntime threads (Java stacks, for a bug report):\n").append(threadStacks()).toString();
    }

    /**
     * The Java stacks of gcsim's threads (Ms, mark workers, the trigger,
     * sweeper and sysmon, all named "gcsim-...") and of the thread driving the
     * run: where each one waits when a run is stuck. Other runs in the same
     * JVM show too; their names tell them apart only by number.
     */
    static String threadStacks() {
        StringBuilder sb = new StringBuilder();
        Thread self = Thread.currentThread();
        for (var e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (!t.getName().startsWith("gcsim") && t != self) {
                continue;
            }
            sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            StackTraceElement[] frames = e.getValue();
            for (int i = 0; i < Math.min(frames.length, 24); i++) {
                sb.append("\tat ").append(frames[i]).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static RunResult result(Cycles cycles, Sched rt, Interp interp, Collector gc, boolean timedOut,
            String dump) {
        Sched.SchedStats s = rt.stats();
        RunResult.MutatorCounters mutator = new RunResult.MutatorCounters(interp.instructions(),
                interp.allocations(), s.stackGrowths(), s.stackShrinks(), s.goroutinesCreated(),
                s.goroutinesExited());
        RunResult.Verification v = new RunResult.Verification(gc.checkmarkFailures().size(), interp.useAfterFree());
        return new RunResult(cycles.reported(), mutator, v, timedOut, dump);
    }

    /**
     * The finished cycles: written by the collector's thread, read by the
     * driver (waiting for the next) and at the end. Guarded by {@code this}.
     */
    private static final class Cycles {
        private final int wanted;
        private final RunListener listener;
        private final List<CycleRecord> reported = new ArrayList<>();
        private long seen; // every cycle that finished, reported or not

        Cycles(int wanted, RunListener listener) {
            this.wanted = wanted;
            this.listener = listener;
        }

        /** The collector's cycle listener; collector thread. */
        void finished(CycleRecord r) {
            boolean report;
            synchronized (this) {
                seen++;
                report = reported.size() < wanted;
                if (report) {
                    reported.add(r);
                }
                notifyAll();
            }
            if (report) {
                listener.cycleFinished(r);
            }
        }

        synchronized int done() {
            return reported.size();
        }

        /** Waits up to {@code millis} for a cycle after the {@code before}-th; true when one came. */
        synchronized boolean awaitBeyond(long before, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (seen <= before) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        synchronized long seen() {
            return seen;
        }

        synchronized List<CycleRecord> reported() {
            return List.copyOf(reported);
        }
    }

    /** The driver thread: waits for triggered cycles and forces the missing ones. */
    private static final class Driver implements Runnable {
        private final RunConfig config;
        private final RunListener listener;
        private final Sched rt;
        private final Interp interp;
        private final Collector gc;
        private final Cycles cycles;
        private final long initNanos;
        private final int spawned;
        volatile @Nullable Throwable failure;

        Driver(RunConfig config, RunListener listener, Sched rt, Interp interp, Collector gc, Cycles cycles,
                long initNanos, int spawned) {
            this.config = config;
            this.listener = listener;
            this.rt = rt;
            this.interp = interp;
            this.gc = gc;
            this.cycles = cycles;
            this.initNanos = initNanos;
            this.spawned = spawned;
        }

        @Override
        public void run() {
            try {
                while (cycles.done() < config.cycles() && !rt.hasExited()) {
                    long before = cycles.seen();
                    if (!cycles.awaitBeyond(before, FORCE_AFTER_MILLIS) && !rt.hasExited() && allStarted()) {
                        gc.gc();
                    }
                    progress();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        /**
         * Whether the entry function has started every goroutine of the go
         * lines (plus itself): forced cycles wait for that, so they see the
         * whole workload; triggered ones may come earlier.
         */
        private boolean allStarted() {
            return rt.stats().goroutinesCreated() > spawned;
        }

        private void progress() {
            Sched.SchedStats s = rt.stats();
            long alive = s.goroutinesCreated() - s.goroutinesExited();
            listener.progress(cycles.done(), "mutator", interp.instructions(), alive);
            listener.trace().ifPresent(t -> t.counter("goroutines", System.nanoTime() - initNanos, "alive", alive));
        }
    }
}
