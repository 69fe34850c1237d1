package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcTrace;
import gcsim.goroutines.ProtocolPiece;
import gcsim.process.FatalReport;
import gcsim.process.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One {@code gcsim run} after its options were validated: opens the trace,
 * runs the engine while printing each cycle's gctrace line and the progress
 * line, then prints the report and decides the exit status.
 *
 * <p>Output discipline: human mode prints gctrace lines and the summary on
 * stdout; with {@code --json} stdout carries only the JSON object and the
 * gctrace lines go to stderr (where Go prints them too). The trace is closed
 * in a {@code finally} block, so it is valid JSON even when the run fails.
 * Used once, on the command thread (the listener methods are called from
 * engine threads).
 */
final class RunSession implements RunListener {
    /** System property overriding the trace's event cap ({@link ChromeTraceWriter#DEFAULT_MAX_EVENTS}). */
    static final String TRACE_MAX_EVENTS_PROPERTY = "gcsim.trace.maxEvents";

    private final RunConfig config;
    private final PrintStream out;
    private final PrintStream err;
    private final ProgressLine progress;
    private @Nullable ChromeTraceWriter trace; // set before the engine starts, then read-only
    /** Every cycle reported so far, for the JSON of a run that dies by an exception. Guarded by this. */
    private final List<CycleRecord> cyclesSeen = new ArrayList<>();
    private int gcTrack; // the trace's GC phase track

    RunSession(RunConfig config, PrintStream out, PrintStream err, boolean terminal) {
        this.config = config;
        this.out = out;
        this.err = err;
        this.progress = new ProgressLine(err, terminal, System::nanoTime, config.cycles());
    }

    /** Runs the engine and reports; returns the exit status. */
    int run(Engine engine) {
        openTrace();
        RunResult result;
        try {
            result = engine.run(config, this);
        } catch (BadInputException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            progress.clear();
            err.println("gcsim: out of memory: give Java a bigger heap, for example JAVA_OPTS=-Xmx8g ./gcsim run ...");
            return ExitStatus.VERIFICATION_FAILED;
        } catch (RuntimeException | Error e) {
            return fatal(e);
        } finally {
            progress.clear();
            closeTrace();
        }
        return report(result);
    }

    @Override
    public synchronized void cycleFinished(CycleRecord cycle) {
        cyclesSeen.add(cycle);
        progress.clear();
        (config.json() ? err : out).println(GcTrace.line(cycle, config.goVersion()));
        ChromeTraceWriter t = trace;
        if (t != null) {
            recordPhases(t, cycle);
        }
    }

    @Override
    public void progress(int cyclesDone, String phase, long instructions, long goroutines) {
        progress.update(cyclesDone, phase, instructions, goroutines);
    }

    @Override
    public Optional<ChromeTraceWriter> trace() {
        return Optional.ofNullable(trace);
    }

    private int report(RunResult result) {
        if (config.json()) {
            writeJson(result);
        } else {
            out.println();
            out.print(SummaryTable.render(result.cycles()));
            out.println();
            out.print(SummaryTable.footer(result, brokenNames()));
            out.flush();
        }
        RunResult.Fatal fatal = result.fatal();
        if (fatal != null) {
            // Go's report of the throw: its print lines, "fatal error: ...", the goroutines.
            err.print(fatal.report());
            err.flush();
            return ExitStatus.of(result);
        }
        RunResult.Determinism d = result.determinism();
        if (d != null && !config.json()) {
            out.println("determinism: seed " + d.seed() + " digest " + d.digest() + " (" + d.events() + " events)");
            out.flush();
        }
        if (result.timedOut()) {
            err.println("gcsim: --timeout " + config.timeoutSeconds()
                    + "s expired; goroutines that never reached a safe point:");
            err.print(result.goroutineDump());
        } else if (d != null && d.stuck() != null) {
            err.println("gcsim: --deterministic: " + d.stuck());
            err.println("goroutines running when it stopped:");
            err.print(result.goroutineDump());
            err.println("last events:");
            err.print(d.lastEvents());
        }
        if (result.verificationFailed()) {
            err.println("gcsim: verification FAILED: " + result.verification().lostObjects() + " lost objects, "
                    + result.verification().useAfterFree() + " uses after free, checkmark "
                    + (result.checkmarkFailedCycles() > 0 ? "failed" : "clean")
                    + "; caught by " + String.join(", ", result.caughtBy()));
        }
        err.flush();
        return ExitStatus.of(result);
    }

    /** The {@code --break} pieces by their command-line names, in declaration order. */
    private List<String> brokenNames() {
        return config.broken().stream().map(ProtocolPiece::cliName).toList();
    }

