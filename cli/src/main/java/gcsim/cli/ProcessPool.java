package gcsim.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The runs of {@code gcsim hunt} and {@code gcsim bench}: {@code jobs} worker threads each take
 * the next task number and run it (a task usually starts a {@code gcsim run} process with
 * {@link #exec}); the calling thread draws a status line on stderr until they are done.
 *
 * <p>{@link #stop()} (any thread) starts no new task and kills the processes under way, and
 * their descendants; {@link #exec} then returns null for them (no result of the run). An
 * interrupted JVM (Ctrl-C) kills them too, by a shutdown hook held while {@link #run} runs.
 *
 * <p>Threads: {@link #run} is called once, on the command thread; tasks run on the workers and
 * must publish their results themselves. A task that throws stops the pool, and {@link #run}
 * throws IllegalStateException with it as the cause, on the command thread.
 */
final class ProcessPool {
    /** Without a terminal, a status line every this many nanoseconds. */
    static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    /**
     * A process that ended by itself, or was killed for overrunning its limit ({@code overran};
     * {@code status} is then the killed JVM's). Its stdout and stderr are in {@code out} and
     * {@code err}, temporary files deleted by {@link #close()}.
     */
    record Ended(int status, boolean overran, Path out, Path err) implements AutoCloseable {
        @Override
        public void close() {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private final int jobs;
    private final String name;
    private final PrintStream err;
    private final boolean terminal;
    private final AtomicLong next = new AtomicLong();
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stop;

    /**
     * @param jobs     tasks at once, at least 1
     * @param name     the command's name, for the threads and the status line ("gcsim hunt")
     * @param err      where the status goes
     * @param terminal whether {@code err} is a terminal (one line redrawn in place)
     */
    ProcessPool(int jobs, String name, PrintStream err, boolean terminal) {
        this.jobs = jobs;
        this.name = name;
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * Runs {@code task} for every number 0..total-1 (each once, {@code jobs} at a time) until all
     * are done or {@link #stop()}, drawing {@code name + ": " + status.apply(elapsedNanos)}
     * meanwhile. The command thread; once only.
     *
     * @return the wall-clock nanoseconds it took
     */
    long run(long total, LongConsumer task, LongFunction<String> status) {
        long start = System.nanoTime();
        Thread killer = new Thread(this::killLive, name.replace(' ', '-') + "-kill");
        Runtime.getRuntime().addShutdownHook(killer); // an interrupted command leaves no run behind
        CountDownLatch done = new CountDownLatch(jobs);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> crashed = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            Thread t = new Thread(() -> work(total, task, done), name.replace(' ', '-') + "-" + j);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, ex) -> {
                synchronized (crashed) {
                    crashed.add(ex);
                }
                stop();
                done.countDown();
            });
            workers.add(t);
            t.start();
        }
        StatusDraw draw = new StatusDraw(start, status);
        try {
            while (!done.await(terminal ? 200 : 1_000, TimeUnit.MILLISECONDS)) {
                draw.maybeDraw();
            }
            for (Thread t : workers) {
                t.join();
            }
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
        } finally {
            draw.clear();
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs.
            }
        }
        synchronized (crashed) {
            if (!crashed.isEmpty()) {
                throw new IllegalStateException("a " + name + " worker failed", crashed.get(0));
            }
        }
        return System.nanoTime() - start;
    }

    /** A worker: takes tasks until none is left or the pool stops. Worker thread. */
    private void work(long total, LongConsumer task, CountDownLatch done) {
        try {
            while (!stop) {
                long i = next.getAndIncrement();
                if (i >= total) {
                    return;
                }
                task.accept(i);
            }
        } finally {
            done.countDown();
        }
    }

    /** Starts no new task and kills the processes under way. Any thread. */
    void stop() {
        stop = true;
        killLive();
    }

    /** Whether {@link #stop()} was called. Any thread. */
    boolean stopped() {
        return stop;
    }

    /** How many processes run now. Any thread. */
    int running() {
        return live.size();
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
     * Runs {@code cmd} as a process of its own (stdin empty, stdout and stderr to temporary
     * files) and waits for it, at most {@code limitSeconds} (0: no limit): past that it is
     * killed and comes back {@code overran}. A worker thread.
     *
     * @return how it ended (the caller closes it), or null if {@link #stop()} killed it
     */
    @Nullable Ended exec(List<String> cmd, long limitSeconds) {
        Path out = null;
        Path errFile = null;
        boolean handedOver = false;
        try {
            out = Files.createTempFile(name.replace(' ', '-') + "-", ".out");
            errFile = Files.createTempFile(name.replace(' ', '-') + "-", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(errFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice()))).start();
            live.add(p);
            if (stop) {
                killLive();
            }
            boolean ended = limitSeconds == 0 ? waitFor(p) : p.waitFor(limitSeconds, TimeUnit.SECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                live.remove(p);
                handedOver = true;
                return new Ended(p.exitValue(), true, out, errFile);
            }
            if (!live.remove(p)) {
                return null; // killed by stop(): not a result of the run
            }
            handedOver = true;
            return new Ended(p.exitValue(), false, out, errFile);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (!handedOver) {
                deleteQuietly(out);
                deleteQuietly(errFile);
            }
        }
    }

    private static boolean waitFor(Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    private static String nullDevice() {
        return File.separatorChar == '\\' ? "NUL" : "/dev/null";
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

    /** The status on stderr: one line redrawn in place on a terminal, else a line every few seconds. */
    private final class StatusDraw {
        private final long start;
        private final LongFunction<String> status;
        private long last;
        private boolean drawn;

        StatusDraw(long start, LongFunction<String> status) {
            this.start = start;
            this.status = status;
            this.last = start;
        }

        /** The command thread. */
        void maybeDraw() {
            long now = System.nanoTime();
            if (!terminal && now - last < LOG_INTERVAL_NANOS) {
                return;
            }
            last = now;
            String text = name + ": " + status.apply(now - start);
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
