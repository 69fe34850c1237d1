package gcsim.process;

import gcsim.base.GoThrow;
import gcsim.gcmark.Collector;
import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.EventLog;
import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.Sched;
import gcsim.goroutines.Traceback;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.platform.Baton;
import gcsim.goroutines.platform.Platform;
import gcsim.process.scenario.ScenarioException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link GoProcess#run}: the command's run of a built process (it was the
 * command's SimEngine), after the wiring: drives GC cycles until the wanted
 * number have finished, then stops everything and checks the end.
 *
 * <p>Threads: {@link #run} runs on the controlling thread and only waits; a
 * driver thread ({@code gcsim-engine-driver}) counts finished cycles and,
 * when no cycle was triggered by the heap within {@link #FORCE_AFTER_MILLIS}
 * of mutator time, forces one with {@link Collector#gc()} (never from an M).
 * Cycles are reported to the observer from the collector's thread as they
 * finish, in order; cycles beyond the wanted number (a trigger racing the
 * end) are not reported.
 *
 * <p>Stopping: a cycle is never started after the mutators ended (stopping
 * the world after the runtime exited is fatal). On success the driver ends,
 * then {@code gc.close(); rt.shutdown()}. On a timeout the controlling
 * thread takes the goroutine dump first (while the stuck goroutines are
 * still where they are), then shuts the runtime down, which ends a
 * suspendG in progress and so the driver (waited for, bounded). Only if the
 * driver is still stuck is the collector closed on a daemon thread, because
 * {@code close()} waits for the cycle in progress. A throw of the runtime
 * ends the run with that fatal error even when it left the driver stuck in a
 * cycle that cannot finish (see {@link #awaitDriver}), and even when
 * the timeout expired first; the waits that follow a throw are all bounded.
 */
final class ProcessRun {
    /** Mutator time after which the driver forces a cycle when none was triggered. */
    static final long FORCE_AFTER_MILLIS = 20;
    /** How long to wait for the Ms to end after a clean stop. */
    private static final long JOIN_MILLIS = 5_000;
    /** --deterministic: simulated time without a runtime event after which the run counts as stuck. */
    static final long STALL_NANOS = 100_000_000L;
    /** --deterministic: how many of the last events the stuck report shows. */
    private static final int LAST_EVENTS = 40;
    /** {@link #awaitDriver}'s outcomes. */
    static final int DRIVER_FINISHED = 0;
    static final int DRIVER_TIMED_OUT = 1;
    static final int DRIVER_STUCK_AFTER_THROW = 2;
    /** How often {@link #awaitDriver} looks for a runtime throw. */
    private static final long POLL_MILLIS = 100;
    /** How long a timeout's goroutine dump may take. */
    static final long DUMP_MILLIS = 10_000;
    /** checkdead's throw when every goroutine is blocked for ever (proc.go). */
    static final String DEADLOCK = "all goroutines are asleep - deadlock!";
    /** A timeout's dump shows at most this many goroutines besides the running ones. */
    static final int DUMP_GOROUTINES = 100;

    private ProcessRun() {}

    /**
     * The run of {@code p}, started and not yet driven, until its tracker's wanted
     * cycles finished or {@code timeoutSeconds} (0: none) expired. The controlling thread.
     */
    static RunResult run(GoProcess p, int timeoutSeconds) {
        Sched rt = p.runtime();
        Interp interp = p.interpreter();
        Collector gc = p.collector();
        Cycles cycles = p.tracker();
        @Nullable Determinism det = p.determinism();
        Driver driver = new Driver(p, cycles);
        Thread t = rt.platform().newThread(driver, "gcsim-engine-driver");
        t.start();
        if (det != null) {
            return runDeterministic(det, p, timeoutSeconds, t, driver);
        }
        int outcome = awaitDriver(t, () -> rt.fatalError() != null, timeoutSeconds, JOIN_MILLIS);
        if (outcome != DRIVER_FINISHED) {
            // Only a throw from before the shutdown below counts: threads the shutdown ends may throw too.
            boolean threw = rt.fatalError() != null;
            String dump = outcome == DRIVER_TIMED_OUT ? bounded(() -> timeoutDump(rt), DUMP_MILLIS) : "";
            rt.shutdown(); // suspendG gives up when the runtime exits, so the driver ends too
            joinMs(rt);
            if (join(t, (int) TimeUnit.MILLISECONDS.toSeconds(JOIN_MILLIS))) {
                closeBounded(gc);
            } else {
                Thread closer = new Thread(gc::close, "gcsim-engine-close");
                closer.setDaemon(true);
                closer.start(); // close() waits for the stuck cycle: not worth waiting for
            }
            if (threw) {
                // The runtime threw during the wait: that, not the timeout, ends the run.
                return result(cycles, rt, interp, gc, false, "", endOfRun(p, driver));
            }
            return result(cycles, rt, interp, gc, true, dump, null);
        }
        if (rt.fatalError() == null) {
            gc.close();
        } else {
            closeBounded(gc); // a worker the throw ended may never report back
        }
        rt.shutdown();
        joinMs(rt);
        return result(cycles, rt, interp, gc, false, "", endOfRun(p, driver));
    }

    /**
     * {@code gc.close()} on a daemon thread, waited for at most
     * {@link #JOIN_MILLIS}: after a runtime throw or a timeout, close() may
     * wait for a cycle or a mark worker that will never finish, and the
     * command must still report. The controlling thread.
     */
    static void closeBounded(Collector gc) {
        Thread closer = new Thread(gc::close, "gcsim-engine-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The rest of a --deterministic run, on the controlling thread, which
     * takes no part: lets the participants (Ms, sysmon, the collector's
     * threads, the driver, all registered by now in a fixed order) run, then
     * waits with JDK waits until the driver ended the run, the watchdog found
     * it stuck, or --timeout expired. The driver itself closes the collector
     * and shuts the runtime down, so every step of the run is on the baton.
     */
    private static RunResult runDeterministic(Determinism det, GoProcess p, int timeoutSeconds,
            Thread driverThread, Driver driver) {
        Sched rt = p.runtime();
        Interp interp = p.interpreter();
        Collector gc = p.collector();
        Cycles cycles = p.tracker();
        driver.closeAtEnd = true;
        det.platform.startRun();
        int outcome = det.await(driverThread, timeoutSeconds);
        if (outcome != Determinism.FINISHED) {
            String dump = timeoutDump(rt);
            if (outcome == Determinism.TIMED_OUT) {
                rt.shutdown(); // the participants see the exit and end (not deterministic: the run is abandoned)
            }
            return withDeterminism(result(cycles, rt, interp, gc, outcome == Determinism.TIMED_OUT, dump, null),
                    det);
        }
        joinMs(rt);
        return withDeterminism(result(cycles, rt, interp, gc, false, "",
                endOfRun(p, driver)), det);
    }

    private static RunResult withDeterminism(RunResult r, Determinism det) {
        return new RunResult(r.cycles(), r.mutator(), r.verification(), r.timedOut(), r.goroutineDump(),
                new RunResult.Determinism(det.seed, det.log.digest(), det.log.events(), det.stuck(),
                        det.log.lastEvents()), r.fatal());
    }

    /**
     * {@link #checkEnd} after the Ms ended, with a runtime throw turned into its Go-style report
     * (the run's result then carries it with the cycles finished before it); bad input and
     * gcsim's own failures (not a GoThrow) still propagate. The controlling thread.
     */
    private static RunResult.@Nullable Fatal endOfRun(GoProcess p, Driver driver) {
        Sched rt = p.runtime();
        try {
            checkEnd(p, driver);
            return null;
        } catch (GoThrow t) {
            return FatalReport.of(t, rt);
        }
    }

    /** After a run that ended: rethrows a fatal error, or rejects a program that ended too early. */
    private static void checkEnd(GoProcess p, Driver driver) {
        Sched rt = p.runtime();
        Cycles cycles = p.tracker();
        Throwable fatal = rt.fatalError();
        Throwable driverFailure = driver.failure;
        if (fatal == null && driverFailure != null && !abandonedByExit(driverFailure, rt)) {
            fatal = driverFailure;
        }
        if (fatal instanceof GoThrow t && DEADLOCK.equals(t.getMessage())
                && p.userScenario()) {
            // Go's checkdead found the scenario's own goroutines all blocked or gone: the file is
            // wrong (as when main returns), not the runtime; a built-in scenario never does this.
            throw new ScenarioException(p.name(), DEADLOCK + " after " + cycles.done() + " of "
                    + cycles.wanted() + " cycles (Go's checkdead); mutators must keep running (loop, or block"
                    + " in main with a goroutine left to wake it)");
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
        if (cycles.done() < cycles.wanted()) {
            // main returned: the run cannot go on (a cycle after exit would be fatal).
            throw new ScenarioException(p.name(), "the program ended after " + cycles.done() + " of "
                    + cycles.wanted() + " cycles; mutators must keep running (loop, or block in main)");
        }
    }

    /**
     * Whether the driver's cycle was abandoned because the program ended (main returned) while
     * the cycle was under way: the runtime threw nothing, and the cycle gave up with one of the
     * collector's "...: process exited" throws (gcStart, gcMarkDone, gcBgMarkStartWorkers,
     * stopTheWorld, suspendG, forEachP). Not a failure of the runtime: the run reports that the
     * program ended too early.
     */
    private static boolean abandonedByExit(Throwable driverFailure, Sched rt) {
        String m = driverFailure.getMessage();
        return driverFailure instanceof GoThrow && rt.hasExited() && rt.fatalError() == null && m != null
                && m.endsWith(": process exited");
    }

    /**
     * Waits for the driver to end the run: {@link #DRIVER_FINISHED}; or
     * {@link #DRIVER_TIMED_OUT} when {@code timeoutSeconds} (0: none) expired
     * first; or {@link #DRIVER_STUCK_AFTER_THROW} when the runtime threw
     * ({@code threw} turned true) and the driver still had not ended
     * {@code graceMillis} later: a throw on an M can leave the cycle the driver
     * waits for unable to finish (a stop-the-world waiting for a P whose M is
     * gone), and the run must then end with the fatal error (exit 1), not
     * hang until --timeout, or for ever without one. The command's thread.
     */
    static int awaitDriver(Thread driver, BooleanSupplier threw, int timeoutSeconds, long graceMillis) {
        long now = System.nanoTime();
        long deadline = timeoutSeconds == 0 ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long giveUp = Long.MAX_VALUE;
        try {
            while (driver.isAlive()) {
                now = System.nanoTime();
                if (now - deadline >= 0) {
                    return DRIVER_TIMED_OUT;
                }
                if (giveUp == Long.MAX_VALUE && threw.getAsBoolean()) {
                    giveUp = now + TimeUnit.MILLISECONDS.toNanos(graceMillis);
                }
                if (now - giveUp >= 0) {
                    return DRIVER_STUCK_AFTER_THROW;
                }
                long slice = Math.min(Math.min(deadline, giveUp) - now, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
                TimeUnit.NANOSECONDS.timedJoin(driver, Math.max(1, slice));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DRIVER_TIMED_OUT;
        }
        return DRIVER_FINISHED;
    }

    /**
     * {@code dump}'s text, or, when it has not finished within {@code millis}
     * (a runtime lock held by a stuck thread: the scheduler dump takes
     * sched.lock), a line saying so and the Java stacks, which need no lock.
     * Runs {@code dump} on a daemon thread so a stuck one cannot keep the
     * command from reporting. Any thread.
     */
    static String bounded(Callable<String> dump, long millis) {
        FutureTask<String> task = new FutureTask<>(dump);
        Thread th = new Thread(task, "gcsim-engine-dump");
        th.setDaemon(true);
        th.start();
        String why;
        try {
            return task.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            why = "did not finish within " + millis + " ms (a runtime lock is held by a stuck thread)";
        } catch (ExecutionException e) {
            why = "failed: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "was interrupted";
        }
        return "\t(the goroutine dump " + why + ")\n\nruntime threads (Java stacks, for a bug report):\n"
                + threadStacks();
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
     * then every goroutine as Go's tracebackothers prints it, and the
     * scheduler's state. When no goroutine is running, the program is not
     * what holds the run up: the runtime's own threads are suspect, and their
     * Java stacks follow, for a bug report.
     */
    static String timeoutDump(Sched rt) {
        StringBuilder sb = new StringBuilder();
        for (G gp : rt.allgs()) {
            if ((GStatus.readgstatus(gp) & ~GStatus.G_SCAN) == GStatus.G_RUNNING) {
                sb.append('\t').append(Traceback.goroutineheader(gp)).append('\n');
            }
        }
        boolean noneRunning = sb.length() == 0;
        if (noneRunning) {
            sb.append("\tnone running (the run was slow, or the runtime is stuck)\n");
        }
        sb.append("\nall goroutines:\n\n").append(otherGoroutines(rt));
        sb.append("\nscheduler (GODEBUG=schedtrace,scheddetail=1):\n").append(rt.schedtrace());
        if (noneRunning) {
            sb.append("\nruntime threads (Java stacks, for a bug report):\n").append(threadStacks());
        }
        return sb.toString();
    }

    /**
     * Go's tracebackothers (every goroutine that is not dead), but at most
     * {@link #DUMP_GOROUTINES} of them: a run of a million goroutines would
     * otherwise print a dump of tens of megabytes.
     */
    static String otherGoroutines(Sched rt) {
        return otherGoroutines(rt, null);
    }

    /**
     * {@link #otherGoroutines(Sched)} without {@code me} (tracebackothers skips the goroutine
     * that threw: the fatal error printed it first). Empty when there is none to show.
     */
    static String otherGoroutines(Sched rt, @Nullable G me) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        int more = 0;
        for (G gp : rt.allgs()) {
            if (gp == me || gp.isSystemGoroutine() || (GStatus.readgstatus(gp) & ~GStatus.G_SCAN) == GStatus.G_DEAD) {
                continue;
            }
            if (shown == DUMP_GOROUTINES) {
                more++;
                continue;
            }
            if (shown > 0) {
                sb.append('\n');
            }
            sb.append(Traceback.traceback(gp));
            shown++;
        }
        if (more > 0) {
            sb.append("\n... ").append(more).append(" more goroutines not shown (the dump stops at ")
                    .append(DUMP_GOROUTINES).append(")\n");
        }
        return sb.toString();
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
            // Indented frames, not "at" lines: a diagnostic, not an uncaught exception.
            for (int i = 0; i < Math.min(frames.length, 24); i++) {
                sb.append('\t').append(frames[i]).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * What the run did and what each oracle saw: the checkmark's unmarked objects, the mutators'
     * poisoned reads, and the fatal error, attributed to the mutators' own check when it is
     * "mutator check failed", to the poison check when it is "use of freed object" (counted
     * already), else to the runtime.
     */
    static RunResult result(Cycles cycles, Sched rt, Interp interp, Collector gc, boolean timedOut,
            String dump, RunResult.@Nullable Fatal fatal) {
        RunResult.MutatorCounters mutator = mutator(rt, interp);
        String thrown = fatal == null ? "" : fatal.message();
        long mutatorChecks = thrown.equals(FatalReport.MUTATOR_CHECK_FAILED) ? 1 : 0;
        long runtimeThrows = fatal != null && mutatorChecks == 0 && !thrown.equals(FatalReport.USE_OF_FREED_OBJECT)
                ? 1 : 0;
        RunResult.Verification v = new RunResult.Verification(gc.checkmarkFailures().size(), interp.useAfterFree(),
                mutatorChecks, runtimeThrows, cycles.unmarked());
        return new RunResult(cycles.reported(), mutator, v, timedOut, dump, null, fatal);
    }

    /** The mutator counters of the process now. Any thread. */
    static RunResult.MutatorCounters mutator(Sched rt, Interp interp) {
        Sched.SchedStats s = rt.stats();
        return new RunResult.MutatorCounters(interp.instructions(), interp.allocations(), s.stackGrowths(),
                s.stackShrinks(), s.goroutinesCreated(), s.goroutinesExited());
    }

    /**
     * The finished cycles: written by the collector's thread, read by the
     * driver (waiting for the next) and at the end. Guarded by {@code this}.
     */
    static final class Cycles {
        /** How many cycles are reported: all, unless {@link GoProcess#run} says otherwise. Guarded by this. */
        private int wanted = Integer.MAX_VALUE;
        private final RunObserver listener;
        /** The checkmark's failures so far (Collector.checkmarkFailures().size()). */
        private final LongSupplier unmarkedSoFar;
        private final List<CycleRecord> reported = new ArrayList<>();
        /** Per reported cycle: the objects its checkmark found unmarked. */
        private final List<Long> unmarked = new ArrayList<>();
        private long unmarkedBefore;
        private long seen; // every cycle that finished, reported or not

        Cycles(RunObserver listener, LongSupplier unmarkedSoFar) {
            this.listener = listener;
            this.unmarkedSoFar = unmarkedSoFar;
        }

        /** Reports at most {@code n} cycles (those after are seen, not reported). Before the run's driver starts. */
        synchronized void want(int n) {
            wanted = n;
        }

        synchronized int wanted() {
            return wanted;
        }

        /**
         * The collector's cycle listener; collector thread, after the cycle's checkmark pass
         * (cycles are serialised, so the failures added since the last call are this cycle's).
         */
        void finished(CycleRecord r) {
            boolean report;
            long total = unmarkedSoFar.getAsLong();
            synchronized (this) {
                seen++;
                report = reported.size() < wanted;
                if (report) {
                    reported.add(r);
                    unmarked.add(total - unmarkedBefore);
                }
                unmarkedBefore = total;
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

        synchronized List<Long> unmarked() {
            return List.copyOf(unmarked);
        }
    }

    /**
     * What --deterministic adds to a run: the event log whose digest
     * identifies the run, the baton platform, and the watchdog's verdict.
     */
    static final class Determinism {
        static final int FINISHED = 0;
        static final int STUCK = 1;
        static final int TIMED_OUT = 2;

        final long seed;
        final EventLog log = new EventLog(LAST_EVENTS);
        final Watchdog watchdog = new Watchdog();
        final Platform platform;

        Determinism(long seed) {
            this.seed = seed;
            this.platform = Platform.deterministic(seed, log, STALL_NANOS, watchdog);
        }

        /** The watchdog's description (set once, by the participant that found it), else null. */
        @Nullable String stuck() {
            return watchdog.stuck;
        }

        /**
         * The controlling thread (no participant): waits with JDK waits until
         * the driver ended, the watchdog fired, or timeoutSeconds (0: none)
         * of wall time passed. Returns FINISHED, STUCK or TIMED_OUT.
         */
        int await(Thread driver, int timeoutSeconds) {
            long deadline = timeoutSeconds == 0 ? Long.MAX_VALUE
                    : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            try {
                while (driver.isAlive() && stuck() == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return TIMED_OUT;
                    }
                    watchdog.latch.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return TIMED_OUT;
            }
            return stuck() != null ? STUCK : FINISHED;
        }
    }

    /** Receives the baton watchdog's verdict and wakes the controlling thread. */
    private static final class Watchdog implements Baton.DeadlockHandler {
        final CountDownLatch latch = new CountDownLatch(1);
        volatile @Nullable String stuck;

        @Override
        public void deadlock(String description) {
            stuck = description;
            latch.countDown();
        }
    }

    /**
     * The driver thread: waits for triggered cycles and forces the missing
     * ones; after each wait (at most {@link #FORCE_AFTER_MILLIS}) it redraws the
     * observer's progress (the command's progress line and trace counters:
     * goroutines alive, heap live and goal), so the counters have a point every
     * few milliseconds.
     */
    private static final class Driver implements Runnable {
        private final RunObserver listener;
        private final Sched rt;
        private final Interp interp;
        private final Collector gc;
        private final Cycles cycles;
        private final int spawned;
        volatile @Nullable Throwable failure;
        /**
         * --deterministic: the driver waits on the simulated clock and, at the
         * end, closes the collector and shuts the runtime down itself (on the
         * baton). Set before the driver starts.
         */
        volatile boolean closeAtEnd;

        Driver(GoProcess p, Cycles cycles) {
            this.listener = cycles.listener;
            this.rt = p.runtime();
            this.interp = p.interpreter();
            this.gc = p.collector();
            this.cycles = cycles;
            this.spawned = p.spawned();
        }

        @Override
        public void run() {
            try {
                int wanted = cycles.wanted();
                while (cycles.done() < wanted && !rt.hasExited()) {
                    long before = cycles.seen();
                    if (!awaitCycle(before) && !rt.hasExited() && allStarted()) {
                        gc.gc();
                    }
                    progress();
                }
                if (closeAtEnd) {
                    gc.close();
                    rt.shutdown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
                if (closeAtEnd) {
                    // --deterministic: the run ends here all the same (a cycle the process's
                    // exit abandoned, e.g. after a mark worker's throw). Close the collector so
                    // its threads end, else the baton finds them parked and reports the run stuck.
                    gc.close();
                    rt.shutdown();
                }
            }
        }

        /**
         * Waits up to FORCE_AFTER_MILLIS for a cycle after the {@code before}-th;
         * true when one came. --deterministic: sleeps that long on the simulated
         * clock (a cycle does not wake it early) and looks.
         */
        private boolean awaitCycle(long before) throws InterruptedException {
            if (!closeAtEnd) {
                return cycles.awaitBeyond(before, FORCE_AFTER_MILLIS);
            }
            rt.platform().parkNanos(this, TimeUnit.MILLISECONDS.toNanos(FORCE_AFTER_MILLIS));
            return cycles.seen() > before;
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
            listener.progress(cycles.done(), interp.instructions(), alive);
        }
    }
}
