package gcsim.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Runs a {@link HuntPlan}: {@code jobs} worker threads each take the next run, start it as a
 * process of its own ({@link #javaCommand()} then the run's arguments), wait for it and record
 * its exit status; the calling thread draws the progress on stderr until they are done.
 *
 * <p>A run's exit status: 0 passed; 1 (verification failed) and 3 (timeout, or no thread could
 * progress) are failures, and so is any other status (a JVM that crashed or was killed); 2 (bad
 * input: a scenario file the engine refuses) stops the hunt at once. The first failure stops the
 * hunt unless {@code all}: no new run starts and the runs under way are killed (their results are
 * dropped). A run that outlives its {@code --timeout} by {@link #GRACE_SECONDS} is killed and
 * counts as exit 3. A run's stdout and stderr go to temporary files, deleted once read.
 *
 * <p>Threads: {@link #run()} is called once, on the command thread; the workers share the
 * counters (atomics) and {@link #record} (synchronized on this).
 */
final class Hunter {
    /** How long past its own {@code --timeout} a run may take (dump, JVM exit) before it is killed. */
    static final int GRACE_SECONDS = 60;
    /** How many first lines of a failed run's output are kept. */
    static final int FIRST_LINES = 15;
    /** Without a terminal, a progress line every this many nanoseconds. */
    static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

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
    private final int jobs;
    private final boolean all;
    private final List<String> javaCommand;
    private final int timeoutSeconds;
    private final int graceSeconds;
    private final PrintStream err;
    private final boolean terminal;

    private final AtomicLong next = new AtomicLong();
    private final AtomicLong seedsDone = new AtomicLong();
    private final AtomicLong realDone = new AtomicLong();
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final List<Outcome> failures = new ArrayList<>(); // guarded by this
    private @Nullable Outcome badInput = null; // guarded by this
    private volatile boolean stop;

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
        this.jobs = jobs;
        this.all = all;
        this.javaCommand = List.copyOf(javaCommand);
        this.timeoutSeconds = timeoutSeconds;
        this.err = err;
        this.terminal = terminal;
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
        return List.of(java, "-cp", String.join(File.pathSeparator, path), Main.class.getName());
    }

    /** Runs the plan to its end (or its first failure). The command thread; returns when no run is left. */
    Result run() {
        long start = System.nanoTime();
        Thread killer = new Thread(this::killLive, "gcsim-hunt-kill");
        Runtime.getRuntime().addShutdownHook(killer); // an interrupted hunt leaves no run behind
        CountDownLatch done = new CountDownLatch(jobs);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> crashed = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            Thread t = new Thread(() -> work(done), "gcsim-hunt-" + j);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, ex) -> {
                synchronized (crashed) {
                    crashed.add(ex);
                }
                stopAll();
                done.countDown();
            });
            workers.add(t);
            t.start();
        }
        ProgressDraw progress = new ProgressDraw(start);
        try {
            while (!done.await(terminal ? 200 : 1_000, TimeUnit.MILLISECONDS)) {
                progress.maybeDraw();
            }
            for (Thread t : workers) {
                t.join();
            }
        } catch (InterruptedException e) {
            stopAll();
            Thread.currentThread().interrupt();
        } finally {
            progress.clear();
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs.
            }
        }
        synchronized (crashed) {
            if (!crashed.isEmpty()) {
                throw new IllegalStateException("a hunt worker failed", crashed.get(0));
            }
        }
        synchronized (this) {
            boolean early = seedsDone.get() + realDone.get() < plan.total();
            return new Result(List.copyOf(failures), seedsDone.get(), realDone.get(), early, badInput,
                    System.nanoTime() - start);
        }
    }

    /** A worker: takes runs until none is left or the hunt stops. Worker thread. */
    private void work(CountDownLatch done) {
        try {
            while (!stop) {
                long i = next.getAndIncrement();
                if (i >= plan.total()) {
                    return;
                }
                Outcome o = runOne(i);
                if (o != null) {
                    record(o);
                }
            }
        } finally {
            done.countDown();
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
            stopAll();
            return;
        }
        failures.add(o);
        if (!all) {
            stopAll();
        }
    }

    /** Starts no new run and kills the runs under way. Any thread. */
    private void stopAll() {
        stop = true;
        killLive();
    }

    private void killLive() {
        for (Process p : live) {
            if (live.remove(p)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
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
        Path out = null;
        Path errFile = null;
        try {
            out = Files.createTempFile("gcsim-hunt-", ".out");
            errFile = Files.createTempFile("gcsim-hunt-", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(errFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice()))).start();
            live.add(p);
            if (stop) {
                killLive();
            }
            boolean ended = timeoutSeconds == 0 ? waitFor(p) : p.waitFor(
                    (long) timeoutSeconds + graceSeconds, TimeUnit.SECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                live.remove(p);
                return new Outcome(i, ExitStatus.TIMEOUT, List.of("gcsim hunt: killed the run after "
                        + (timeoutSeconds + graceSeconds) + " s: it outlived its --timeout " + timeoutSeconds
                        + " by " + graceSeconds + " s"), System.nanoTime() - t0);
            }
            if (!live.remove(p)) {
                return null; // killed by stopAll: not a result of the run
            }
            List<String> head = head(errFile);
            return new Outcome(i, p.exitValue(), head.isEmpty() ? head(out) : head, System.nanoTime() - t0);
        } catch (IOException e) {
            throw new UncheckedIOException("gcsim hunt: cannot start " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            deleteQuietly(out);
            deleteQuietly(errFile);
        }
    }

    private static boolean waitFor(Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    private static String nullDevice() {
        return File.separatorChar == '\\' ? "NUL" : "/dev/null";
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

    private static void deleteQuietly(@Nullable Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A temporary file left behind is harmless.
            }
        }
    }

    /** The progress on stderr: one line redrawn in place on a terminal, else a line every few seconds. */
    private final class ProgressDraw {
        private final long start;
        private long last;
        private boolean drawn;

        ProgressDraw(long start) {
            this.start = start;
            this.last = start;
        }

        /** The command thread. */
        void maybeDraw() {
            long now = System.nanoTime();
            if (!terminal && now - last < LOG_INTERVAL_NANOS) {
                return;
            }
            last = now;
            int failed;
            synchronized (Hunter.this) {
                failed = failures.size();
            }
            String text = "gcsim hunt: " + Units.count(seedsDone.get()) + "/" + Units.count(plan.seedCount())
                    + " seeds" + (plan.real() > 0 ? ", " + realDone.get() + "/" + plan.real() + " real runs" : "")
                    + ", " + failed + (failed == 1 ? " failure" : " failures") + ", " + live.size() + " running, "
                    + Units.duration(now - start);
            if (terminal) {
                err.print(ProgressLine.ERASE + text);
                drawn = true;
            } else {
                err.println(text);
            }
            err.flush();
        }

        void clear() {
            if (drawn) {
                err.print(ProgressLine.ERASE);
                err.flush();
            }
        }
    }
}
