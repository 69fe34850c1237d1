package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Program;
import gcsim.goroutines.platform.Platform;
import gcsim.heap.ObjectType;
import gcsim.stacks.StackConstants;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** suspendG/resumeG against a G in each state, concurrently with the G's own progress. */
class SuspendGTest {
    private static final ObjectType CELL = ObjectType.scalars("cell", 2);

    /**
     * worker(c *cell): for c.stop == 0 { c.count++; [preempt() | tight] } ; done <- 1.
     * main: c := new(cell); go worker(c) x n; wait for them; the test reads c from main's frame.
     */
    private static Program spinners(int n, boolean calls, boolean mainSpins) {
        return spinners(n, calls, mainSpins, -1);
    }

    /** As {@link #spinners(int, boolean, boolean)}, with the program's signal cost (-1: no signalcost line). */
    private static Program spinners(int n, boolean calls, boolean mainSpins, long signalCost) {
        Program.Builder pb = Program.builder();
        if (signalCost >= 0) {
            pb.signalCost(signalCost);
        }
        Program.FuncBuilder w = pb
                .type(CELL)
                .chan("done", n, false)
                .func("preempt", 0, 0).ret().end()
                .func("worker", 2, 1).ptrArgs(0)
                    .label("l").loadw(0, 3, 1).addi(0, 0, 1).storew(3, 1, 0);
        if (calls) {
            w.call("preempt", -1);
        }
        Program.Builder b = w.loadw(1, 3, 0).jnz(1, "done").jmp("l")
                    .label("done").send("done", 1).ret().end();
        Program.FuncBuilder m = b.func("main", 3, 0).ptrLocals(0)
                .newobj(0, "cell").constant(1, n).label("s").spawn("worker", 0).decjnz(1, "s");
        if (mainSpins) { // tight loop until c.stop != 0: keeps the only P busy, no safe point
            m.label("spin").loadw(1, 0, 0).jnz(1, "go").jmp("spin").label("go");
        }
        return m.constant(1, n).label("w").recv("done", 2).decjnz(1, "w").ret().end().build();
    }

    private static long cellOf(TestRt t) {
        return t.mainLocal0();
    }

