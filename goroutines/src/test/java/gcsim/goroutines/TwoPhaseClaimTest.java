package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static gcsim.goroutines.SuspendGHandDrivenTest.external;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.internal.GcGoroutine;
import gcsim.stacks.StackConstants;
import java.util.concurrent.TimeUnit;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two-phase stack scan's side of the protocol ({@code --stack-scan
 * two-phase}): {@link Suspension#trySuspendG} claims a G only if it is
 * already at a safe point and never waits or posts a request;
 * {@link Suspension#requestSelfScan} asks a running G to scan its own stack.
 * Also Go's {@code canPreemptM} and {@code wantAsyncPreempt}, which decide
 * whether a request is acted on. Hand-made Gs on a runtime that is never
 * started (the test plays every other side).
 */
@Timeout(20)
class TwoPhaseClaimTest {
    private final ClockedPlatform pl = new ClockedPlatform();
    private final Sched rt = new Sched(SchedConfig.of(1).withSysmon(false), pl);

    private G g(int status) {
        G gp = rt.allgs.malg(2048);
        gp.initStatus(status);
        return gp;
    }

    @ParameterizedTest
    @ValueSource(ints = {G_RUNNABLE, G_WAITING, G_SYSCALL})
    void gAtASafePointIsClaimedAsSuspendGWouldClaimIt(int s) {
        G gp = g(s);
        gp.preemptStop = true;
        gp.preempt = true;
        gp.stackguard0 = StackConstants.STACK_PREEMPT;
        SuspendGState st = Suspension.trySuspendG(gp);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, false));
        assertThat(readgstatus(gp)).isEqualTo(s | G_SCAN);
        assertThat(gp.preemptStop).isFalse();
        assertThat(gp.preempt).isFalse();
        assertThat(gp.stackguard0).isEqualTo(gp.stackLo + StackConstants.STACK_GUARD);
        assertThat(external(rt)).as("held until resumeG").isEqualTo(1);
        Suspension.resumeG(st);
        assertThat(readgstatus(gp)).isEqualTo(s);
        assertThat(external(rt)).isZero();
    }

    @Test
    void preemptedGIsClaimedAndStopped() {
        G gp = g(G_PREEMPTED);
        SuspendGState st = Suspension.trySuspendG(gp);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, true));
        assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
        assertThat(casGFromPreempted(gp, G_PREEMPTED, G_WAITING)).as("claimed once").isFalse();
        casfromGscanstatus(gp, G_SCANWAITING, G_WAITING); // resumeG would ready it; nobody runs it here
        rt.liveness.exitExternal();
    }

    @Test
    void deadGIsReportedDeadAndNotHeld() {
        G gp = g(G_DEAD);
        assertThat(Suspension.trySuspendG(gp)).isEqualTo(new SuspendGState(null, true, false));
        assertThat(readgstatus(gp)).isEqualTo(G_DEAD);
        assertThat(external(rt)).isZero();
    }

    /** Running, copying its stack, or held by another suspender: null at once, nothing asked of the G. */
    @ParameterizedTest
    @ValueSource(ints = {G_RUNNING, G_COPYSTACK, G_SCANRUNNABLE, G_SCANWAITING, G_SCANRUNNING, G_SCANPREEMPTED})
    void gNotAtASafePointIsLeftAlone(int s) {
        G gp = g(s);
        M mp = new M(rt, 1);
        gp.m = mp;
        long guard = gp.stackguard0;
        assertThat(Suspension.trySuspendG(gp)).isNull();
        assertThat(readgstatus(gp)).isEqualTo(s);
        assertThat(gp.preemptStop).isFalse();
        assertThat(gp.preempt).isFalse();
        assertThat(gp.stackguard0).isEqualTo(guard);
        assertThat(mp.signalPending).as("no preemptM").isZero();
        assertThat(pl.spinHints.get() + pl.yields.get()).as("never waits").isZero();
        assertThat(external(rt)).isZero();
    }

    /**
     * A preempted G this caller moved to waiting, whose scan bit a scanner
     * takes first: the caller owns the G now, so it waits for the bit instead
     * of giving up, and reports that it stopped the G.
     */
    @Test
    void aClaimedPreemptedGIsNotAbandoned() {
        G gp = g(G_PREEMPTED);
        rt.setRuntimeEvents(new RuntimeEvents() {
            @Override
            public void statusChanged(G g, int oldval, int newval, @Nullable M mp) {
                if (oldval == G_PREEMPTED && newval == G_WAITING) {
                    assertThat(castogscanstatus(g, G_WAITING, G_SCANWAITING)).isTrue(); // a scanner gets in
                    pl.atNextSpin = () -> casfromGscanstatus(g, G_SCANWAITING, G_WAITING); // and is done
                }
            }
        });
        SuspendGState st = Suspension.trySuspendG(gp);
        assertThat(st).isEqualTo(new SuspendGState(gp, false, true));
        assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
        assertThat(pl.spinHints.get()).as("waited for the scanner").isPositive();
        casfromGscanstatus(gp, G_SCANWAITING, G_WAITING);
        rt.liveness.exitExternal();
    }

    @Test
    void trySuspendGFromARunningUserGoroutineThrows() throws Exception {
        Sched live = new Sched(SchedConfig.of(1).withSysmon(false));
        live.start((mp, gp) -> {
            Suspension.trySuspendG(gp);
            return GoCode.EXIT;
        }, null);
        try {
            assertThatThrownBy(() -> live.awaitExit(20, TimeUnit.SECONDS)).isInstanceOf(GoThrow.class)
                    .hasMessage("suspendG from non-preemptible goroutine");
        } finally {
            live.shutdown();
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void requestSelfScanPostsAPlainPreemptionAndMarksTheHandshake(boolean async) {
        Sched r = new Sched(SchedConfig.of(1).withSysmon(false).withAsyncPreempt(async), pl);
        G gp = r.allgs.malg(2048);
        gp.initStatus(G_RUNNING);
        M mp = new M(r, 1);
        gp.m = mp;
        assertThat(Suspension.requestSelfScan(gp)).isTrue();
        assertThat(readgstatus(gp)).as("scan bit released").isEqualTo(G_RUNNING);
        assertThat(gp.gc().scanState()).isEqualTo(GcGoroutine.GC_SCAN_SELF);
        assertThat(gp.preempt).isTrue();
        assertThat(gp.preemptStop).as("the G deschedules, it does not stop for a suspender").isFalse();
        assertThat(gp.stackguard0).isEqualTo(StackConstants.STACK_PREEMPT);
        assertThat(mp.signalPending).isEqualTo(async ? 1 : 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {G_RUNNABLE, G_WAITING, G_SYSCALL, G_PREEMPTED, G_DEAD, G_SCANRUNNING})
    void requestSelfScanOfAGThatIsNotRunningChangesNothing(int s) {
        G gp = g(s);
        M mp = new M(rt, 1);
        gp.m = mp;
        long guard = gp.stackguard0;
        assertThat(Suspension.requestSelfScan(gp)).isFalse();
        assertThat(readgstatus(gp)).isEqualTo(s);
        assertThat(gp.gc().scanState()).isEqualTo(GcGoroutine.GC_SCAN_IDLE);
        assertThat(gp.preempt).isFalse();
        assertThat(gp.stackguard0).isEqualTo(guard);
        assertThat(mp.signalPending).isZero();
    }

    /** proc.go canPreemptM: no locks, not mallocing, preemption not disabled, and its P running. */
    @Test
    void canPreemptMOnlyWithoutLocksMallocPreemptoffAndWithARunningP() {
        M mp = new M(rt, 1);
        P pp = rt.allp[0];
        assertThat(Suspension.canPreemptM(mp)).as("no P").isFalse();
        mp.p = pp;
        pp.setStatus(P.P_IDLE);
        assertThat(Suspension.canPreemptM(mp)).as("P idle").isFalse();
        pp.setStatus(P.P_SYSCALL);
        assertThat(Suspension.canPreemptM(mp)).as("P in a syscall").isFalse();
        pp.setStatus(P.P_RUNNING);
        assertThat(Suspension.canPreemptM(mp)).isTrue();
        mp.locks = 1;
        assertThat(Suspension.canPreemptM(mp)).as("holding a lock").isFalse();
        mp.locks = 0;
        mp.mallocing = 1;
        assertThat(Suspension.canPreemptM(mp)).as("mallocing").isFalse();
        mp.mallocing = 0;
        mp.preemptoff = "gcing";
        assertThat(Suspension.canPreemptM(mp)).as("preemptoff").isFalse();
        mp.preemptoff = null;
        assertThat(Suspension.canPreemptM(mp)).isTrue();
    }

    /** signal_unix.go wantAsyncPreempt: a request on the G or its P, and the G running (scan bit or not). */
    @Test
    void wantAsyncPreemptNeedsARequestAndARunningG() {
        M mp = new M(rt, 1);
        P pp = rt.allp[0];
        mp.p = pp;
        G gp = g(G_RUNNING);
        gp.m = mp;
        assertThat(Suspension.wantAsyncPreempt(gp)).as("nothing asked").isFalse();
        gp.preempt = true;
        assertThat(Suspension.wantAsyncPreempt(gp)).isTrue();
        assertThat(castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)).isTrue();
        assertThat(Suspension.wantAsyncPreempt(gp)).as("a suspender holds scan|running").isTrue();
        casfromGscanstatus(gp, G_SCANRUNNING, G_RUNNING);
        gp.preempt = false;
        pp.preempt = true;
        assertThat(Suspension.wantAsyncPreempt(gp)).as("the P's request").isTrue();
        gp.m = null;
        assertThat(Suspension.wantAsyncPreempt(gp)).as("no M, so no P").isFalse();
        gp.m = mp;
        casgstatus(gp, G_RUNNING, G_RUNNABLE);
        assertThat(Suspension.wantAsyncPreempt(gp)).as("not running").isFalse();
    }
}
