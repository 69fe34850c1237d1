package gcsim.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Runs a {@link HuntPlan} on a {@link ProcessPool}: {@code jobs} worker threads each take the next
 * run, start it as a process of its own ({@link #javaCommand()} then the run's arguments), wait for
 * it and record its exit status; the calling thread draws the progress on stderr until they are done.
 *
 * <p>A run's exit status: 0 passed; 1 (verification failed) and 3 (timeout, or no thread could
 * progress) are failures, and so is any other status (a JVM that crashed or was killed); 2 (bad
 * input: a scenario file the engine refuses) stops the hunt at once. The first failure stops the
 * hunt unless {@code all}: no new run starts and the runs under way are killed (their results are
 * dropped). A run that outlives its {@code --timeout} by {@link #GRACE_SECONDS} is killed and
 * counts as exit 3. A run's stdout and stderr go to temporary files, deleted once read.
 *
 * <p>Threads: {@link #run()} is called once, on the command thread; the pool's workers share the
 * counters (atomics) and {@link #record} (synchronized on this).
 */
final class Hunter {
    /** How long past its own {@code --timeout} a run may take (dump, JVM exit) before it is killed. */
    static final int GRACE_SECONDS = 60;
    /** How many first lines of a failed run's output are kept. */
    static final int FIRST_LINES = 15;

    /** One finished run: {@code index} in the plan, its exit status, its first lines, its duration. */
    record Outcome(long index, int status, List<String> firstLines, long nanos) {}

    /**
     * What the hunt found.
     *
     * @param failures     failed runs, in the order they ended
     * @param seedsDone    deterministic runs that ended and were recorded
     * @param realDone     real-mode runs that ended and were recorded
     * @param stoppedEarly whether runs of the plan were left unrun (a failure without --all, or bad input)
     * @param badInput     the run that reported bad input (exit 2), or null
     * @param nanos        the hunt's wall-clock time
     */
    record Result(List<Outcome> failures, long seedsDone, long realDone, boolean stoppedEarly,
                  @Nullable Outcome badInput, long nanos) {}

    private final HuntPlan plan;
    private final boolean all;
    private final List<String> javaCommand;
    private final int timeoutSeconds;
    private final int graceSeconds;
    private final ProcessPool pool;

    private final AtomicLong seedsDone = new AtomicLong();
    private final AtomicLong realDone = new AtomicLong();
    private final List<Outcome> failures = new ArrayList<>(); // guarded by this
    private @Nullable Outcome badInput = null; // guarded by this

    /**
     * @param plan           what to run
     * @param jobs           runs at once
     * @param all            whether to go on after a failure
     * @param javaCommand    how to start gcsim ({@link #javaCommand()}); the run's arguments follow
     * @param timeoutSeconds the runs' {@code --timeout} (0: none)
     * @param graceSeconds   how long past that a run may take before it is killed ({@link #GRACE_SECONDS})
     * @param err            where the progress goes
     * @param terminal       whether {@code err} is a terminal
     */
    Hunter(HuntPlan plan, int jobs, boolean all, List<String> javaCommand, int timeoutSeconds, int graceSeconds,
           PrintStream err, boolean terminal) {
        this.plan = plan;
        this.graceSeconds = graceSeconds;
        this.all = all;
        this.javaCommand = List.copyOf(javaCommand);
        this.timeoutSeconds = timeoutSeconds;
        this.pool = new ProcessPool(jobs, "gcsim hunt", err, terminal);
    }

    /**
     * How to start {@code gcsim} in a new process: this JVM's {@code java}
     * ({@code java.home}/bin/java), with the class path this process runs from: the code
     * source of {@link Main} (the {@code gcsim.jar} the launcher runs, or a build's classes
     * directory) followed by the rest of {@code java.class.path} and {@code jdk.module.path}
     * (a build's dependencies, when not run from the shaded jar), then {@code gcsim.cli.Main}.
     */
    static List<String> javaCommand() {
        Set<String> path = new LinkedHashSet<>();
        CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                path.add(Path.of(source.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // Not a file (a custom class loader): java.class.path must then hold gcsim.
            }
        }
        for (String property : List.of("java.class.path", "jdk.module.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    path.add(entry);
                }
            }
        }
        String java = Path.of(System.getProperty("java.home", ""), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(childJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        command.addAll(List.of("-cp", String.join(File.pathSeparator, path), Main.class.getName()));
        return List.copyOf(command);
    }

    /**
     * The options of this JVM a child run gets too, so that {@code JAVA_OPTS=-Xmx12g ./gcsim bench}
     * gives every run the same heap and JIT settings: {@code -X...} (memory, {@code -XX:} flags) and
     * system properties, but not {@code gcsim.stderrIsTerminal} (a child's stderr is a file) nor
     * agents or debugger options.
     */
    static List<String> childJvmOptions(List<String> parent) {
        List<String> out = new ArrayList<>();
        for (String a : parent) {
            boolean keep = (a.startsWith("-X") && !a.startsWith("-Xdebug") && !a.startsWith("-Xrun"))
                    || (a.startsWith("-D") && !a.startsWith("-Dgcsim.stderrIsTerminal="));
            if (keep) {
                out.add(a);
            }
        }
        return out;
    }

    /** Runs the plan to its end (or its first failure). The command thread; returns when no run is left. */
    Result run() {
        long nanos = pool.run(plan.total(), this::runAndRecord, this::status);
        synchronized (this) {
            boolean early = seedsDone.get() + realDone.get() < plan.total();
            return new Result(List.copyOf(failures), seedsDone.get(), realDone.get(), early, badInput, nanos);
        }
    }

    /** Runs run {@code i} and records its end unless the hunt killed it. Worker thread. */
    private void runAndRecord(long i) {
        Outcome o = runOne(i);
        if (o != null) {
            record(o);
        }
    }

    /** Records a run's end; a failure without --all, or bad input, stops the hunt. Worker thread. */
    private synchronized void record(Outcome o) {
        (plan.isSeed(o.index()) ? seedsDone : realDone).incrementAndGet();
        if (o.status() == ExitStatus.OK) {
            return;
        }
        if (o.status() == ExitStatus.BAD_INPUT) {
            if (badInput == null) {
                badInput = o;
            }
            pool.stop();
            return;
        }
        failures.add(o);
        if (!all) {
            pool.stop();
        }
    }

    /**
     * Runs run {@code i} in a new process and waits for it. Worker thread.
     *
     * @return its outcome, or null if the hunt killed it (stopped meanwhile)
     */
    private @Nullable Outcome runOne(long i) {
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.addAll(plan.argsOf(i));
        long t0 = System.nanoTime();
        try (ProcessPool.Ended e = pool.exec(cmd, timeoutSeconds == 0 ? 0 : (long) timeoutSeconds + graceSeconds)) {
            if (e == null) {
                return null;
            }
            if (e.overran()) {
                return new Outcome(i, ExitStatus.TIMEOUT, List.of("gcsim hunt: killed the run after "
                        + (timeoutSeconds + graceSeconds) + " s: it outlived its --timeout " + timeoutSeconds
                        + " by " + graceSeconds + " s"), System.nanoTime() - t0);
            }
            List<String> head = head(e.err());
            return new Outcome(i, e.status(), head.isEmpty() ? head(e.out()) : head, System.nanoTime() - t0);
        } catch (IOException ex) {
            throw new UncheckedIOException("gcsim hunt: cannot read the output of " + String.join(" ", cmd), ex);
        }
    }

    /** The first {@link #FIRST_LINES} non-blank lines of {@code file}. */
    static List<String> head(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, Charset.defaultCharset())) {
            String line;
            while (lines.size() < FIRST_LINES && (line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line.stripTrailing());
                }
            }
        }
        return lines;
    }

    /** The status line: seeds and real runs done, failures, runs under way, the time so far. */
    private String status(long elapsedNanos) {
        int failed;
        synchronized (this) {
            failed = failures.size();
        }
        return Units.count(seedsDone.get()) + "/" + Units.count(plan.seedCount()) + " seeds"
                + (plan.real() > 0 ? ", " + realDone.get() + "/" + plan.real() + " real runs" : "")
                + ", " + failed + (failed == 1 ? " failure" : " failures") + ", " + pool.running() + " running, "
                + Units.duration(elapsedNanos);
    }
}