    /** Worker i, once newproc1 has made it runnable (allgadd publishes a new G as _Gdead first). */
    private static G worker(TestRt t, int i) {
        TestRt.until(() -> t.rt.allgs().length > i + 1 && readgstatus(t.rt.allgs()[i + 1]) != G_DEAD, t.rt);
        return t.rt.allgs()[i + 1];
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void runningGWithCallsIsStoppedAndReadiedAgain(boolean async) throws Exception {
        try (TestRt t = new TestRt(spinners(1, true, false), SchedConfig.of(2).withAsyncPreempt(async)).start()) {
            long cell = cellOf(t);
            G gp = worker(t, 0);
            for (int seed = 0; seed < 200; seed++) {
                TestRt.until(() -> readgstatus(gp) == G_RUNNING, t.rt);
                SuspendGState st = Suspension.suspendG(gp);
                assertThat(st.dead()).isFalse();
                assertThat(st.g()).isSameAs(gp);
                assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
                if (!gp.asyncSafePoint) {
                    assertThat(st.stopped()).isTrue();
                }
                assertThat(gp.waitreason).isEqualTo(WaitReason.PREEMPTED);
                assertThat(gp.preemptStop).isFalse();
                assertThat(gp.stackguard0).isEqualTo(gp.stackLo + StackConstants.STACK_GUARD);
                long before = t.heap.readWord(cell + 8);
                for (int i = 0; i < seed * 10; i++) {
                    Thread.onSpinWait();
                }
                assertThat(t.heap.readWord(cell + 8)).as("no progress while suspended").isEqualTo(before);
                Suspension.resumeG(st);
                TestRt.until(() -> t.heap.readWord(cell + 8) > before, t.rt);
            }
            t.heap.writeWord(cell, 1);
            assertThat(t.await(20)).isZero();
        }
    }

    @Test
    void tightLoopIsStoppedOnlyByAsyncPreemption() throws Exception {
        try (TestRt t = new TestRt(spinners(1, false, false), SchedConfig.of(2).withSysmon(false)).start()) {
            long cell = cellOf(t);
            G gp = worker(t, 0);
            for (int seed = 0; seed < 100; seed++) {
                TestRt.until(() -> readgstatus(gp) == G_RUNNING, t.rt);
                SuspendGState st = Suspension.suspendG(gp);
                assertThat(st.stopped()).isTrue();
                assertThat(gp.asyncSafePoint).isTrue();
                assertThat(Traceback.traceback(gp)).contains("runtime.asyncPreempt(...)").contains("worker(...)");
                Suspension.resumeG(st);
            }
            assertThat(t.rt.stats().preemptionsAsync()).isGreaterThanOrEqualTo(100);
            t.heap.writeWord(cell, 1);
            assertThat(t.await(20)).isZero();
        }
    }

    /**
     * go1.14.0 (no m.signalPending, Go #37741): a tight loop whose M gets another signal
     * during each handler run (the platform's handler cost stands in for the other
     * preempters: sysmon, preemptall, more suspendG loops) stays in its handler: every run
     * finds the loop's counter where the first run left it, and suspendG claims the
     * goroutine only once the signals stop. go1.14 keeps one signal in flight and takes
     * the ordinary path: no handler run is charged at all.
     */
    @Test
    void go1_14_0SignalFloodKeepsATightLoopInItsHandlerUntilTheSignalsStop() throws Exception {
        final int flood = 50;
        for (GoVersion v : List.of(GoVersion.GO1_14_0, GoVersion.GO1_14)) {
            AtomicInteger runs = new AtomicInteger();
            List<Long> counts = new CopyOnWriteArrayList<>();
            AtomicReference<TestRt> rt = new AtomicReference<>();
            AtomicLong counter = new AtomicLong();
            Platform pl = new Platform.Real() {
                @Override
                public void work(long nanos) {
                    TestRt t = rt.get();
                    if (t != null && counter.get() != 0) {
                        counts.add(t.heap.readWord(counter.get()));
                    }
                    M mp = M.getm();
                    if (runs.incrementAndGet() <= flood && mp != null) {
                        mp.preemptM(); // the next signal arrives while this one is handled
                    }
                }
            };
            SchedConfig cfg = SchedConfig.of(2).withSysmon(false).withGoVersion(v);
            try (TestRt t = new TestRt(spinners(1, false, false), cfg, pl).start()) {
                rt.set(t);
                long cell = cellOf(t);
                G gp = worker(t, 0);
                TestRt.until(() -> readgstatus(gp) == G_RUNNING && t.heap.readWord(cell + 8) > 0, t.rt);
                counter.set(cell + 8);
                SuspendGState st = Suspension.suspendG(gp);
                assertThat(st.stopped()).as("%s", v).isTrue();
                assertThat(gp.asyncSafePoint).as("%s: stopped by asyncPreempt", v).isTrue();
                if (v.signalPending()) {
                    assertThat(runs.get()).as("%s: no flood", v).isZero();
                } else {
                    // At least the flood and the first signal; suspendG's own resends may add runs.
                    assertThat(runs.get()).as("%s: handler runs", v).isGreaterThan(flood);
                    assertThat(Set.copyOf(counts)).as("%s: no instruction between runs", v)
                            .containsExactly(t.heap.readWord(cell + 8));
                }
                Suspension.resumeG(st);
                t.heap.writeWord(cell, 1);
                assertThat(t.await(20)).isZero();
            }
        }
    }

    /**
     * The platform's cost of one signal (a program's {@code signalcost}) is charged to the M for
     * every signal it handles, under every version: a tight loop stopped by suspendG costs its M
     * one handler run (or more, when suspendG resends) of exactly that much. Without the line,
     * go1.14.0 charges the 2 µs default and the later versions nothing (their schedules predate
     * the parameter); a cost of 0 charges nothing anywhere.
     */
    @ParameterizedTest(name = "signalcost={0}")
    @ValueSource(longs = {-1, 0, 20_000})
    void eachDeliveredSignalCostsItsMTheProgramsSignalCost(long cost) throws Exception {
        for (GoVersion v : List.of(GoVersion.GO1_14_0, GoVersion.GO1_14_1, GoVersion.GO1_14)) {
            List<Long> charged = new CopyOnWriteArrayList<>();
            Platform pl = new Platform.Real() {
                @Override
                public void work(long nanos) {
                    charged.add(nanos);
                }
            };
            SchedConfig cfg = SchedConfig.of(2).withSysmon(false).withGoVersion(v);
            try (TestRt t = new TestRt(spinners(1, false, false, cost), cfg, pl).start()) {
                long cell = cellOf(t);
                G gp = worker(t, 0);
                TestRt.until(() -> readgstatus(gp) == G_RUNNING && t.heap.readWord(cell + 8) > 0, t.rt);
                SuspendGState st = Suspension.suspendG(gp);
                assertThat(st.stopped()).as("%s", v).isTrue();
                assertThat(gp.asyncSafePoint).as("%s: stopped by a signal", v).isTrue();
                long want = cost >= 0 ? cost : v.signalPending() ? 0 : MutatorSupport.SIGNAL_HANDLER_NANOS;
                if (want == 0) {
                    assertThat(charged).as("%s: nothing charged", v).isEmpty();
                } else {
                    assertThat(charged).as("%s: one charge per handler run", v).isNotEmpty().containsOnly(want);
                }
                Suspension.resumeG(st);
                t.heap.writeWord(cell, 1);
                assertThat(t.await(20)).isZero();
            }
        }
    }

    @Test
    void runnableGIsSuspendedInPlaceAndNotReadiedTwice() throws Exception {
        SchedConfig cfg = SchedConfig.of(1).withAsyncPreempt(false).withSysmon(false);
        try (TestRt t = new TestRt(spinners(3, true, true), cfg).start()) {
            long cell = cellOf(t);
            for (int seed = 0; seed < 100; seed++) {
                for (int i = 0; i < 3; i++) {
                    G gp = worker(t, i);
                    assertThat(readgstatus(gp)).isEqualTo(G_RUNNABLE);
                    SuspendGState st = Suspension.suspendG(gp);
                    assertThat(st.stopped()).isFalse();
                    assertThat(readgstatus(gp)).isEqualTo(G_SCANRUNNABLE);
                    Suspension.resumeG(st);
                    assertThat(readgstatus(gp)).isEqualTo(G_RUNNABLE);
                }
            }
            assertThat(t.rt.allp[0].runqsize() + t.rt.globalRunqSize()).isEqualTo(3);
            t.heap.writeWord(cell, 1); // main leaves its loop; the workers run and stop
            assertThat(t.await(20)).isZero();
        }
    }

    @Test
    void waitingGStaysWaitingAfterResume() throws Exception {
        Program p = Program.builder()
                .chan("never", 0, false)
                .func("blocked", 1, 0).recv("never", 0).ret().end()
                // main sleeps (a pending timer is not a deadlock), then blocks for ever too
                .func("main", 0, 0).spawn("blocked").spawn("blocked").sleep(3_000_000).block().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            G gp = worker(t, 0);
            TestRt.until(() -> readgstatus(gp) == G_WAITING, t.rt);
            for (int seed = 0; seed < 1000; seed++) {
                SuspendGState st = Suspension.suspendG(gp);
                assertThat(st.stopped()).isFalse();
                assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
                Suspension.resumeG(st);
                assertThat(readgstatus(gp)).isEqualTo(G_WAITING);
            }
            assertThat(Traceback.goroutineheader(gp)).isEqualTo("goroutine " + gp.goid + " [chan receive]:");
            // Every G blocked for ever: the deadlock is reported once nobody holds a G.
            assertThatThrownBy(() -> t.await(20)).isInstanceOf(GoThrow.class)
                    .hasMessage("all goroutines are asleep - deadlock!");
        }
    }

