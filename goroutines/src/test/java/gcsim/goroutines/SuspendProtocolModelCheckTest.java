package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;

import gcsim.goroutines.Suspension.SuspendGState;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the status protocol with Lincheck: each test starts two
 * or three plain threads playing the G's own M (preemptPark, goexit0 and
 * reuse, newstack's copystack, park and ready) and suspenders (the real
 * {@link Suspension#suspendG}/{@link Suspension#resumeG}), and Lincheck
 * explores their interleavings at every shared access (sequentially
 * consistent). The G side runs the real Sched/Stacks/GStatus code on an M
 * object that is not started (the thread is a Lincheck thread, so
 * {@code M.getm()} is null and suspenders are "external" callers). All Ps
 * are taken off pidle ({@link Sched#pidlegetForTest}) so a ready queues the G
 * on the global run queue and starts no M: the run queue is then the record
 * of who readied whom.
 *
 * <p>Invariants asserted after every explored interleaving:
 * <ul>
 *   <li>exactly one party readies a stopped G (the global run queue holds it
 *       once; a second ready would throw "bad g->status in ready");</li>
 *   <li>no G is left with the scan bit;</li>
 *   <li>a dead G is never resumed (suspendG reports dead, and resumeG would
 *       throw "unexpected g status");</li>
 *   <li>at most one suspender holds the G at a time;</li>
 *   <li>a suspender never sees a stack mid-copy.</li>
 * </ul>
 * Coverage (invocations explored per scenario) is {@link #INVOCATIONS}; the
 * README's Reliability section lists the scenarios.
 */
class SuspendProtocolModelCheckTest {
    /** Interleavings explored per scenario (Lincheck invocations). */
    static final int INVOCATIONS = Integer.getInteger("gcsim.lincheck.invocations", 4_000);

    /** One G on one runtime, built fresh per invocation so invocations are independent. */
    private static final class World {
        final Sched rt = new Sched(SchedConfig.of(1).withSysmon(false).withAsyncPreempt(false));
        final P pp;
        final M mp = new M(rt, 1);
        final G gp;
        /** Suspenders holding gp right now (must never exceed 1). */
        final AtomicInteger holders = new AtomicInteger();
        /** Suspensions that reported stopped (claimed gp from _Gpreempted). */
        final AtomicInteger stoppedClaims = new AtomicInteger();
        /** The first failure of a party thread. */
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        World() {
            P p = rt.pidlegetForTest();
            if (p == null || rt.pidlegetForTest() != null) {
                throw new AssertionError("expected exactly one P");
            }
            pp = p;
            pp.setStatus(P.P_RUNNING);
            mp.p = pp;
            gp = rt.malg(FIXED_STACK);
            gp.initStatus(G_DEAD);
            gp.goid = 1;
            gp.sp = gp.stackHi; // an empty stack: newstack's checks pass, there is nothing to copy
            // The G runs on mp (execute's effect).
            GStatus.casgstatus(gp, G_DEAD, G_RUNNING);
            gp.m = mp;
            mp.curg = gp;
        }

        /** A suspender: suspendG, check exclusive ownership, resumeG. Returns the state. */
        SuspendGState suspendAndResume() {
            SuspendGState st = Suspension.suspendG(gp);
            if (st.dead()) {
                check(st.g() == null && !st.stopped(), "dead state carries a G");
                Suspension.resumeG(st); // a no-op: a dead G is never resumed
                return st;
            }
            check(st.g() == gp, "suspended another G");
            check((readgstatus(gp) & G_SCAN) != 0, "suspendG returned without the scan bit");
            check(holders.incrementAndGet() == 1, "two suspenders hold the G");
            check(gp.stackHi - gp.stackLo == gp.stack.hi() - gp.stack.lo(), "stack seen mid-copy");
            if (st.stopped()) {
                stoppedClaims.incrementAndGet();
            }
            holders.decrementAndGet();
            Suspension.resumeG(st);
            return st;
        }

        /** The G's M: polls its stack guard at each prologue until a preemption request, then newstack. */
        void runUntilPreempted() {
            while (gp.stackguard0 != STACK_PREEMPT) {
                Thread.onSpinWait();
            }
            check(!Stacks.newstack(rt, mp, gp), "newstack with a preemption request continued the G");
        }

        /** After all threads joined: no scan bit, the G queued once iff it was stopped. */
        void checkStoppedGReadiedOnce(int expectedClaims) {
            int s = readgstatus(gp);
            check((s & G_SCAN) == 0, "G left with the scan bit: " + Integer.toHexString(s));
            check(stoppedClaims.get() == expectedClaims, "stopped claims " + stoppedClaims.get());
            check(s == G_RUNNABLE, "stopped G not readied: status " + s);
            check(rt.globalRunqSize() == 1, "G queued " + rt.globalRunqSize() + " times");
            check(!gp.preemptStop, "preemptStop left set");
        }
    }

    private static void check(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError(what);
        }
    }

    /**
     * Starts a party on a plain thread (Lincheck intercepts Thread.start); a
     * failure of ours (a throw of the runtime, a broken check) is recorded in
     * w and fails the invocation at {@link #join}. Lincheck's own Errors, which
     * it uses to abort threads, pass through.
     */
    private static Thread start(World w, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (RuntimeException | AssertionError e) {
                w.failure.compareAndSet(null, e);
            }
        });
        t.start();
        return t;
    }

    private static void join(World w, Thread... ts) {
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        Throwable f = w.failure.get();
        if (f != null) {
            throw new AssertionError("a party failed: " + f, f);
        }
    }

    /** suspendG vs a running G that reaches preemptPark at its next prologue. */
    @Test
    void suspendGVsPreemptPark() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            World w = new World();
            Thread g = start(w, w::runUntilPreempted);
            Thread s = start(w, w::suspendAndResume);
            join(w, g, s);
            w.checkStoppedGReadiedOnce(1);
            check(w.gp.waitreason == WaitReason.PREEMPTED, "wait reason");
        });
    }

    /** Two suspenders vs one G: mutual exclusion, and exactly one of them claims and readies it. */
    @Test
    void twoSuspendersVsOneG() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            World w = new World();
            Thread g = start(w, w::runUntilPreempted);
            Thread s1 = start(w, w::suspendAndResume);
            Thread s2 = start(w, w::suspendAndResume);
            join(w, g, s1, s2);
            w.checkStoppedGReadiedOnce(1);
        });
    }

    /**
     * suspendG vs goexit0 and reuse (newproc1 taking the G off the free list):
     * the suspender either sees the G dead (and touches nothing) or suspends
     * the new incarnation in place; it never stops (readies) it, and goexit0's
     * clearing of preemptStop is not undone.
     */
    @Test
    void suspendGVsGoexitAndReuse() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            World w = new World();
            SuspendGState[] result = new SuspendGState[1];
            Thread g = start(w, () -> {
                w.rt.goexit0(w.mp, w.gp);
                // newproc1's reuse path: gfget, then _Gdead -> _Grunnable with a new goid.
                G reused = w.rt.gfget(w.pp);
                check(reused == w.gp, "free list did not return the G");
                reused.sp = reused.stackHi;
                reused.stackguard0 = reused.stackLo + STACK_GUARD;
                GStatus.casgstatus(reused, G_DEAD, G_RUNNABLE);
                reused.goid = 2;
            });
            Thread s = start(w, () -> result[0] = w.suspendAndResume());
            join(w, g, s);
            int st = readgstatus(w.gp);
            check(st == G_RUNNABLE, "reused G status " + st);
            check(w.stoppedClaims.get() == 0, "a G that never parked was claimed as stopped");
            check(w.rt.globalRunqSize() == 0, "a dead or reused G was readied by the suspender");
            check(!w.gp.preemptStop, "preemptStop left set on the reused G (dead=" + result[0].dead() + ")");
        });
    }

    /**
     * suspendG vs newstack's copystack: the G grows its stack (running ->
     * copystack -> running, install resets the guard and may clobber a
     * preemption request), then runs to its next prologue. The suspender waits
     * out _Gcopystack, re-poisons a clobbered guard, and never sees a stack
     * mid-copy.
     */
    @Test
    void suspendGVsCopystack() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            World w = new World();
            Thread g = start(w, () -> {
                G gp = w.gp;
                boolean preempt = gp.stackguard0 == STACK_PREEMPT;
                if (!preempt) {
                    // newstack's growth path (Stacks.newstack's transitions; the copy itself
                    // is the stacks module's and not interleaved here).
                    GStatus.casgstatus(gp, G_RUNNING, G_COPYSTACK);
                    long oldLo = gp.stackLo;
                    gp.stackLo = oldLo - FIXED_STACK; // torn until stack is set too
                    gp.setStack(w.rt.stackAllocator().stackalloc(null, 2 * FIXED_STACK));
                    gp.sp = gp.stackHi;
                    gp.stackguard0 = gp.stackLo + STACK_GUARD; // NOTE: might clobber a preempt request
                    GStatus.casgstatus(gp, G_COPYSTACK, G_RUNNING);
                }
                w.runUntilPreempted();
            });
            Thread s = start(w, w::suspendAndResume);
            join(w, g, s);
            w.checkStoppedGReadiedOnce(1);
        });
    }

    /**
     * resumeG vs ready: a G parked on a channel (waiting) is suspended in
     * place while its partner readies it. The partner's casgstatus waits out
     * the scan bit; the G is readied exactly once (by the partner, not by
     * resumeG, since the suspender did not stop it).
     */
    @Test
    void resumeGVsReady() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            World w = new World();
            // park_m: running -> waiting, off the M.
            GStatus.casgstatus(w.gp, G_RUNNING, G_WAITING);
            Sched.dropg(w.mp);
            Thread partner = start(w, () -> w.rt.ready(w.gp, true));
            Thread s = start(w, () -> {
                SuspendGState st = w.suspendAndResume();
                check(!st.stopped(), "a waiting G was claimed as stopped");
            });
            join(w, partner, s);
            int st = readgstatus(w.gp);
            check((st & G_SCAN) == 0, "scan bit left");
            check(st == G_RUNNABLE, "status " + st);
            check(w.rt.globalRunqSize() == 1, "G queued " + w.rt.globalRunqSize() + " times");
        });
    }
}
