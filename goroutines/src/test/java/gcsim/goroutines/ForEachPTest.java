package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.goroutines.mutator.Program;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's forEachP (proc.go), the GC's ragged barrier: every P runs fn exactly once, a running P
 * on its own M at its next safe point (preempted to get there), an idle P and a P in a syscall
 * by the caller while the P cannot leave that state; then Go's closing checks. Real Ms.
 */
@Timeout(60)
class ForEachPTest {
    /** Who ran fn for a P: the P, the thread, the M of that thread (null: not an M) and the P it held. */
    record Run(int p, Thread thread, @org.checkerframework.checker.nullness.qual.Nullable M m,
            @org.checkerframework.checker.nullness.qual.Nullable P heldP) {}

    /** One goroutine spinning through calls, one in a long syscall, one parked on a channel, main parked. */
    private static Program mixed() {
        return Program.builder()
                .chan("never", 0, false)
                .func("leaf", 0, 0).ret().end()
                .func("spin", 0, 0).label("l").call("leaf", -1).jmp("l").end()
                .func("sys", 0, 0).syscall(30_000_000).ret().end()
                .func("parked", 1, 0).recv("never", 0).ret().end()
                .func("main", 0, 0).spawn("spin").spawn("sys").spawn("parked").block().end()
                .entry("main")
                .build();
    }

    private static int count(Sched rt, int status) {
        int n = 0;
        for (P p : rt.allp) {
            n += p.status() == status ? 1 : 0;
        }
        return n;
    }

    private static Map<Integer, List<Run>> forEachPRecording(Sched rt) {
        Map<Integer, List<Run>> runs = new ConcurrentHashMap<>();
        rt.forEachP.forEachP(WaitReason.GC_MARK_TERMINATION, p -> {
            M m = M.getm();
            runs.computeIfAbsent(p.id, k -> new CopyOnWriteArrayList<>())
                    .add(new Run(p.id, Thread.currentThread(), m, m == null ? null : m.p));
        });
        return runs;
    }

    @Test
    void everyPRunsFnOnceRunningOnItsOwnMIdleAndSyscallByTheCaller() throws Exception {
        try (TestRt t = new TestRt(mixed(), SchedConfig.of(4).withSysmon(false))) {
            Sched rt = t.rt;
            t.start();
            // Wait for: spin running on a P, sys in its syscall (its P _Psyscall), the rest idle.
            TestRt.until(() -> count(rt, P.P_SYSCALL) == 1 && count(rt, P.P_RUNNING) == 1
                    && count(rt, P.P_IDLE) == 2 && runningSpinner(rt) != null, rt);
            P running = runningSpinner(rt);
            P syscall = null;
            for (P p : rt.allp) {
                syscall = p.status() == P.P_SYSCALL ? p : syscall;
            }
            assertThat(running).isNotNull();
            assertThat(syscall).isNotNull();

            for (int round = 1; round <= 3; round++) {
                int byCaller = 0;
                Map<Integer, List<Run>> runs = forEachPRecording(rt);
                assertThat(runs).as("round %d: every P, each exactly once", round).hasSize(4)
                        .allSatisfy((id, rs) -> assertThat(rs).hasSize(1));
                for (P p : rt.allp) {
                    Run r = runs.get(p.id).get(0);
                    if (round == 1 && p == running) {
                        assertThat(r.m()).as("the running P: on its own M").isNotNull();
                        assertThat(r.heldP()).as("holding the P").isSameAs(p);
                    } else if (round == 1) {
                        // Idle Ps (one of them the parked goroutines' former P) and the syscall P,
                        // which forEachP takes to _Pidle by CAS and hands off: by the caller, unless
                        // the spinner, preempted by forEachP, put itself on the global queue first:
                        // then handoffp starts an M for the P ("if it has local work, start it
                        // straight away") or a woken M takes an idle one, and that M runs fn.
                        assertThat(r.thread() == Thread.currentThread() || r.heldP() == p)
                                .as("P%d by the caller or on an M holding it", p.id).isTrue();
                        byCaller += r.thread() == Thread.currentThread() ? 1 : 0;
                    } else {
                        // Later rounds: the preempted spinner may run on any P, the others stay idle.
                        assertThat(r.m() == null ? r.thread() == Thread.currentThread() : r.heldP() == p)
                                .as("P%d: by the caller or on the M holding it", p.id).isTrue();
                    }
                    assertThat(p.wantsSafePointFn()).isFalse();
                }
                assertThat(rt.forEachP.safePointWait).isZero();
                if (round == 1) {
                    // Two idle Ps and one syscall P, one spinner to wake an M: the caller ran most.
                    assertThat(byCaller).as("Ps run by the caller in round 1").isGreaterThanOrEqualTo(2);
                }
            }
            assertThat(rt.fatalError()).isNull();
        }
    }