    private void writeJson(RunResult result) {
        try {
            JsonReport.write(config, result, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A throw of the simulated runtime prints as Go's does: the runtime's own lines, then
     * "fatal error: msg" (no Java trace: it is the model's failure, not gcsim's). Anything
     * else is a gcsim bug: the fatal error line, then the Java trace for the bug report.
     */
    private int fatal(Throwable e) {
        progress.clear();
        if (config.json()) {
            // Still exactly one JSON object on stdout: the cycles finished so far and the error.
            writeJson(partialResult(e));
        }
        if (e instanceof gcsim.base.GoThrow t) {
            err.print(FatalReport.withoutGoroutines(t).report());
            err.flush();
            return ExitStatus.VERIFICATION_FAILED;
        }
        err.println("fatal error: " + e.getMessage());
        err.println();
        e.printStackTrace(err);
        err.flush();
        return ExitStatus.VERIFICATION_FAILED;
    }

    /**
     * What is known of a run the engine left by throwing: the cycles reported before it and the
     * error (a runtime throw counts as one; gcsim's own failure too, as the run's verdict cannot
     * be trusted); the mutator counters are unknown (zero).
     */
    private RunResult partialResult(Throwable e) {
        List<CycleRecord> cycles;
        synchronized (this) {
            cycles = List.copyOf(cyclesSeen);
        }
        String m = FatalReport.message(e);
        boolean check = m.equals(FatalReport.MUTATOR_CHECK_FAILED);
        boolean poison = m.equals(FatalReport.USE_OF_FREED_OBJECT);
        return new RunResult(cycles, new RunResult.MutatorCounters(0, 0, 0, 0, 0, 0),
                new RunResult.Verification(0, poison ? 1 : 0, check ? 1 : 0, check || poison ? 0 : 1), false, "",
                null, FatalReport.withoutGoroutines(e));
    }

    /**
     * The GC track: one span per cycle with its three phases nested inside, and the heap counter.
     * Deliberately unlike the record: the mark-termination span is drawn through its stop's restart
     * ({@code restartNanos} longer than {@code stwMarkTermNanos}, which ends at Go's tEnd, taken
     * before startTheWorldWithSema), and the cycle's span with it, so that restart nests in its
     * phase as sweep termination's does (whose phase, as Go's tMark, already ends after it).
     */
    private void recordPhases(ChromeTraceWriter t, CycleRecord c) {
        long start = c.startNanosSinceInit();
        long sweepTerm = c.stwSweepTermNanos();
        long mark = c.concurrentMarkNanos();
        long markTerm = c.stwMarkTermNanos();
        long markTermDrawn = markTerm + c.pauses().markTermination().restartNanos();
        t.complete(gcTrack, "gc " + c.n(), "gc", start, sweepTerm + mark + markTermDrawn, "cycle", c.n());
        t.complete(gcTrack, "sweep termination (STW)", "gc", start, sweepTerm, "cycle", c.n());
        if (mark > 0) {
            t.complete(gcTrack, "concurrent mark", "gc", start + sweepTerm, mark, "cycle", c.n());
        }
        t.complete(gcTrack, "mark termination (STW)", "gc", start + sweepTerm + mark, markTermDrawn, "cycle", c.n());
        recordPause(t, c, c.pauses().sweepTermination(), start, start + sweepTerm);
        recordPause(t, c, c.pauses().markTermination(), start + sweepTerm + mark,
                start + sweepTerm + mark + markTermDrawn);
        t.counter("heap", start + sweepTerm + mark + markTerm, "liveBytes", c.heapLiveBytes(),
                "goalBytes", c.heapGoalBytes());
    }

    /**
     * One stop's breakdown as spans nested in its phase's span [{@code from}, {@code to}): the time
     * to stop, each named step and the restart ("restart", startTheWorldWithSema), clipped to the
     * phase (the phase's clock is read just outside the stop and restart, so a span may overrun it
     * by a clock read).
     */
    private void recordPause(ChromeTraceWriter t, CycleRecord c, CycleRecord.Pause p, long from, long to) {
        if (p.equals(CycleRecord.Pause.NONE)) {
            return;
        }
        nestedSpan(t, c, "time to stop", p.requestNanosSinceInit(), p.timeToStopNanos(), from, to);
        for (CycleRecord.Step s : p.steps()) {
            nestedSpan(t, c, s.name(), s.startNanosSinceInit(), s.nanos(), from, to);
        }
        long restart = p.requestNanosSinceInit() + p.timeToStopNanos() + p.stoppedNanos();
        nestedSpan(t, c, "restart", restart, p.restartNanos(), from, to);
    }

    private void nestedSpan(ChromeTraceWriter t, CycleRecord c, String name, long start, long nanos, long from,
            long to) {
        long s = Math.max(start, from);
        long e = Math.min(start + nanos, to);
        if (e >= s) {
            t.complete(gcTrack, name, "gc", s, e - s, "cycle", c.n());
        }
    }

    private void openTrace() {
        Path file = config.trace();
        if (file == null) {
            return;
        }
        try {
            ChromeTraceWriter t = ChromeTraceWriter.open(file, traceMaxEvents());
            gcTrack = t.track("GC");
            trace = t;
        } catch (IOException e) {
            throw new BadInputException("cannot write trace file '" + file + "': " + describe(e));
        }
    }

    private void closeTrace() {
        ChromeTraceWriter t = trace;
        if (t == null) {
            return;
        }
        try {
            t.close();
            if (t.droppedEvents() > 0) {
                err.println("gcsim: trace capped at " + t.maxEvents() + " events; " + t.droppedEvents()
                        + " dropped (the file says so)");
            }
        } catch (IOException e) {
            err.println("gcsim: trace file '" + config.trace() + "' is incomplete: " + describe(e));
        }
    }

    private static long traceMaxEvents() {
        String v = System.getProperty(TRACE_MAX_EVENTS_PROPERTY);
        if (v == null) {
            return ChromeTraceWriter.DEFAULT_MAX_EVENTS;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new BadInputException("-D" + TRACE_MAX_EVENTS_PROPERTY + " must be a positive integer, got '" + v + "'");
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
