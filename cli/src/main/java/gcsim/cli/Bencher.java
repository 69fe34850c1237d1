package gcsim.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Runs a {@link BenchPlan} on a {@link ProcessPool}: every rep of every cell is one
 * {@code gcsim run ... --json}, by default in a JVM of its own ({@link Hunter#javaCommand()}
 * then the cell's arguments), with {@code sameJvm} in this JVM through {@link Main#execute}, the
 * path {@code gcsim run} itself takes (faster: no JVM start, but the runs share the JIT's
 * warm-up and the heap, so cells are not independent).
 *
 * <p>Order: run {@code i} is rep {@code i / cells} of cell {@code i % cells}, so every cell's
 * first rep runs before any cell's second: a drift of the machine's load over the bench spreads
 * over all cells instead of landing on the last ones.
 *
 * <p>A run that exits 2 (bad input, e.g. a scenario file the engine refuses) stops the bench:
 * its line becomes the bench's (exit 2). Any other failure is kept with the run (exit status,
 * report if any, first lines) and the bench goes on. A child run that outlives its
 * {@code --timeout} by {@link Hunter#GRACE_SECONDS} is killed and counts as exit 3.
 *
 * <p>Threads: {@link #run()} once, on the command thread; the pool's workers fill the result
 * table (synchronized on this).
 */
final class Bencher {
    /** A gctrace line, which a {@code --json} run prints on stderr. */
    private static final Pattern GCTRACE = Pattern.compile("gc \\d+ @");
    private final BenchPlan plan;
    private final boolean sameJvm;
    private final List<String> javaCommand;
    private final Supplier<Optional<Engine>> engines;
    private final long limitSeconds;
    private final ProcessPool pool;
    private final BenchReport.@Nullable Run[][] runs; // [cell][rep], guarded by this
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private @Nullable String badInput = null; // guarded by this

    /** What the runs gave: a cell's runs in rep order, or the bad-input line that stopped them. */
    record Result(List<List<BenchReport.Run>> runs, @Nullable String badInput, long nanos) {}

    /**
     * @param plan           what to run
     * @param jobs           runs at once
     * @param sameJvm        run in this JVM instead of child processes
     * @param javaCommand    how to start gcsim ({@link Hunter#javaCommand()})
     * @param engines        the engine for {@code sameJvm} runs (what {@code gcsim run} is given)
     * @param timeoutSeconds the runs' {@code --timeout} (0: none)
     * @param err            where the progress goes
     * @param terminal       whether {@code err} is a terminal
     */
    Bencher(BenchPlan plan, int jobs, boolean sameJvm, List<String> javaCommand, Supplier<Optional<Engine>> engines,
            int timeoutSeconds, PrintStream err, boolean terminal) {
        this.plan = plan;
        this.sameJvm = sameJvm;
        this.javaCommand = List.copyOf(javaCommand);
        this.engines = engines;
        this.limitSeconds = timeoutSeconds == 0 ? 0 : (long) timeoutSeconds + Hunter.GRACE_SECONDS;
        this.pool = new ProcessPool(jobs, "gcsim bench", err, terminal);
        this.runs = new BenchReport.Run[plan.cells().size()][plan.reps()];
    }

    /** Runs every rep of every cell (or until a run reports bad input). The command thread. */
    Result run() {
        int n = plan.cells().size();
        long total = (long) n * plan.reps();
        long nanos = pool.run(total, i -> record((int) (i % n), (int) (i / n), runOne((int) (i % n))),
                elapsed -> status(total, elapsed));
        List<List<BenchReport.Run>> out = new ArrayList<>();
        synchronized (this) {
            for (BenchReport.@Nullable Run[] cell : runs) {
                List<BenchReport.Run> list = new ArrayList<>();
                for (BenchReport.@Nullable Run r : cell) {
                    if (r != null) {
                        list.add(r);
                    }
                }
                out.add(list);
            }
            return new Result(out, badInput, nanos);
        }
    }

    private synchronized void record(int cell, int rep, BenchReport.@Nullable Run r) {
        if (r == null) {
            return; // killed: the bench stopped
        }
        runs[cell][rep] = r;
        done.incrementAndGet();
        if (r.status() == ExitStatus.BAD_INPUT) {
            if (badInput == null) {
                badInput = r.firstLines().isEmpty() ? "a run reported bad input" : r.firstLines().get(0);
            }
            pool.stop();
        } else if (!r.ok()) {
            failed.incrementAndGet();
        }
    }

    /** One run of cell {@code cell}: a child process, or in this JVM. Worker thread; null if killed. */
    private BenchReport.@Nullable Run runOne(int cell) {
        List<String> args = plan.cells().get(cell).args();
        if (sameJvm) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status;
            Charset cs = Charset.defaultCharset();
            try (PrintStream o = new PrintStream(out, true, cs); PrintStream e = new PrintStream(err, true, cs)) {
                status = Main.execute(args.toArray(new String[0]), o, e, engines);
            }
            return run(status, out.toString(cs), err.toString(cs).lines().toList());
        }
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.addAll(args);
        try (ProcessPool.Ended e = pool.exec(cmd, limitSeconds)) {
            if (e == null) {
                return null;
            }
            String stdout = Files.readString(e.out(), Charset.defaultCharset());
            List<String> stderr = Files.readAllLines(e.err(), Charset.defaultCharset());
            if (e.overran()) {
                return new BenchReport.Run(ExitStatus.TIMEOUT, null, null, List.of("gcsim bench: killed the run:"
                        + " it outlived its --timeout by " + Hunter.GRACE_SECONDS + " s"));
            }
            return run(e.status(), stdout, stderr);
        } catch (IOException ex) {
            throw new UncheckedIOException("gcsim bench: cannot read the output of " + String.join(" ", cmd), ex);
        }
    }

    /**
     * A finished run: its report if stdout parses as one JSON object, and its first lines of
     * diagnostics (stderr without the gctrace lines a {@code --json} run prints there).
     */
    static BenchReport.Run run(int status, String stdout, List<String> stderr) {
        Map<String, Object> report = null;
        try {
            report = JsonTree.object(stdout);
        } catch (IOException | ClassCastException e) {
            // No report: the run failed before it printed one; its status and lines say why.
        }
        List<String> lines = new ArrayList<>();
        for (String line : stderr) {
            if (!line.isBlank() && !GCTRACE.matcher(line).lookingAt() && lines.size() < Hunter.FIRST_LINES) {
                lines.add(line.stripTrailing());
            }
        }
        return new BenchReport.Run(status, report, report == null ? null : stdout, lines);
    }


    /** The status line: runs done, cells complete, failures, the time so far and the estimated time left. */
    private String status(long total, long elapsed) {
        long d = done.get();
        int n = plan.cells().size();
        long cellsDone = d >= total ? n : Math.max(0, d - (long) n * (plan.reps() - 1));
        String eta = d == 0 ? "?" : Units.duration(elapsed / d * (total - d));
        return Units.count(d) + "/" + Units.count(total) + " runs, " + cellsDone + "/" + n + " cells, "
                + failed.get() + " failed, " + Units.duration(elapsed) + ", ETA " + eta;
    }
}