    private static @org.checkerframework.checker.nullness.qual.Nullable P runningSpinner(Sched rt) {
        for (P p : rt.allp) {
            M m = p.m;
            G g = m == null ? null : m.curg;
            if (p.status() == P.P_RUNNING && g != null && g.goid() == 2) {
                return p;
            }
        }
        return null;
    }

    @Test
    void aCallerOnAnMRunsFnForItsOwnPItself() throws Exception {
        Sched rt = new Sched(SchedConfig.of(2).withSysmon(false));
        AtomicReference<List<Run>> seen = new AtomicReference<>();
        AtomicReference<P> ownP = new AtomicReference<>();
        AtomicReference<Thread> mThread = new AtomicReference<>();
        rt.start((mp, gp) -> {
            List<Run> runs = new CopyOnWriteArrayList<>();
            ownP.set(mp.p);
            mThread.set(Thread.currentThread());
            rt.forEachP.forEachP(WaitReason.GC_MARK_TERMINATION, p -> runs.add(new Run(p.id, Thread.currentThread(), M.getm(), p)));
            seen.set(runs);
            return GoCode.EXIT;
        }, null);
        assertThat(rt.awaitExit(20, TimeUnit.SECONDS)).isZero();
        List<Run> runs = seen.get();
        assertThat(runs).extracting(Run::p).containsExactlyInAnyOrder(0, 1);
        Run own = runs.stream().filter(r -> r.heldP() == ownP.get()).findFirst().orElseThrow();
        assertThat(own.thread()).as("Go's fn(_p_) for the caller's own P, on the caller").isSameAs(mThread.get());
        rt.shutdown();
    }

    // ---- Go's throws, through the fault seam (a runtime that is not started: every P idle) ----

    @Test
    void aStaleSafePointWaitThrowsAtEntry() {
        Sched rt = new Sched(SchedConfig.of(2).withSysmon(false));
        rt.forEachP.safePointWait = 1; // a forEachP that never finished
        assertThatThrownBy(() -> rt.forEachP.forEachP(WaitReason.GC_MARK_TERMINATION, p -> { }))
                .isInstanceOf(GoThrow.class).hasMessage("forEachP: sched.safePointWait != 0");
        assertThat(rt.stw.worldsema.availablePermits()).as("worldsema released").isEqualTo(1);
    }

    @Test
    void aCountLeftAfterTheWaitIsNotDone() {
        Sched rt = new Sched(SchedConfig.of(2).withSysmon(false));
        rt.forEachP.setChecksHookForTest(() -> {
            rt.lock.lock();
            try {
                rt.forEachP.safePointWait++;
            } finally {
                rt.lock.unlock();
            }
        });
        assertThatThrownBy(() -> rt.forEachP.forEachP(WaitReason.GC_MARK_TERMINATION, p -> { }))
                .isInstanceOf(GoThrow.class).hasMessage("forEachP: not done");
    }

    @Test
    void aPStillAskedToRunFnAfterTheWaitDidNotRunIt() {
        Sched rt = new Sched(SchedConfig.of(3).withSysmon(false));
        rt.forEachP.setChecksHookForTest(() -> rt.allp[2].setRunSafePointFn(1));
        assertThatThrownBy(() -> rt.forEachP.forEachP(WaitReason.GC_MARK_TERMINATION, p -> { }))
                .isInstanceOf(GoThrow.class).hasMessage("forEachP: P did not run fn");
    }

    @Test
    void withoutTheFaultTheSameCallsPassAndRunFnForEveryIdlePByTheCaller() {
        Sched rt = new Sched(SchedConfig.of(3).withSysmon(false));
        Map<Integer, List<Run>> runs = forEachPRecording(rt);
        assertThat(runs).hasSize(3).allSatisfy((id, rs) -> {
            assertThat(rs).hasSize(1);
            assertThat(rs.get(0).thread()).isSameAs(Thread.currentThread());
        });
        assertThat(rt.forEachP.safePointWait).isZero();
    }
}
