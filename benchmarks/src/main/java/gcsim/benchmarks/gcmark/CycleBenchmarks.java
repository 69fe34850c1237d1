package gcsim.benchmarks.gcmark;

import gcsim.gcmark.Collector;
import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.Sched;
import gcsim.heap.Heap;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import gcsim.process.GoProcess;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The mark-latency suite beyond {@link MarkBenchmarks}: whole GC cycles
 * (through {@link Collector#gc()}, checkmark off, one mark worker, one P)
 * scaled along one axis at a time. Scores are per cycle unless said; divide
 * by the parameter for a per-goroutine or per-object figure.
 *
 * <ul>
 *   <li>{@code cycleVsGoroutines}: {@code goroutines} parked goroutines at
 *       {@code depth} frames (1: a small stack; 32: a deeper one), nothing
 *       else in the heap. Per goroutine: score / goroutines; the stack-depth
 *       cost: the difference between the depths.
 *   <li>{@code markVsHeapSize}: a binary tree of {@code nodes} nodes (two
 *       pointers, two scalars) reachable from a global.
 *   <li>{@code pauses}: the same cycle in {@code concurrent} and {@code stw}
 *       mode over a 100,000-node tree and 10,000 parked goroutines; the
 *       auxiliary counters {@code pauseNanos / cycles} give the stop-the-world
 *       time per cycle (sweep termination + mark termination when
 *       concurrent; the whole cycle in stw mode).
 *   <li>{@code writePointer}: one mutator pointer store ({@link Heap#writePointer})
 *       without a write barrier and with the collector's barrier installed
 *       (both values point at marked objects, the steady state of a cycle).
 *       Per store.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class CycleBenchmarks {

    /** A one-P runtime with {@code goroutines} sleepers at {@code depth}, and a collector. */
    abstract static class Runtime {
        GoProcess process;
        Sched rt;
        Heap heap;
        Collector gc;

        void start(int goroutines, int depth, GcConfig.Mode mode) throws InterruptedException {
            process = GoProcess.builder().program(MarkBenchmarks.sleeper(goroutines, depth)).procs(1).workers(1)
                    .preempt(PreemptMode.COOPERATIVE).mode(mode).checkmark(false).autoTrigger(false).build().start();
            rt = process.runtime();
            heap = process.heap();
            gc = process.collector();
            // Every goroutine must be parked at its depth: cycles measure resting stacks.
            while (rt.stats().goroutinesCreated() < goroutines + 1L) {
                Thread.sleep(10);
            }
            Thread.sleep(200 + goroutines / 200);
        }

        void tree(int n) {
            MarkBenchmarks.tree(heap, ObjectType.withPointers("node", 4, 0, 1), n);
        }

        @TearDown(Level.Trial)
        public void stop() {
            process.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Goroutines extends Runtime {
        @Param({"1000", "10000", "100000"})
        public int goroutines;

        @Param({"1", "32"})
        public int depth;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(goroutines, depth, GcConfig.Mode.CONCURRENT);
        }
    }

    @State(Scope.Benchmark)
    public static class HeapSize extends Runtime {
        @Param({"10000", "100000", "1000000"})
        public int nodes;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(0, 0, GcConfig.Mode.CONCURRENT);
            tree(nodes);
        }
    }

    @State(Scope.Benchmark)
    public static class Pauses extends Runtime {
        @Param({"concurrent", "stw"})
        public String mode;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(10_000, 8, mode.equals("stw") ? GcConfig.Mode.STW : GcConfig.Mode.CONCURRENT);
            tree(100_000);
        }
    }

    /**
     * Stop-the-world time and cycles, summed by JMH over the measurement
     * iterations: the pause per cycle is {@code pauseNanos / cycles}.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PauseCounter {
        public long pauseNanos;
        public long cycles;

        @Setup(Level.Iteration)
        public void reset() {
            pauseNanos = 0;
            cycles = 0;
        }

        void add(CycleRecord r) {
            pauseNanos += r.stwSweepTermNanos() + r.stwMarkTermNanos();
            cycles++;
        }
    }

    @State(Scope.Benchmark)
    public static class Stores {
        static final int SLOTS = 1024;

        @Param({"off", "on"})
        public String barrier;

        GoProcess process;
        Heap heap;
        long[] slots;
        long[] values;

        @Setup(Level.Trial)
        public void build() {
            // A process that is built but never started: its heap and its collector, no threads.
            process = GoProcess.builder().program(MarkBenchmarks.sleeper(1, 1)).procs(1).workers(1)
                    .checkmark(false).autoTrigger(false).build();
            heap = process.heap();
            MCache c = heap.mcache(0);
            ObjectType holder = ObjectType.withPointers("holder", 2, 0);
            slots = new long[SLOTS];
            values = new long[SLOTS];
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = heap.allocate(c, holder);
                values[i] = heap.allocate(c, holder);
            }
            if (barrier.equals("on")) {
                process.collector().benchmarkSupport().installStandaloneBarrier();
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            process.close();
        }
    }

    @Benchmark
    public CycleRecord cycleVsGoroutines(Goroutines s) {
        return s.gc.gc();
    }

    @Benchmark
    public CycleRecord markVsHeapSize(HeapSize s) {
        return s.gc.gc();
    }

    @Benchmark
    public CycleRecord pauses(Pauses s, PauseCounter pc) {
        CycleRecord r = s.gc.gc();
        pc.add(r);
        return r;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(Stores.SLOTS)
    public void writePointer(Stores s) {
        Heap heap = s.heap;
        long[] slots = s.slots;
        long[] values = s.values;
        for (int i = 0; i < slots.length; i++) {
            heap.writePointer(slots[i], values[(i + 1) & (Stores.SLOTS - 1)]);
        }
    }
}
