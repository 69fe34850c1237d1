package gcsim.benchmarks.gcmark;

import gcsim.gcmark.Collector;
import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.Sched;
import gcsim.goroutines.mutator.Program;
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
 * Whole GC cycles through the collector's public API ({@link Collector#gc()}),
 * checkmark off, one dedicated mark worker, against a runtime whose goroutines
 * sit still: what is measured is marking and stack scanning, not mutators.
 *
 * <ul>
 *   <li>{@code markTree}: a 1,000,000-node binary tree (two pointers, two
 *       scalars per node) reachable from one global, laid out breadth-first
 *       ({@code shape=bfs}) or depth-first ({@code shape=dfs}, as the command's
 *       {@code tree} workload builds it; see {@link Tree#shape}). The real Go 1.19
 *       runtime marks a depth-first one at about 40 ns per object per core; the
 *       target is 20 ns.
 *       Reported per object: the cycle's two stop-the-world phases and its
 *       concurrent mark (gctrace's clock a+b+c), the previous cycle's sweep
 *       finished in a per-invocation setup.
 *   <li>{@code scanStacks}: {@code goroutines} goroutines parked at
 *       {@code depth} frames. Go 1.19, one P: about 1.1 µs per goroutine at
 *       depth 8 (suspend, scan, resume) and 32 ns per extra frame. Reported
 *       per goroutine; compare depth 8 and 64 for the per-frame cost.
 * </ul>
 * A cycle includes its two stop-the-world phases and handing the cycle to the
 * (persistent) worker and waiting for it to leave, as a real cycle does. scanStacks also finishes the last
 * cycle's sweep inside the measured cycle (its heap is small).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class MarkBenchmarks {
    static final int TREE_NODES = 1_000_000;

    /** A runtime whose main goroutine sleeps for ever, plus extra goroutines from {@code program}. */
    @State(Scope.Benchmark)
    public abstract static class Runtime {
        GoProcess process;
        Sched rt;
        Heap heap;
        Collector gc;

        void start(Program p, int procs) throws InterruptedException {
            process = GoProcess.builder().program(p).procs(procs).workers(1).preempt(PreemptMode.COOPERATIVE)
                    .checkmark(false).autoTrigger(false).build().start();
            rt = process.runtime();
            heap = process.heap();
            gc = process.collector();
        }

        @TearDown(Level.Trial)
        public void stop() {
            process.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Tree extends Runtime {
        static final ObjectType NODE = ObjectType.withPointers("node", 4, 0, 1);

        /**
         * How the tree is laid out: {@code bfs}, allocated level by level (a node's two children
         * side by side); {@code dfs}, allocated depth-first, a node, then its whole left subtree,
         * then its right one, as a recursive builder does it (the command's {@code tree}
         * workload, Go's markrate anchor). Same shape, same marking work; only the order in which
         * the marker touches memory differs.
         */
        @Param({"bfs", "dfs"})
        public String shape;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(sleeper(0, 0), 1);
            switch (shape) {
                case "bfs" -> tree(heap, NODE, TREE_NODES);
                case "dfs" -> {
                    long root = heap.globals().define("tree", 1, new long[] {1});
                    heap.writeWord(root, depthFirst(heap, heap.mcache(0), NODE, TREE_NODES));
                }
                default -> throw new IllegalArgumentException("shape: bfs or dfs, not " + shape);
            }
        }

        /**
         * Finishes sweeping the last cycle's spans before the measured cycle, as the background
         * sweeper would between cycles that are not back to back: sweeping is not marking, and
         * Go's clock phases (gctrace's a+b+c) do not include it either.
         */
        @Setup(Level.Invocation)
        public void sweepPreviousCycle() {
            while (heap.gc().sweepOne()) {
                // sweep.nbgsweep++
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Stacks extends Runtime {
        @Param({"10000"})
        public int goroutines;

        @Param({"8", "64"})
        public int depth;

        @Setup(Level.Trial)
        public void build() throws InterruptedException {
            start(sleeper(goroutines, depth), 1);
            // Let every goroutine reach its resting depth: cycles measure parked stacks.
            while (rt.stats().goroutinesCreated() < goroutines + 1L) {
                Thread.sleep(10);
            }
            Thread.sleep(500);
        }
    }

    /**
     * Allocates a binary tree of n nodes of type node (pointers in words 0 and 1) level by level,
     * its root in a global.
     */
    static void tree(Heap heap, ObjectType node, int n) {
        MCache c = heap.mcache(0);
        long[] nodes = new long[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = heap.allocate(c, node);
            heap.writeWord(nodes[i] + 16, i);
        }
        for (int i = 1; i < n; i++) {
            heap.writeWord(nodes[(i - 1) / 2] + ((i - 1) % 2) * 8L, nodes[i]);
        }
        long root = heap.globals().define("tree", 1, new long[] {1});
        heap.writeWord(root, nodes[0]);
    }

    /**
     * Allocates a binary tree of n nodes of type node depth-first (the node, its left subtree,
     * its right subtree; pointers in words 0 and 1) and returns its root. Recursion depth log2(n).
     */
    static long depthFirst(Heap heap, MCache c, ObjectType node, int n) {
        if (n <= 0) {
            return 0;
        }
        long x = heap.allocate(c, node);
        heap.writeWord(x + 16, n);
        int left = (n - 1) / 2;
        heap.writeWord(x, depthFirst(heap, c, node, left));
        heap.writeWord(x + 8, depthFirst(heap, c, node, n - 1 - left));
        return x;
    }

    /**
     * main spawns {@code n} goroutines that each recurse {@code depth} frames
     * (each frame holding one pointer) and then sleep for ever; main sleeps for ever.
     */
    static Program sleeper(int n, int depth) {
        return Program.builder()
                .type(ObjectType.scalars("leaf", 2))
                .func("rest", 1, 0)
                    .label("l").sleep(1_000_000).jmp("l").end()
                .func("down", 2, 1).ptrLocals(0)
                    // args: slot 3 = depth left
                    .newobj(0, "leaf")
                    .jnz(3, "more")
                    .call("rest", -1)
                    .ret()
                    .label("more")
                    .addi(1, 3, -1)
                    .call("down", -1, 1)
                    .ret().end()
                .func("g", 1, 0)
                    .constant(0, depth)
                    .call("down", -1, 0)
                    .ret().end()
                .func("main", 1, 0)
                    .constant(0, Math.max(n, 1))
                    .jnz(0, "spawn")
                    .label("spawn")
                    .spawn("g")
                    .decjnz(0, "spawn")
                    .call("rest", -1)
                    .ret().end()
                .entry("main")
                .build();
    }

    /**
     * What markTree's cycles spent on marking alone, summed over an iteration:
     * divide {@code markPhaseNs} (the concurrent mark phase's wall time) and
     * {@code workerCpuNs} (the mark worker's CPU) by {@code objects} (objects
     * marked) for per-object figures comparable with Go's "per object per
     * core". The score itself is the whole cycle per node: both stop-the-world
     * phases and handing the cycle to the worker and back (the last cycle's sweep is
     * finished before it, see {@link Tree#sweepPreviousCycle}).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class MarkPhase {
        public long markPhaseNs;
        public long workerCpuNs;
        public long objects;

        @Setup(Level.Iteration)
        public void reset() {
            markPhaseNs = 0;
            workerCpuNs = 0;
            objects = 0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(TREE_NODES)
    public CycleRecord markTree(Tree t, MarkPhase m) {
        CycleRecord r = t.gc.gc();
        m.markPhaseNs += r.concurrentMarkNanos();
        m.workerCpuNs += r.backgroundCpuNanos();
        m.objects += r.objectsMarked();
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public CycleRecord scanStacks(Stacks s) {
        return s.gc.gc();
    }
}
