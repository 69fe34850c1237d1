package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.stacks.StackConstants;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * suspendG (preempt.go) step by step against a G the test drives by hand: the
 * runtime is never started, the G's M never runs, and the test plays the G's
 * side from the wait hook, which suspendG calls on its own thread each time
 * it must wait. A {@link ClockedPlatform} gives the wait loop a clock the test
 * sets, so Go's timing rules (spin for yieldDelay, then osyield every
 * yieldDelay/2; at most one preemptM per yieldDelay/2) are checked exactly,
 * with no real time involved.
 */
@Timeout(20)
class SuspendGHandDrivenTest {
    private static final long YIELD_DELAY = 10_000; // preempt.go: yieldDelay = 10 * 1000

    private final ClockedPlatform pl = new ClockedPlatform();

    private Sched rt(boolean async) {
        return new Sched(SchedConfig.of(1).withSysmon(false).withAsyncPreempt(async), pl);
    }

    static G g(Sched rt, int status) {
        G gp = rt.allgs.malg(2048);
        gp.initStatus(status);
        return gp;
    }

    /** A running G on an M that never runs (the test plays both). */
    static G running(Sched rt, M mp) {
        G gp = g(rt, G_RUNNING);
        gp.m = mp;
        return gp;
    }

    /** The G's side of a synchronous preemption (preemptPark): running -> scan|preempted -> preempted. */
    static void preemptPark(G gp) {
        casGToPreemptScan(gp, G_RUNNING, G_SCANPREEMPTED);
        gp.m = null;
        casfromGscanstatus(gp, G_SCANPREEMPTED, G_PREEMPTED);
    }

