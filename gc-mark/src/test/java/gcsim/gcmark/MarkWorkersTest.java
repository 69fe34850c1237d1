package gcsim.gcmark;

import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.G;
import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.Traceback;
import gcsim.goroutines.WaitReason;
import gcsim.goroutines.mutator.Program;
import gcsim.goroutines.platform.Platform;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The background mark workers as go1.14 runs them: system goroutines bound to Ps, scheduled
 * by the controller's decision in dedicated, fractional or idle mode, _Gwaiting while they
 * drain so that two of them can take each other's stacks, and markroot's self-scan path for a
 * G that reaches its own stack job while running.
 */
@Timeout(60)
class MarkWorkersTest {
    /** A program whose main sleeps in a loop (waiting, not deadlocked: a timer is pending): nothing else runs. */
    private static Program blockedMain() {
        return Program.builder()
                .func("main", 0, 0).label("w").sleep(1_000_000).jmp("w").end().build();
    }

    /**
     * gcDrain's stop condition: go1.14 {@code preemptible && gp.preempt}; go1.22 {@code gp.preempt &&
     * (preemptible || sched.gcwaiting.Load() || pp.runSafePointFn != 0)}: a dedicated worker's
     * non-preemptible drain leaves for a stop-the-world or a forEachP only from 1.22.
     */
    @Test
    void drainYieldsToStopTheWorldAndForEachPFromGo1_22() {
        for (gcsim.goroutines.GoVersion v : List.of(gcsim.goroutines.GoVersion.GO1_19,
                gcsim.goroutines.GoVersion.GO1_22, gcsim.goroutines.GoVersion.GO1_25)) {
            boolean rule = v.workersYieldToSafePoints();
            boolean go122 = v != gcsim.goroutines.GoVersion.GO1_19; // Go's, not asked of v
            assertThat(BgMarkWorker.stopDrain(false, true, rule, () -> true)).as("%s: no request", v).isFalse();
            assertThat(BgMarkWorker.stopDrain(true, true, rule, () -> false)).as("%s: preemptible", v).isTrue();
            assertThat(BgMarkWorker.stopDrain(true, false, rule, () -> false)).as("%s: nobody waits", v).isFalse();
            assertThat(BgMarkWorker.stopDrain(true, false, rule, () -> true))
                    .as("%s: a stop or forEachP waits for the dedicated worker's P", v).isEqualTo(go122);
        }
    }

    /**
     * gcControllerState.startCycle's decision (mgc.go): 25% of GOMAXPROCS as whole dedicated
     * workers, unless rounding is more than 30% off ("this happens for GOMAXPROCS<=3 or
     * GOMAXPROCS=6"), then fractional workers make up the rest.
     */
    @ParameterizedTest(name = "GOMAXPROCS {0}")
    @CsvSource({"1, 0, 0.25", "2, 0, 0.25", "3, 0, 0.25", "4, 1, 0", "5, 1, 0", "6, 1, 0.0833333333",
        "7, 2, 0", "8, 2, 0", "16, 4, 0"})
    void theControllerSplitsTwentyFivePercentAsGo14(int procs, long dedicated, double fractional) {
        GcController c = new GcController(Platform.REAL, procs);
        c.startCycle(false, 0);
        CycleRecord.MarkWorkers w = c.takeCycle(new long[0]);
        assertThat(w.dedicatedWorkers()).isEqualTo(dedicated);
        assertThat(w.fractionalGoal()).isCloseTo(fractional, org.assertj.core.data.Offset.offset(1e-9));
        // In STW mode, we just want dedicated workers.
        c.startCycle(true, 0);
        assertThat(c.takeCycle(new long[0])).extracting(CycleRecord.MarkWorkers::dedicatedWorkers,
                CycleRecord.MarkWorkers::fractionalGoal).containsExactly((long) procs, 0.0);
        // gcsim's --workers: that many dedicated workers (at most GOMAXPROCS), no fractional ones.
        c.startCycle(false, procs + 1);
        assertThat(c.takeCycle(new long[0])).extracting(CycleRecord.MarkWorkers::dedicatedWorkers,
                CycleRecord.MarkWorkers::fractionalGoal).containsExactly((long) procs, 0.0);
    }