    @Test
    void syscallGIsSuspendedWithoutStoppingIt() throws Exception {
        Program p = Program.builder()
                .func("main", 1, 0).constant(0, 20).label("l").syscall(20_000).decjnz(0, "l").ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(1)).start()) {
            int seen = 0;
            while (!t.rt.hasExited() && seen < 10) {
                if (readgstatus(t.main) == G_SYSCALL) {
                    SuspendGState st = Suspension.suspendG(t.main);
                    int s = readgstatus(t.main);
                    if (s == G_SCANSYSCALL) {
                        seen++;
                        assertThat(st.stopped()).isFalse();
                        assertThat(Traceback.goroutineheader(t.main)).contains("[syscall (scan)]");
                    }
                    Suspension.resumeG(st);
                }
                Thread.yield();
            }
            assertThat(t.await(20)).isZero();
            assertThat(seen).isPositive();
        }
    }

    @Test
    void preemptedGIsClaimedOnceAndReadiedByItsClaimer() throws Exception {
        try (TestRt t = new TestRt(spinners(1, true, false), SchedConfig.of(2).withAsyncPreempt(false)).start()) {
            long cell = cellOf(t);
            G gp = worker(t, 0);
            for (int seed = 0; seed < 100; seed++) {
                TestRt.until(() -> readgstatus(gp) == G_RUNNING, t.rt);
                // The request half of suspendG, without waiting. Like suspendG, this
                // thread counts as a running M meanwhile (else checkdead fires, as in Go).
                t.rt.liveness.enterExternal();
                while (!castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)) {
                    TestRt.until(() -> readgstatus(gp) == G_RUNNING, t.rt);
                }
                gp.preemptStop = true;
                gp.preempt = true;
                gp.stackguard0 = StackConstants.STACK_PREEMPT;
                casfromGscanstatus(gp, G_SCANRUNNING, G_RUNNING);
                TestRt.until(() -> readgstatus(gp) == G_PREEMPTED, t.rt);
                assertThat(Traceback.goroutineheader(gp)).isEqualTo("goroutine " + gp.goid + " [preempted]:");
                assertThat(gp.m).isNull();
                SuspendGState st = Suspension.suspendG(gp);
                assertThat(st.stopped()).isTrue();
                assertThat(casGFromPreempted(gp, G_PREEMPTED, G_WAITING)).as("claimed once").isFalse();
                Suspension.resumeG(st);
                t.rt.liveness.exitExternal();
                long before = t.heap.readWord(cell + 8);
                TestRt.until(() -> t.heap.readWord(cell + 8) > before, t.rt);
            }
            t.heap.writeWord(cell, 1);
            assertThat(t.await(20)).isZero();
        }
    }

    @Test
    void suspendGWaitsForCopystack() throws Exception {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        for (int seed = 0; seed < 50; seed++) {
            G gp = rt.allgs.malg(2048);
            gp.initStatus(G_COPYSTACK);
            AtomicReference<SuspendGState> got = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread s = new Thread(() -> {
                started.countDown();
                got.set(Suspension.suspendG(gp));
            });
            s.start();
            started.await();
            for (int i = 0; i < seed * 200; i++) {
                Thread.onSpinWait();
            }
            assertThat(got.get()).as("suspendG returned during copystack").isNull();
            casgstatus(gp, G_COPYSTACK, G_WAITING); // the copy is done
            s.join();
            assertThat(got.get().stopped()).isFalse();
            assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
            Suspension.resumeG(got.get());
            assertThat(readgstatus(gp)).isEqualTo(G_WAITING);
        }
    }

    @Test
    void deadAndReusedGs() throws Exception {
        // main: 300 times { go child(); <-c }: each child exits and the next reuses its G.
        Program p = Program.builder()
                .chan("c", 0, false)
                .func("child", 1, 0).syscall(20).constant(0, 1).send("c", 0).ret().end()
                .func("main", 2, 0).constant(0, 300)
                    .label("l").spawn("child").recv("c", 1).decjnz(0, "l").ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            int dead = 0;
            int live = 0;
            while (!t.rt.hasExited()) {
                for (G gp : t.rt.allgs()) {
                    long goid = gp.goid;
                    SuspendGState st;
                    try {
                        st = Suspension.suspendG(gp);
                    } catch (GoThrow e) {
                        assertThat(t.rt.hasExited()).as("only when the process exited: %s", e).isTrue();
                        break;
                    }
                    if (st.dead()) {
                        dead++;
                        assertThat(st.g()).isNull();
                    } else {
                        live++;
                        assertThat(readgstatus(gp) & G_SCAN).isNotZero();
                        assertThat(gp.goid).isGreaterThanOrEqualTo(goid);
                    }
                    Suspension.resumeG(st);
                }
            }
            assertThat(t.await(20)).isZero();
            assertThat(t.rt.allgs().length).as("Gs were reused").isLessThan(301);
            assertThat(dead).isPositive();
            assertThat(live).isPositive();
        }
    }

    /**
     * Two suspenders on one G (and the first also on another): every holder
     * of G a counts itself in one shared count while it holds a, so the
     * count goes above 1 exactly when the two did not exclude each other.
     * {@link #aHeldGoroutineIsNotHandedToASecondSuspender} shows it can.
     */
    @Test
    void twoSuspendersSerialise() throws Exception {
        try (TestRt t = new TestRt(spinners(2, true, false), SchedConfig.of(2)).start()) {
            Overlap o = suspendConcurrently(t, 300);
            assertThat(o.stopped).as("suspensions that stopped a running G").isPositive();
            assertThat(o.maxHolders).as("suspenders holding G a at once").isEqualTo(1);
            t.heap.writeWord(cellOf(t), 1);
            assertThat(t.await(20)).isZero();
            for (G gp : t.rt.allgs()) {
                assertThat(readgstatus(gp) & G_SCAN).isZero();
            }
        }
    }

    /**
     * Mutual exclusion without a race to win, and its negative control:
     * suspender 2 holds worker a stopped (counted in the holder count) until
     * suspender 1, suspending a too, has either had to wait (SuspendWaitCounters'
     * waiting calls went up: the scan bit kept it out) or got a as well (the
     * count reached 2). With the protocol intact the count stays 1; with the
     * scan bit broken ({@code --break scan-bit}, this runtime only) suspendG
     * claims a G at a safe point without locking it and the count reaches 2.
     */
    @ParameterizedTest(name = "scan bit broken: {0}")
    @ValueSource(booleans = {false, true})
    void aHeldGoroutineIsNotHandedToASecondSuspender(boolean breakScanBit) throws Exception {
        SchedConfig cfg = SchedConfig.of(2);
        if (breakScanBit) {
            cfg = cfg.withBroken(java.util.EnumSet.of(ProtocolPiece.SCAN_BIT));
        }
        try (TestRt t = new TestRt(spinners(2, true, false), cfg).start()) {
            G a = worker(t, 0);
            AtomicInteger holdersOfA = new AtomicInteger();
            AtomicInteger maxHolders = new AtomicInteger();
            CountDownLatch held = new CountDownLatch(1);
            HelperThreads helpers = new HelperThreads();
            helpers.start("suspender-2", () -> {
                // Hold a stopped (parked by its preemption request): then only our resumeG
                // readies it, even with the scan bit broken. A runnable a claimed in place
                // could run off, so take it again until it is a stop.
                SuspendGState st = Suspension.suspendG(a);
                for (int i = 0; !st.stopped(); i++) {
                    assertThat(i).as("suspensions without a stop").isLessThan(1_000_000);
                    Suspension.resumeG(st);
                    st = Suspension.suspendG(a);
                }
                maxHolders.accumulateAndGet(holdersOfA.incrementAndGet(), Math::max);
                // After our own suspendG (which may have waited), before suspender 1 starts.
                long waitedBefore = t.rt.suspendWaitCounters().snapshot().waitingCalls();
                held.countDown();
                TestRt.until(() -> maxHolders.get() > 1
                        || t.rt.suspendWaitCounters().snapshot().waitingCalls() > waitedBefore, t.rt);
                holdersOfA.decrementAndGet();
                Suspension.resumeG(st);
            });
            helpers.start("suspender-1", () -> {
                held.await();
                SuspendGState st = Suspension.suspendG(a);
                maxHolders.accumulateAndGet(holdersOfA.incrementAndGet(), Math::max);
                holdersOfA.decrementAndGet();
                Suspension.resumeG(st);
            });
            helpers.joinAll(60);
            if (breakScanBit) {
                assertThat(maxHolders.get()).as("suspenders holding G a at once").isEqualTo(2);
            } else {
                assertThat(maxHolders.get()).as("suspenders holding G a at once").isEqualTo(1);
            }
        }
    }

    /** What {@link #suspendConcurrently} saw. */
    private record Overlap(int maxHolders, int stopped) {}

    /**
     * Suspender 1 alternates between workers a and b, suspender 2 takes a;
     * both count themselves into one holder count of a while they hold it.
     * They run {@code minRounds} rounds each, suspender 1 on until it stopped
     * a running G (on a loaded machine the Gs can be runnable every time it
     * comes back). Failures of either reach the caller.
     */
    private static Overlap suspendConcurrently(TestRt t, int minRounds) throws InterruptedException {
        G a = worker(t, 0);
        G b = worker(t, 1);
        AtomicInteger holdersOfA = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger stoppedCount = new AtomicInteger();
        java.util.function.IntPredicate goOn = i -> i < minRounds || stoppedCount.get() == 0 && i < 1_000_000;
        HelperThreads helpers = new HelperThreads();
        helpers.start("suspender-1", () -> {
            for (int i = 0; goOn.test(i) && !helpers.failed(); i++) {
                G gp = (i & 1) == 0 ? a : b;
                SuspendGState st = Suspension.suspendG(gp);
                if (gp == a) {
                    maxHolders.accumulateAndGet(holdersOfA.incrementAndGet(), Math::max);
                }
                if (st.stopped()) {
                    stoppedCount.incrementAndGet();
                }
                if (gp == a) {
                    holdersOfA.decrementAndGet();
                }
                Suspension.resumeG(st);
            }
        });
        helpers.start("suspender-2", () -> {
            for (int i = 0; i < minRounds && !helpers.failed(); i++) {
                SuspendGState st = Suspension.suspendG(a);
                maxHolders.accumulateAndGet(holdersOfA.incrementAndGet(), Math::max);
                assertThat(readgstatus(a) & G_SCAN).isNotZero();
                holdersOfA.decrementAndGet();
                Suspension.resumeG(st);
            }
        });
        helpers.joinAll(120);
        return new Overlap(maxHolders.get(), stoppedCount.get());
    }

    @Test
    void suspendGFromARunningUserGoroutineThrows() throws Exception {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        rt.start((mp, gp) -> {
            Suspension.suspendG(gp);
            return GoCode.EXIT;
        }, null);
        assertThatThrownBy(() -> rt.awaitExit(20, TimeUnit.SECONDS)).isInstanceOf(GoThrow.class)
                .hasMessage("suspendG from non-preemptible goroutine");
        rt.shutdown();
    }

    @Test
    void resumeGOfAGNotInAScanStateThrows() {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        G gp = rt.allgs.malg(2048);
        gp.initStatus(G_WAITING);
        assertThatThrownBy(() -> Suspension.resumeG(new SuspendGState(gp, false, false)))
                .isInstanceOf(GoThrow.class).hasMessage("unexpected g status");
        G idle = rt.allgs.malg(2048);
        assertThatThrownBy(() -> Suspension.suspendG(idle))
                .isInstanceOf(GoThrow.class).hasMessage("invalid g status");
    }
}