    /** Threads that are not Ms but count as running ones for checkdead (schedtrace's external=). */
    static int external(Sched rt) {
        Matcher m = Pattern.compile(" external=(\\d+)").matcher(rt.schedtrace());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /**
     * The stopped path without resumeG: resumeG would ready the G and wake an
     * M of this never-started runtime (SuspendGTest checks the readying on a
     * live one). Releases what suspendG took: the scan bit and the external count.
     */
    static void releaseStopped(Sched rt, G gp) {
        casfromGscanstatus(gp, G_SCANWAITING, G_WAITING);
        rt.liveness.exitExternal();
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void runningGGetsARequestThenIsClaimedOnceItStopsItself(boolean async) {
        Sched rt = rt(async);
        M mp = new M(rt, 1);
        G gp = running(rt, mp);
        List<Integer> waits = new ArrayList<>();
        rt.setSuspendWaitHookForTest((g, s) -> {
            waits.add(s);
            // The request is posted and the scan bit released before the suspender waits.
            assertThat(readgstatus(gp)).isEqualTo(G_RUNNING);
            assertThat(gp.preemptStop).isTrue();
            assertThat(gp.preempt).isTrue();
            assertThat(gp.stackguard0).isEqualTo(StackConstants.STACK_PREEMPT);
            assertThat(mp.signalPending).as("preemptM only with async preemption").isEqualTo(async ? 1 : 0);
            assertThat(external(rt)).as("the suspender counts as a running M").isEqualTo(1);
            preemptPark(gp);
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(waits).containsExactly(G_RUNNING);
        assertThat(st.g()).isSameAs(gp);
        assertThat(st.dead()).isFalse();
        assertThat(st.stopped()).as("this suspendG moved it out of _Gpreempted").isTrue();
        assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
        assertThat(gp.preemptStop).isFalse();
        assertThat(gp.preempt).isFalse();
        assertThat(gp.stackguard0).isEqualTo(gp.stackLo + StackConstants.STACK_GUARD);
        assertThat(rt.suspendWaitCounters().snapshot().waitingCalls()).isEqualTo(1);
        releaseStopped(rt, gp);
        assertThat(external(rt)).isZero();
    }

    /**
     * Test seams are per runtime, never static (issue 14): two runtimes in one
     * JVM, each with its own wait seam set, and each suspendG calls only its
     * own runtime's seam. With one shared seam the second setting would win and
     * the first suspendG would run the other runtime's seam.
     */
    @Test
    void eachRuntimeCallsOnlyItsOwnWaitSeam() {
        Sched rt = rt(false);
        Sched other = rt(false);
        G gp = running(rt, new M(rt, 1));
        G og = running(other, new M(other, 1));
        List<G> seenByRt = new ArrayList<>();
        List<G> seenByOther = new ArrayList<>();
        rt.setSuspendWaitHookForTest((g, s) -> {
            seenByRt.add(g);
            preemptPark(g); // whichever G it is called for, so a wrong call fails below, not hangs
        });
        other.setSuspendWaitHookForTest((g, s) -> {
            seenByOther.add(g);
            preemptPark(g);
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st.stopped()).isTrue();
        assertThat(seenByRt).containsExactly(gp);
        assertThat(seenByOther).as("the other runtime's seam").isEmpty();
        releaseStopped(rt, gp);
        SuspendGState ost = Suspension.suspendG(og);
        assertThat(ost.stopped()).isTrue();
        assertThat(seenByOther).containsExactly(og);
        assertThat(seenByRt).as("unchanged by the other runtime's suspendG").containsExactly(gp);
        releaseStopped(other, og);
    }

    @Test
    void gAlreadyPreemptedIsClaimedWithoutWaiting() {
        Sched rt = rt(false);
        G gp = g(rt, G_PREEMPTED);
        rt.setSuspendWaitHookForTest((g, s) -> {
            throw new AssertionError("waited on a preempted G (status " + s + ")");
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st.stopped()).isTrue();
        assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
        assertThat(casGFromPreempted(gp, G_PREEMPTED, G_WAITING)).as("claimed once").isFalse();
        assertThat(rt.suspendWaitCounters().snapshot()).isEqualTo(new SuspendWaitCounters.Snapshot(0, 0, 0, 0, 0, 0));
        releaseStopped(rt, gp);
    }

    @ParameterizedTest
    @ValueSource(ints = {G_RUNNABLE, G_WAITING, G_SYSCALL})
    void gAtASafePointIsSuspendedInPlaceAndResumedToTheSameStatus(int s) {
        Sched rt = rt(true);
        G gp = g(rt, s);
        // A request left over (as a G that was readied before it reached its safe point has).
        gp.preemptStop = true;
        gp.preempt = true;
        gp.stackguard0 = StackConstants.STACK_PREEMPT;
        rt.setSuspendWaitHookForTest((g, x) -> {
            throw new AssertionError("waited on a G at a safe point");
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, false));
        assertThat(readgstatus(gp)).isEqualTo(s | G_SCAN);
        assertThat(gp.preemptStop).as("suspendG clears the request it locked in").isFalse();
        assertThat(gp.preempt).isFalse();
        assertThat(gp.stackguard0).isEqualTo(gp.stackLo + StackConstants.STACK_GUARD);
        assertThat(external(rt)).isEqualTo(1);
        assertThat(rt.suspendWaitCounters().snapshot().waitingCalls()).as("no wait").isZero();
        Suspension.resumeG(st);
        assertThat(readgstatus(gp)).isEqualTo(s);
        assertThat(external(rt)).isZero();
    }

    @Test
    void deadGIsReportedDeadAndResumeGDoesNothing() {
        Sched rt = rt(false);
        G gp = g(rt, G_DEAD);
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st).isEqualTo(new SuspendGState(null, true, false));
        assertThat(readgstatus(gp)).isEqualTo(G_DEAD);
        assertThat(external(rt)).as("released at once: nothing to resume").isZero();
        Suspension.resumeG(st);
        assertThat(readgstatus(gp)).isEqualTo(G_DEAD);
        assertThat(external(rt)).isZero();
    }

    /** preempt.go: procyield(10) while now < nextYield (10 µs after the first wait), then osyield every 5 µs. */
    @Test
    void waitSpinsForYieldDelayThenYieldsEveryHalfOfIt() {
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        long[] clockAtRound = {0, YIELD_DELAY - 1, YIELD_DELAY, YIELD_DELAY * 3 / 2 - 1, YIELD_DELAY * 3 / 2, YIELD_DELAY * 3 / 2 + 1};
        List<String> rounds = new ArrayList<>();
        int[] round = {0};
        int[] lastHints = {0};
        int[] lastYields = {0};
        rt.setSuspendWaitHookForTest((g, s) -> {
            int r = round[0]++;
            if (r > 0) {
                rounds.add(action(pl.spinHints.get() - lastHints[0], pl.yields.get() - lastYields[0]));
            }
            lastHints[0] = pl.spinHints.get();
            lastYields[0] = pl.yields.get();
            pl.clock.set(clockAtRound[r]);
            if (r == clockAtRound.length - 1) {
                preemptPark(gp);
            }
        });
        SuspendGState st = Suspension.suspendG(gp);
        rounds.add(action(pl.spinHints.get() - lastHints[0], pl.yields.get() - lastYields[0]));
        assertThat(rounds).containsExactly("procyield(10)", "procyield(10)", "osyield", "procyield(10)", "osyield",
                "procyield(10)");
        assertThat(st.stopped()).isTrue();
        SuspendWaitCounters.Snapshot stats = rt.suspendWaitCounters().snapshot();
        assertThat(stats.spins()).as("every busy-wait round").isEqualTo(6);
        assertThat(stats.waitingCalls()).as("one call that waited").isEqualTo(1);
        assertThat(stats.waitCpuNanos()).as("a wait that started at clock 0 is charged too").isEqualTo(YIELD_DELAY * 3 / 2 + 1);
        releaseStopped(rt, gp);
    }

    /** In the deterministic mode a procyield is one pass of the baton, not ten spins. */
    @Test
    void deterministicProcyieldIsOneHint() {
        pl.deterministic = true;
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        rt.setSuspendWaitHookForTest((g, s) -> {
            if (pl.spinHints.get() > 0) {
                preemptPark(gp);
            }
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(pl.spinHints.get()).as("two waiting rounds, one hint each").isEqualTo(2);
        assertThat(st.stopped()).isTrue();
        releaseStopped(rt, gp);
    }

    /** A G that exits while its suspender waits: reported dead, the wait still charged, nothing held. */
    @Test
    void gThatExitsWhileWaitedForIsReportedDeadAndTheWaitCharged() {
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        pl.clock.set(1_000);
        int[] round = {0};
        rt.setSuspendWaitHookForTest((g, s) -> {
            if (round[0]++ == 1) {
                pl.clock.set(4_000);
                casgstatus(gp, G_RUNNING, G_DEAD); // goexit0
            }
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st.dead()).isTrue();
        assertThat(external(rt)).isZero();
        SuspendWaitCounters.Snapshot stats = rt.suspendWaitCounters().snapshot();
        assertThat(stats.waitingCalls()).isEqualTo(1);
        assertThat(stats.waitCpuNanos()).isEqualTo(3_000);
    }

    private static String action(int hints, int yields) {
        if (yields == 0) {
            return "procyield(" + hints + ")";
        }
        return hints == 0 && yields == 1 ? "osyield" : "hints=" + hints + " yields=" + yields;
    }

    /** SuspendWaitCounters.waitCpuNanos: the wall time of the wait minus the time given away in osyield. */
    @Test
    void busyTimeOfAWaitExcludesTheTimeGivenAway() {
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        pl.clock.set(1_000);
        pl.yieldNanos = 3_000; // each osyield gives 3 µs away
        int[] round = {0};
        rt.setSuspendWaitHookForTest((g, s) -> {
            switch (round[0]++) {
                case 0 -> pl.clock.set(1_000); // the wait starts: spin
                case 1 -> pl.clock.set(13_000); // past yieldDelay: osyield, the clock goes to 16 µs
                default -> {
                    pl.clock.set(17_000);
                    preemptPark(gp);
                }
            }
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(pl.yields.get()).isEqualTo(1);
        // wall 17 µs - 1 µs = 16 µs, of which 3 µs yielded
        assertThat(rt.suspendWaitCounters().snapshot().waitCpuNanos()).isEqualTo(13_000);
        releaseStopped(rt, gp);
    }

    /**
     * preempt.go's "don't bother with the atomics": while its request is still
     * posted and the M has not handled a signal since, the suspender does not
     * touch the G's status again; once the M handled one (preemptGen moved) it
     * posts the request again and signals again, but at most once per
     * yieldDelay/2.
     */
    @Test
    void requestIsRepostedOnlyAfterTheMHandledASignalAndPreemptMIsRateLimited() {
        Sched rt = rt(true);
        List<String> transitions = new ArrayList<>();
        rt.setRuntimeEvents(new RuntimeEvents() {
            @Override
            public void statusChanged(G gp, int oldval, int newval, @Nullable M mp) {
                transitions.add(Integer.toHexString(oldval) + "->" + Integer.toHexString(newval));
            }
        });
        M mp = new M(rt, 1);
        G gp = running(rt, mp);
        int[] round = {0};
        List<Integer> signals = new ArrayList<>();
        rt.setSuspendWaitHookForTest((g, s) -> {
            int r = round[0]++;
            signals.add(mp.signalPending);
            switch (r) {
                case 0, 1 -> pl.clock.set(1_000); // the G keeps running, the M handles nothing
                case 2 -> {
                    // The M handled the signal without stopping (not at an async safe point).
                    mp.signalPending = 0;
                    mp.preemptGen++;
                    pl.clock.set(YIELD_DELAY / 2 - 1);
                }
                case 3 -> {
                    // Re-posted, but not signalled: the last preemptM was less than 5 µs ago.
                    mp.preemptGen++;
                    pl.clock.set(YIELD_DELAY / 2);
                }
                default -> preemptPark(gp);
            }
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(signals).containsExactly(1, 1, 1, 0, 1);
        assertThat(transitions).as("one scan|running per posting of the request").containsExactly(
                "2->1002", "1002->2", // round 0
                "2->1002", "1002->2", // round 3: the M handled a signal
                "2->1002", "1002->2", // round 4: again, now signalled
                "2->1009", "1009->9", // preemptPark
                "9->4", "4->1004"); // suspendG claims it
        assertThat(st.stopped()).isTrue();
        releaseStopped(rt, gp);
    }

    @Test
    void waitsWhileAnotherSuspenderHoldsTheScanBit() {
        Sched rt = rt(false);
        G gp = g(rt, G_SCANWAITING); // the other suspender holds it
        List<Integer> waits = new ArrayList<>();
        rt.setSuspendWaitHookForTest((g, s) -> {
            waits.add(s);
            if (waits.size() == 3) {
                casfromGscanstatus(gp, G_SCANWAITING, G_WAITING); // the other one's resumeG
            }
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(waits).containsExactly(G_SCANWAITING, G_SCANWAITING, G_SCANWAITING);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, false));
        assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
        Suspension.resumeG(st);
        assertThat(readgstatus(gp)).isEqualTo(G_WAITING);
    }

    @Test
    void waitsWhileTheStackIsCopied() {
        Sched rt = rt(false);
        G gp = g(rt, G_COPYSTACK);
        List<Integer> waits = new ArrayList<>();
        rt.setSuspendWaitHookForTest((g, s) -> {
            waits.add(s);
            casgstatus(gp, G_COPYSTACK, G_RUNNABLE); // newstack is done (the G was runnable)
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(waits).containsExactly(G_COPYSTACK);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, false));
        assertThat(readgstatus(gp)).isEqualTo(G_SCANRUNNABLE);
        Suspension.resumeG(st);
        assertThat(readgstatus(gp)).isEqualTo(G_RUNNABLE);
    }

    /**
     * A preempted G claimed by this suspender (preempted -> waiting) whose scan
     * bit someone else takes before this one can: the suspender waits for the
     * bit and still reports that it stopped the G (it must ready it).
     */
    @Test
    void aClaimedPreemptedGStaysThisSuspendersToReady() {
        Sched rt = rt(false);
        G gp = g(rt, G_PREEMPTED);
        rt.setRuntimeEvents(new RuntimeEvents() {
            @Override
            public void statusChanged(G g, int oldval, int newval, @Nullable M mp) {
                if (oldval == G_PREEMPTED && newval == G_WAITING) {
                    assertThat(castogscanstatus(g, G_WAITING, G_SCANWAITING)).isTrue(); // a scanner gets in
                }
            }
        });
        List<Integer> waits = new ArrayList<>();
        rt.setSuspendWaitHookForTest((g, s) -> {
            waits.add(s);
            if (s == G_SCANWAITING) {
                casfromGscanstatus(gp, G_SCANWAITING, G_WAITING); // the scanner is done
            }
        });
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(waits).containsExactly(G_WAITING, G_SCANWAITING);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, true));
        assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
        releaseStopped(rt, gp);
    }

    @Test
    void suspenderWaitingWhenTheProcessExitsThrowsAndReleasesItsCount() {
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        rt.setSuspendWaitHookForTest((g, s) -> rt.exiting = true);
        assertThatThrownBy(() -> Suspension.suspendG(gp)).isInstanceOf(GoThrow.class)
                .hasMessage("suspendG: process exited");
        assertThat(external(rt)).isZero();
    }

    @Test
    void eventsBracketEachSuspendGWithItsResultAndLatency() {
        Sched rt = rt(false);
        List<String> events = new ArrayList<>();
        rt.setRuntimeEvents(new RuntimeEvents() {
            @Override
            public void suspendBegin(G gp) {
                events.add("begin g" + gp.goid);
            }

            @Override
            public void suspendEnd(G gp, boolean dead, boolean stopped, long latencyNanos) {
                events.add("end g" + gp.goid + " dead=" + dead + " stopped=" + stopped + " " + latencyNanos + "ns");
            }
        });
        G gp = running(rt, new M(rt, 1));
        pl.clock.set(100);
        rt.setSuspendWaitHookForTest((g, s) -> {
            pl.clock.set(400);
            preemptPark(gp);
        });
        SuspendGState st = Suspension.suspendG(gp);
        releaseStopped(rt, gp);
        G dead = g(rt, G_DEAD);
        Suspension.suspendG(dead);
        assertThat(events).containsExactly("begin g" + gp.goid, "end g" + gp.goid + " dead=false stopped=true 300ns",
                "begin g" + dead.goid, "end g" + dead.goid + " dead=true stopped=false 0ns");
        assertThat(st.stopped()).isTrue();
    }

    @Test
    void resumeGRejectsAStateItCannotHaveMade() {
        Sched rt = rt(false);
        assertThatThrownBy(() -> Suspension.resumeG(new SuspendGState(null, false, false)))
                .isInstanceOf(GoThrow.class).hasMessage("resumeG: no g");
        for (int s : new int[] {G_SCANRUNNING, G_SCANPREEMPTED, G_RUNNABLE, G_WAITING, G_DEAD}) {
            G gp = g(rt, s);
            assertThatThrownBy(() -> Suspension.resumeG(new SuspendGState(gp, false, false)))
                    .isInstanceOf(GoThrow.class).hasMessage("unexpected g status")
                    .satisfies(t -> assertThat(((GoThrow) t).runtimePrint()).contains("gp->atomicstatus=" + s));
            assertThat(readgstatus(gp)).isEqualTo(s);
        }
    }
}