    /**
     * One worker goroutine per P, started by the first cycle: system goroutines (not counted as
     * created, not in the dump), parked "GC worker (idle)" between cycles, their stacks scanned
     * like any G's; and one coordinator goroutine beside them (GcCoordinator), parked "force gc (idle)".
     */
    @Test
    void oneWorkerGoroutinePerPParkedBetweenCycles() {
        try (MarkRun run = MarkRun.start(blockedMain(), SchedConfig.of(3), GcConfig.defaults(0).withAutoTrigger(false))) {
            run.until(() -> readgstatus(run.rt().allgs()[0]) == G_WAITING);
            assertThat(run.rt().allgs()).hasSize(1);
            CycleRecord r = run.cycles(2).get(1);
            List<G> workers = Stream.of(run.rt().allgs()).filter(G::isGcBgMarkWorker).toList();
            assertThat(workers).hasSize(3);
            // ... and the coordinator goroutine the stopped phases run on (forcegchelper's frame).
            List<G> system = Stream.of(run.rt().allgs()).filter(G::isSystemGoroutine).toList();
            assertThat(system).hasSize(4);
            G coordinator = system.stream().filter(g -> !g.isGcBgMarkWorker()).findFirst().orElseThrow();
            run.until(() -> readgstatus(coordinator) == G_WAITING);
            assertThat(coordinator.waitreason()).isEqualTo(WaitReason.FORCE_GG_IDLE);
            assertThat(Traceback.traceback(coordinator)).contains("runtime.forcegchelper");
            assertThat(run.rt().stats().goroutinesCreated()).as("system goroutines are not counted").isEqualTo(1);
            run.until(() -> workers.stream().allMatch(g -> readgstatus(g) == G_WAITING));
            assertThat(workers).allMatch(g -> g.waitreason() == WaitReason.GC_WORKER_IDLE);
            assertThat(Traceback.dump(run.rt())).as("the dump shows main only").contains("goroutine 1 [")
                    .doesNotContain("GC worker").doesNotContain("force gc");
            assertThat(r.roots().allgs()).as("the workers' and the coordinator's stacks are roots too").isEqualTo(5);
            assertThat(r.stacksScanned()).isEqualTo(5);
            // Each worker's stack holds gcBgMarkWorker's frame, as Go's newproc1 lays it out.
            assertThat(r.framesScanned()).isGreaterThanOrEqualTo(r.stacksScanned());
            assertThat(workers).allSatisfy(g -> assertThat(Traceback.traceback(g)).contains("runtime.gcBgMarkWorker"));
            assertThat(run.rt().unaccountedGs()).isNull();
            run.assertVerified();
        }
    }

