package gcsim.benchmarks.goroutines;

import gcsim.goroutines.P;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.WorldStop;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stop itself (issue 16): one {@link Sched#stopTheWorld} + {@link Sched#startTheWorld} pair
 * with nothing done in between, from the benchmark thread, which is not an M and holds no P (as
 * the collector's cycle thread), on a running two-P runtime (async preemption and sysmon on, Go's
 * defaults) with {@code n} goroutines that are, by benchmark:
 * <ul>
 *   <li>{@code running}, {@code kind=tight}: a loop without calls, stopped only by async
 *       preemption; {@code kind=calls}: a loop calling a leaf, stopped at the next prologue
 *       (each sleeps {@value #START_MICROS} µs first, while main starts the others);
 *   <li>{@code parked}: blocked on a channel receive (_Gwaiting, nothing to stop);
 *   <li>{@code syscall}: in a loop of 1 ms blocking system calls (their Ps _Psyscall until
 *       sysmon's retake hands them off).
 * </ul>
 * The main goroutine sleeps in a loop (so the runtime is never deadlocked); with {@code n = 0}
 * that is all that runs.
 *
 * <p>Figures. The score is one whole stop and restart as the caller sees it (worldsema
 * included). The auxiliary counters split it as the runtime's own {@link WorldStop} clock does:
 * {@code timeToStopNs} (request until every P stopped), {@code restartNs} (startTheWorldWithSema)
 * and {@code wholeNs} (request until restarted), summed over an iteration with {@code stops};
 * divide by {@code stops} for a per-stop figure ({@code benchmarks/pauses.py} does). Counters,
 * not separate benchmark methods: a time to stop cannot be measured without the restart that
 * must follow it, nor a restart without a stop before it, so separate methods would each time
 * the same pair; the split comes from the clock reads inside the runtime.
 *
 * <p>Between two stops (in a per-invocation setup, outside the score) the world is given time to
 * run again: until no P is still _Pgcstop and, for the running kinds, every P is _Prunning
 * (at most 1 ms), so each stop meets the state it is named for rather than the last restart.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class StopBenchmarks {
    /** How long the per-invocation setup waits at most for the world to run again. */
    static final long SETTLE_NANOS = 1_000_000;

    /**
     * How long a running goroutine sleeps before its loop, so that main spawns them all first
     * (otherwise main, preempted every 10 ms, waits behind every spinner for each next turn).
     */
    static final int START_MICROS = 500_000;

    /** A two-P runtime whose main goroutine starts {@code n} goroutines running {@code body}. */
    abstract static class World {
        Sched rt;
        boolean wantRunning;

        void start(int n, String body, boolean running) throws InterruptedException {
            wantRunning = running && n >= 2;
            Program.Builder b = Program.builder()
                    .chan("never", 0, false)
                    .func("leaf", 1, 0).addi(0, 0, 1).ret().end()
                    .func("tight", 1, 0).sleep(START_MICROS).label("l").addi(0, 0, 1).jmp("l").end()
                    .func("calls", 1, 0).sleep(START_MICROS).label("l").call("leaf", -1).jmp("l").end()
                    .func("parked", 1, 0).recv("never", 0).ret().end()
                    .func("syscall", 1, 0).label("l").syscall(1000).jmp("l").end();
            // The program checker refuses a decjnz loop over a constant 0: without goroutines,
            // main only sleeps.
            Program p = (n > 0
                    ? b.func("main", 1, 0).constant(0, n).label("s").spawn(body).decjnz(0, "s")
                    : b.func("main", 1, 0))
                        .label("idle").sleep(1000).jmp("idle").end()
                    .entry("main")
                    .build();
            rt = new Sched(SchedConfig.of(2));
            new Interp(rt, null, p).start();
            while (rt.stats().goroutinesCreated() < n + 1L) {
                Thread.sleep(10);
            }
            // The running ones start their loops, the others reach their wait; not a correctness matter.
            Thread.sleep(START_MICROS / 1000 + 200);
        }

        /** Per invocation, outside the score: let the world run again after the last restart. */
        @Setup(Level.Invocation)
        public void settle() {
            long deadline = System.nanoTime() + SETTLE_NANOS;
            while (System.nanoTime() < deadline && !settled()) {
                Thread.onSpinWait();
            }
        }

        private boolean settled() {
            for (P pp : rt.allp()) {
                int s = pp.status();
                if (s == P.P_GCSTOP || (wantRunning && s != P.P_RUNNING)) {
                    return false;
                }
            }
            return true;
        }

        @TearDown(Level.Trial)
        public void stop() {
            rt.shutdown();
        }
    }

    @State(Scope.Benchmark)
    public static class Running extends World {
        @Param({"tight", "calls"})
        public String kind;

        /** n = 0 is {@code parked}'s. */
        @Param({"2", "64", "10000"})
        public int n;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(n, kind, true);
        }
    }

    @State(Scope.Benchmark)
    public static class Parked extends World {
        @Param({"0", "2", "64", "10000"})
        public int n;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(n, "parked", false);
        }
    }

    @State(Scope.Benchmark)
    public static class Syscalls extends World {
        /** Each goroutine in a syscall holds an M (a thread), hence no 10,000 here. */
        @Param({"2", "64"})
        public int n;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(n, "syscall", false);
        }
    }

    /** Per-iteration sums of the runtime's own clock reads; divide by {@code stops}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        public long stops;
        public long timeToStopNs;
        public long restartNs;
        public long wholeNs;

        @Setup(Level.Iteration)
        public void reset() {
            stops = 0;
            timeToStopNs = 0;
            restartNs = 0;
            wholeNs = 0;
        }

        void add(WorldStop w) {
            stops++;
            timeToStopNs += w.timeToStopNanos();
            restartNs += w.timeToRestartNanos();
            wholeNs += w.restartedNanos() - w.requestNanos();
        }
    }

    private static WorldStop stopAndStart(World w, Split s) {
        w.rt.stopTheWorld("benchmark");
        WorldStop ws = w.rt.startTheWorld();
        s.add(ws);
        return ws;
    }

    @Benchmark
    public WorldStop running(Running w, Split s) {
        return stopAndStart(w, s);
    }

    @Benchmark
    public WorldStop parked(Parked w, Split s) {
        return stopAndStart(w, s);
    }

    @Benchmark
    public WorldStop syscall(Syscalls w, Split s) {
        return stopAndStart(w, s);
    }
}
