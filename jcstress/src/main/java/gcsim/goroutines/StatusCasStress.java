package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_PREEMPTED;
import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCANRUNNING;
import static gcsim.goroutines.GStatus.G_WAITING;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * jcstress tests of the G status CAS helpers ({@link GStatus}) under the
 * real Java memory model: the races the suspension protocol relies on. Each
 * state is a fresh G of one shared runtime (no stack: only the status word is
 * raced). Results: r1, r2 what each actor saw (1 = won its CAS), r3 the final
 * status (read by the arbiter).
 */
public final class StatusCasStress {
    private StatusCasStress() {}

    private static final Sched RT = new Sched(SchedConfig.of(1).withSysmon(false));

    static G g(int status) {
        G gp = new G(RT);
        gp.initStatus(status);
        return gp;
    }

    /** Two suspenders take the scan bit of a running G: exactly one wins (suspendG's _Grunning case). */
    @JCStressTest
    @Description("two castogscanstatus(running -> scan|running) racers")
    @Outcome(id = {"1, 0, 4098", "0, 1, 4098"}, expect = ACCEPTABLE, desc = "exactly one holds the scan bit")
    @Outcome(expect = FORBIDDEN, desc = "both or neither won")
    @State
    public static class TwoScanRacers {
        final G gp = g(G_RUNNING);

        @Actor
        public void suspender1(III_Result r) {
            r.r1 = GStatus.castogscanstatus(gp, G_RUNNING, G_SCANRUNNING) ? 1 : 0;
        }

        @Actor
        public void suspender2(III_Result r) {
            r.r2 = GStatus.castogscanstatus(gp, G_RUNNING, G_SCANRUNNING) ? 1 : 0;
        }

        @Arbiter
        public void status(III_Result r) {
            r.r3 = GStatus.readgstatus(gp);
        }
    }

    /**
     * The G's own M parks it (casgstatus running -> waiting, which waits out a
     * scan bit) while a suspender takes and releases scan|running. The park
     * always completes; the suspender either held running (and saw no park
     * meanwhile) or lost to the park.
     */
    @JCStressTest
    @Description("casgstatus(running -> waiting) vs castogscanstatus + casfrom_Gscanstatus")
    @Outcome(id = {"1, 2, 4", "1, 0, 4"}, expect = ACCEPTABLE,
            desc = "park done; the suspender held scan|running (status stayed running under it) or lost")
    @Outcome(expect = FORBIDDEN, desc = "park lost, or the status changed under the scan bit")
    @State
    public static class CasgstatusVsScan {
        final G gp = g(G_RUNNING);

        @Actor
        public void park(III_Result r) {
            GStatus.casgstatus(gp, G_RUNNING, G_WAITING);
            r.r1 = 1;
        }

        @Actor
        public void suspender(III_Result r) {
            if (GStatus.castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)) {
                // Holding the bit: nobody may move the G; what we release must be what we took.
                int seen = GStatus.readgstatus(gp);
                GStatus.casfromGscanstatus(gp, G_SCANRUNNING, G_RUNNING);
                r.r2 = seen == G_SCANRUNNING ? 2 : -seen;
            } else {
                r.r2 = 0;
            }
        }

        @Arbiter
        public void status(III_Result r) {
            r.r3 = GStatus.readgstatus(gp);
        }
    }

    /** Two suspenders claim a preempted G (suspendG's _Gpreempted case): exactly one gets the duty to ready it. */
    @JCStressTest
    @Description("two casGFromPreempted(preempted -> waiting) racers")
    @Outcome(id = {"1, 0, 4", "0, 1, 4"}, expect = ACCEPTABLE, desc = "exactly one claims the G")
    @Outcome(expect = FORBIDDEN, desc = "both or neither claimed it")
    @State
    public static class PreemptedClaimers {
        final G gp = g(G_PREEMPTED);

        @Actor
        public void suspender1(III_Result r) {
            r.r1 = GStatus.casGFromPreempted(gp, G_PREEMPTED, G_WAITING) ? 1 : 0;
        }

        @Actor
        public void suspender2(III_Result r) {
            r.r2 = GStatus.casGFromPreempted(gp, G_PREEMPTED, G_WAITING) ? 1 : 0;
        }

        @Arbiter
        public void status(III_Result r) {
            r.r3 = GStatus.readgstatus(gp);
        }
    }

    /**
     * ready (casgstatus waiting -> runnable) vs a suspender taking
     * scan|waiting: ready waits out the bit, so the suspender either holds
     * waiting or finds runnable (and takes scan|runnable instead).
     */
    @JCStressTest
    @Description("ready's casgstatus(waiting -> runnable) vs castogscanstatus on waiting/runnable")
    @Outcome(id = {"1, 4, 1", "1, 1, 1"}, expect = ACCEPTABLE,
            desc = "ready done; the suspender held scan|waiting or scan|runnable")
    @Outcome(expect = FORBIDDEN, desc = "ready lost, or the suspender held nothing")
    @State
    public static class ReadyVsScan {
        final G gp = g(G_WAITING);

        @Actor
        public void ready(III_Result r) {
            GStatus.casgstatus(gp, G_WAITING, G_RUNNABLE);
            r.r1 = 1;
        }

        @Actor
        public void suspender(III_Result r) {
            for (int i = 0; i < 1000; i++) {
                int s = GStatus.readgstatus(gp);
                if ((s == G_WAITING || s == G_RUNNABLE) && GStatus.castogscanstatus(gp, s, s | GStatus.G_SCAN)) {
                    GStatus.casfromGscanstatus(gp, s | GStatus.G_SCAN, s);
                    r.r2 = s;
                    return;
                }
            }
            r.r2 = -1; // only while ready holds nothing: cannot happen (the status is always one of the two)
        }

        @Arbiter
        public void status(III_Result r) {
            r.r3 = GStatus.readgstatus(gp);
        }
    }
}