    /**
     * The modes in real cycles: with 4 Ps one dedicated worker marks (and fractional ones do
     * not run); with 2 Ps there is no dedicated worker, and the fractional or idle workers do
     * all of the background marking.
     */
    @ParameterizedTest(name = "GOMAXPROCS {0}")
    @CsvSource({"4, true", "2, false"})
    void dedicatedOrFractionalAsTheControllerDecided(int procs, boolean dedicated) {
        Program p = Workloads.listsOnStacks(4, 200, 20);
        try (MarkRun run = MarkRun.start(p, SchedConfig.of(procs), GcConfig.defaults(0).withAutoTrigger(false))) {
            List<CycleRecord> rs = run.cycles(5);
            for (CycleRecord r : rs) {
                CycleRecord.MarkWorkers w = r.workers();
                assertThat(w.dedicatedWorkers()).isEqualTo(dedicated ? 1 : 0);
                assertThat(w.dedicatedRuns() + w.fractionalRuns() + w.idleRuns()).as("cycle %d", r.n()).isPositive();
                if (dedicated) {
                    assertThat(w.fractionalRuns()).isZero();
                } else {
                    assertThat(w.dedicatedRuns()).isZero();
                    assertThat(w.fractionalGoal()).as("each P's share").isEqualTo(0.25);
                }
                assertThat(r.backgroundCpuNanos()).isEqualTo(w.dedicatedNanos() + w.fractionalNanos());
                assertThat(r.idleCpuNanos()).isEqualTo(w.idleNanos());
                // Per P: one entry each, in P order, summing to the cycle's totals.
                assertThat(w.perP()).extracting(CycleRecord.WorkerOnP::p)
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, procs).boxed().toList());
                assertThat(w.perP().stream().mapToLong(CycleRecord.WorkerOnP::runs).sum()).as("cycle %d runs", r.n())
                        .isEqualTo(w.dedicatedRuns() + w.fractionalRuns() + w.idleRuns());
                assertThat(w.perP().stream().mapToLong(CycleRecord.WorkerOnP::wallNanos).sum())
                        .isEqualTo(w.dedicatedNanos() + w.fractionalNanos() + w.idleNanos());
                assertThat(w.perP().stream().mapToLong(CycleRecord.WorkerOnP::threadCpuNanos).sum())
                        .isEqualTo(w.threadCpuNanos());
                assertThat(w.perP().stream().mapToLong(CycleRecord.WorkerOnP::objectsGreyed).sum())
                        .as("cycle %d objects", r.n()).isEqualTo(r.objectsMarked());
            }
            assertThat(rs).as("some cycle ran a dedicated worker").anyMatch(r -> r.workers().dedicatedRuns() > 0
                    || !dedicated);
            // gcsim's thread-CPU figure beside Go's wall times: the workers' threads did run.
            assertThat(rs).as("the workers' thread CPU was counted").anyMatch(r -> r.workers().threadCpuNanos() > 0);
            run.assertVerified();
        }
    }

    /**
     * Two mark workers take each other's stacks at the same time: each holds the other's scan
     * bit (in the scan hook, both at once) while the other, _Gwaiting as gcBgMarkWorker makes it
     * around its drain, keeps running its own stack job (go1.14: "This lets two mark workers scan
     * each other (otherwise, they would deadlock)"). Without the _Gwaiting ({@code dance} false:
     * the negative control), each would wait in suspendG for the other to stop, which neither
     * does; Go's suspendG refuses first: "suspendG from non-preemptible goroutine".
     */
    @ParameterizedTest(name = "waiting while draining: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void twoWorkersScanEachOther(boolean dance) throws Exception {
        Sched rt = new Sched(SchedConfig.of(3).withAsyncPreempt(false));
        Heap heap = new Heap(HeapConfig.of(3));
        Roots roots = new Roots(heap, new gcsim.stacks.StackScan(rt.functab()), java.util.Set.of(),
                new Pacer(rt, heap, new GcController(rt.platform(), 3)));
        AtomicReference<CycleWork> work = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger met = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        CyclicBarrier both = new CyclicBarrier(2);
        roots.scanHookForTest = gp -> {
            try {
                both.await(10, TimeUnit.SECONDS); // both hold the other's stack now
                met.incrementAndGet();
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new AssertionError("the other worker never held this one's stack", e);
            }
        };
        GoCode[] scanners = new GoCode[2];
        for (int k = 0; k < 2; k++) {
            int other = 1 - k;
            scanners[k] = (mp, gp) -> {
                CycleWork w;
                while ((w = work.get()) == null) {
                    Thread.onSpinWait();
                }
                if (dance) {
                    gp.gc().enterWaitingMarkWorker();
                }
                // Both are on their Ms before either takes the other's stack (a runnable G whose
                // scan bit is held cannot start running).
                running.incrementAndGet();
                while (running.get() < 2) {
                    Thread.onSpinWait();
                }
                try {
                    roots.markroot(w, Marking.normal(heap), GcWork.create(new WorkPool()), w.baseStacks + other,
                            CycleWork.latencyHistogram());
                } finally {
                    if (dance) {
                        gp.gc().exitWaiting();
                    }
                }
                done.incrementAndGet();
                return GoCode.EXIT;
            };
        }
        boolean[] spawned = {false};
        GoCode main = (mp, gp) -> {
            if (!spawned[0]) {
                spawned[0] = true;
                G a = rt.newproc(scanners[0], null);
                G b = rt.newproc(scanners[1], null);
                work.set(CycleWork.of(rt, 0, new gcsim.goroutines.Chan[0], new G[] {a, b}, 0));
            }
            return done.get() == 2 ? GoCode.EXIT : GoCode.GOSCHED;
        };
        rt.start(main, null);
        try {
            if (dance) {
                assertThat(rt.awaitExit(30, TimeUnit.SECONDS)).as("both stack jobs finished").isZero();
                assertThat(met.get()).isEqualTo(2);
                assertThat(java.util.stream.IntStream.range(0, 2).mapToObj(work.get().allgs::get)).allMatch(G::gcscandone);
            } else {
                // Go refuses before it could deadlock: suspendG's own check.
                assertThatThrownBy(() -> rt.awaitExit(30, TimeUnit.SECONDS))
                        .hasMessageContaining("suspendG from non-preemptible goroutine");
                assertThat(met.get()).isZero();
            }
        } finally {
            rt.shutdown();
            rt.joinMs(5000);
        }
    }

    /**
     * markroot's self-scan: a G whose code runs its own stack job while _Grunning (as a
     * runtime.GC or an assist reaching its own job would) goes to _Gwaiting around
     * suspendG/scanstack/resumeG and comes back running. Without that, suspendG would wait for
     * the G to stop, which the G itself is doing: a deadlock (the test's timeout).
     */
    @Test
    void aGScanningItsOwnStackWaitsMeanwhile() throws Exception {
        Sched rt = new Sched(SchedConfig.of(1));
        Heap heap = new Heap(HeapConfig.of(1));
        Roots roots = new Roots(heap, new gcsim.stacks.StackScan(rt.functab()), java.util.Set.of(),
                new Pacer(rt, heap, new GcController(rt.platform(), 1)));
        AtomicReference<String> seen = new AtomicReference<>();
        GoCode selfScan = (mp, gp) -> {
            CycleWork work = CycleWork.of(rt, 0, new gcsim.goroutines.Chan[0], new G[] {gp}, 0);
            GcWork gcw = GcWork.create(new WorkPool());
            roots.scanHookForTest = g -> seen.set(g == gp ? "status " + readgstatus(g) : "other");
            roots.markroot(work, Marking.normal(heap), gcw, work.baseStacks, CycleWork.latencyHistogram());
            assertThat(readgstatus(gp)).as("running again after its own scan").isEqualTo(G_RUNNING);
            assertThat(gp.gcscandone()).isTrue();
            return GoCode.EXIT;
        };
        rt.start(selfScan, null);
        assertThat(rt.awaitExit(30, TimeUnit.SECONDS)).isZero();
        assertThat(seen.get()).as("scanned while waiting, holding its own scan bit")
                .isEqualTo("status " + (G_WAITING | gcsim.goroutines.GStatus.G_SCAN));
        assertThat(rt.joinMs(5000)).isTrue();
    }
}
