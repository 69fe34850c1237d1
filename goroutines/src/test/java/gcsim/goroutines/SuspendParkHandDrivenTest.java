package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static gcsim.goroutines.SuspendGHandDrivenTest.g;
import static gcsim.goroutines.SuspendGHandDrivenTest.preemptPark;
import static gcsim.goroutines.SuspendGHandDrivenTest.releaseStopped;
import static gcsim.goroutines.SuspendGHandDrivenTest.running;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.stacks.StackConstants;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The park strategy of suspendG ({@code --suspend park}, deliberately not Go)
 * step by step: the suspender publishes itself on the G, re-checks, and
 * sleeps until the G's side changes the status (or its M handled a signal),
 * for at most the 10 ms safety net, or until preemptM may be sent again. The
 * timed park is played by the test ({@link ClockedPlatform#onParkNanos}): it
 * does what the G's side would do while the suspender sleeps, on the
 * suspender's own thread, so every round is exact.
 */
@Timeout(20)
class SuspendParkHandDrivenTest {
    private static final long SAFETY_NET = 10_000_000L; // Suspension.PARK_SAFETY_NET, Go's forcePreemptNS

    private final ClockedPlatform pl = new ClockedPlatform();

    private Sched rt(boolean async) {
        return new Sched(SchedConfig.of(1).withSysmon(false).withAsyncPreempt(async).withSuspendSleeps(true), pl);
    }

    @Test
    void parksOnARunningGAndIsWokenByItsStatusChange() {
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        List<Long> parks = new ArrayList<>();
        int[] round = {0};
        pl.clock.set(1_000);
        rt.setSuspendWaitHookForTest((g, s) -> {
            if (round[0]++ == 1) {
                assertThat(gp.suspendWaiters).as("nobody left on the G").isZero();
                pl.clock.set(3_500);
                preemptPark(gp); // stops before the suspender could park again: it must not
            }
        });
        pl.onParkNanos = nanos -> {
            parks.add(nanos);
            assertThat(parks).as("parked only while the G ran with the request posted").hasSize(1);
            assertThat(gp.suspendWaiters).as("published before sleeping").isEqualTo(1);
            pl.clock.set(3_000);
            // The G's M handled the request without stopping (newstack while it cannot
            // preempt): it wakes the suspender so the request is renewed.
            gp.wakeSuspender();
        };
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st.stopped()).isTrue();
        assertThat(parks).containsExactly(SAFETY_NET);
        assertThat(pl.unparked).as("the wakeup unparks the suspender").containsExactly(Thread.currentThread());
        SuspendWaitCounters.Snapshot s = rt.suspendWaitCounters().snapshot();
        assertThat(s.parks()).isEqualTo(1);
        assertThat(s.wakeups()).isEqualTo(1);
        assertThat(s.parkTimeouts()).isZero();
        assertThat(s.spins()).as("park never spins").isZero();
        // wall 3.5 µs - 1 µs, of which 2 µs asleep
        assertThat(s.waitCpuNanos()).isEqualTo(500);
        releaseStopped(rt, gp);
    }

    @Test
    void aParkThatReachesTheSafetyNetIsCountedAndItsWaiterRemoved() {
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        List<Long> parks = new ArrayList<>();
        pl.onParkNanos = nanos -> {
            parks.add(nanos);
            if (parks.size() == 1) {
                pl.clock.addAndGet(nanos); // exactly the deadline: nothing woke it
            } else {
                assertThat(gp.suspendWaiters).as("only this park's waiter").isEqualTo(1);
                preemptPark(gp);
            }
        };
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(parks).containsExactly(SAFETY_NET, SAFETY_NET);
        SuspendWaitCounters.Snapshot s = rt.suspendWaitCounters().snapshot();
        assertThat(s.parks()).isEqualTo(2);
        assertThat(s.wakeups()).isEqualTo(1);
        assertThat(s.parkTimeouts()).isEqualTo(1);
        assertThat(st.stopped()).isTrue();
        releaseStopped(rt, gp);
    }

    /**
     * A running G whose request was cleared (it went away and came back to
     * _Grunning: execute resets stackguard0) is not slept on: nothing would
     * move it. The suspender posts its request again at once.
     */
    @Test
    void aRunningGWhoseRequestWasClearedIsNotSleptOn() {
        Sched rt = rt(false);
        G gp = running(rt, new M(rt, 1));
        int[] round = {0};
        rt.setSuspendWaitHookForTest((g, s) -> {
            switch (round[0]++) {
                case 0 -> {
                    gp.stackguard0 = gp.stackLo + StackConstants.STACK_GUARD;
                    gp.preempt = false;
                }
                default -> {
                    assertThat(gp.stackguard0).as("posted again").isEqualTo(StackConstants.STACK_PREEMPT);
                    assertThat(gp.suspendWaiters).as("the waiter left with the early return").isZero();
                    preemptPark(gp);
                }
            }
        });
        pl.onParkNanos = nanos -> {
            throw new AssertionError("parked on a G nothing would move");
        };
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(round[0]).isEqualTo(2);
        assertThat(rt.suspendWaitCounters().snapshot().parks()).isZero();
        assertThat(st.stopped()).isTrue();
        releaseStopped(rt, gp);
    }

    /**
     * A suspender that may not signal again yet (preemptM at most once per
     * yieldDelay/2) sleeps only until it may; that sleep ending is not a
     * safety-net timeout.
     */
    @Test
    void aRateLimitedSuspenderSleepsOnlyUntilItMaySignalAgain() {
        Sched rt = rt(true);
        M mp = new M(rt, 1);
        G gp = running(rt, mp);
        List<Long> parks = new ArrayList<>();
        pl.onParkNanos = nanos -> {
            parks.add(nanos);
            switch (parks.size()) {
                case 1 -> {
                    // The M handled the signal without stopping the G, 1 µs after it was sent.
                    mp.signalPending = 0;
                    mp.preemptGen++;
                    pl.clock.set(1_000);
                    gp.wakeSuspender();
                }
                case 2 -> pl.clock.addAndGet(nanos); // slept until preemptM may be sent again
                default -> preemptPark(gp);
            }
        };
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(parks).containsExactly(SAFETY_NET, 4_000L, SAFETY_NET);
        SuspendWaitCounters.Snapshot s = rt.suspendWaitCounters().snapshot();
        assertThat(s.parks()).isEqualTo(3);
        assertThat(s.wakeups()).isEqualTo(2);
        assertThat(s.parkTimeouts()).as("the rate-limit sleep is not a timeout").isZero();
        assertThat(st.stopped()).isTrue();
        releaseStopped(rt, gp);
    }

    @Test
    void parksWhileTheStackIsCopied() {
        Sched rt = rt(false);
        G gp = g(rt, G_COPYSTACK);
        pl.onParkNanos = nanos -> casgstatus(gp, G_COPYSTACK, G_WAITING);
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, false));
        assertThat(rt.suspendWaitCounters().snapshot().parks()).isEqualTo(1);
        assertThat(rt.suspendWaitCounters().snapshot().wakeups()).isEqualTo(1);
        Suspension.resumeG(st);
    }

    @Test
    void parksWhileAnotherSuspenderHoldsTheScanBit() {
        Sched rt = rt(false);
        G gp = g(rt, G_SCANSYSCALL);
        pl.onParkNanos = nanos -> casfromGscanstatus(gp, G_SCANSYSCALL, G_SYSCALL);
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, false));
        assertThat(readgstatus(gp)).isEqualTo(G_SCANSYSCALL);
        assertThat(rt.suspendWaitCounters().snapshot().parks()).isEqualTo(1);
        Suspension.resumeG(st);
    }

    /**
     * A CAS lost on a G at a safe point (here: a scanner took the bit of the G
     * this suspender had just moved out of _Gpreempted) is retried at once,
     * not slept on; only the scan-held status that follows is.
     */
    @Test
    void aLostCasAtASafePointIsRetriedWithoutParking() {
        Sched rt = rt(false);
        G gp = g(rt, G_PREEMPTED);
        rt.setRuntimeEvents(new RuntimeEvents() {
            @Override
            public void statusChanged(G g, int oldval, int newval, @Nullable M mp) {
                if (oldval == G_PREEMPTED && newval == G_WAITING) {
                    assertThat(castogscanstatus(g, G_WAITING, G_SCANWAITING)).isTrue();
                }
            }
        });
        List<Integer> waits = new ArrayList<>();
        rt.setSuspendWaitHookForTest((g, s) -> waits.add(s));
        pl.onParkNanos = nanos -> casfromGscanstatus(gp, G_SCANWAITING, G_WAITING);
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(waits).containsExactly(G_WAITING, G_SCANWAITING);
        SuspendWaitCounters.Snapshot s = rt.suspendWaitCounters().snapshot();
        assertThat(s.parks()).as("only on the scan-held G").isEqualTo(1);
        assertThat(s.spins()).as("the retry is not counted as spinning").isZero();
        assertThat(st).isEqualTo(new SuspendGState(gp, false, true));
        releaseStopped(rt, gp);
    }

    /**
     * The same lost CAS, but the scanner is done before the suspender decides
     * how to wait: the G is back in the status the suspender saw (ABA), so a
     * sleep would have no one to end it but the safety net. It retries at once.
     */
    @Test
    void aLostCasWhoseStatusCameBackIsNotSleptOn() {
        Sched rt = rt(false);
        G gp = g(rt, G_PREEMPTED);
        rt.setRuntimeEvents(new RuntimeEvents() {
            @Override
            public void statusChanged(G g, int oldval, int newval, @Nullable M mp) {
                if (oldval == G_PREEMPTED && newval == G_WAITING) {
                    assertThat(castogscanstatus(g, G_WAITING, G_SCANWAITING)).isTrue();
                }
            }
        });
        rt.setSuspendWaitHookForTest((g, s) -> {
            assertThat(s).isEqualTo(G_WAITING);
            casfromGscanstatus(gp, G_SCANWAITING, G_WAITING); // back to what the suspender saw
        });
        pl.onParkNanos = nanos -> {
            throw new AssertionError("slept on a G nothing would move");
        };
        SuspendGState st = Suspension.suspendG(gp);
        assertThat(rt.suspendWaitCounters().snapshot().parks()).isZero();
        assertThat(st).isEqualTo(new SuspendGState(gp, false, true));
        releaseStopped(rt, gp);
    }
}
