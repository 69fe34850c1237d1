package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;

import static org.junit.jupiter.api.Assertions.assertThrows;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Interp;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.util.LincheckAnalysisAbortedError;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the status protocol with Lincheck: each test starts two
 * or three plain threads playing the G's own M (preemptPark, goexit0 and
 * reuse, newstack's copystack, park and ready) and suspenders (the real
 * {@link Suspension#suspendG}/{@link Suspension#resumeG}), and Lincheck
 * explores their interleavings at every shared access (sequentially
 * consistent). The G side runs the real Sched/GoroutineStacks/GStatus code on an M
 * object that is not started (the thread is a Lincheck thread, so
 * {@code M.getm()} is null and suspenders are "external" callers). All Ps
 * are taken off pidle ({@link MsAndPs#pidlegetForTest}) so a ready queues the G
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
 *   <li>the G's status does not change while a suspender holds it;</li>
 *   <li>a suspender never sees a stack mid-copy;</li>
 *   <li>with {@code --suspend park}, no wake-up is lost (the model platform
 *       parks without a timeout, so a lost one deadlocks the invocation).</li>
 * </ul>
 * <b>Negative controls</b>: with one protocol piece broken on purpose
 * ({@link SchedConfig#withBroken}, per runtime), the scenario that exercises
 * it must fail, proving these invariants bite.
 * Coverage (invocations explored per scenario) is {@link #INVOCATIONS}; the
 * docs/reliability.md ("Model checking") lists the scenarios.
 */
class SuspendProtocolModelCheckTest {
    /**
     * Interleavings explored per scenario (Lincheck invocations; raise with
     * -Dgcsim.lincheck.invocations for a deeper run). Each costs 20 to 90 ms
     * here (the copystack scenario is the slowest and gets half), so the
     * class stays near 30 s.
     */
    static final int INVOCATIONS = Integer.getInteger("gcsim.lincheck.invocations", 100);

    /**
     * Invocations for a negative control: each broken piece was caught
     * within the first few invocations (35 for the three together); the
     * bound only caps the time if it were not.
     */
    static final int NEGATIVE_INVOCATIONS = 500;

    /** The settings of the model: one P, no sysmon, no signals. */
    private static final SchedConfig BASE = SchedConfig.of(1).withSysmon(false).withAsyncPreempt(false);

    /** One G on one runtime, built fresh per invocation so invocations are independent. */
    private static final class World {
        final Sched rt;
        final P pp;
        final M mp;
        final G gp;
        /** Suspenders holding gp right now (must never exceed 1). */
        final AtomicInteger holders = new AtomicInteger();
        /** Suspensions that reported stopped (claimed gp from _Gpreempted). */
        final AtomicInteger stoppedClaims = new AtomicInteger();
        /** The first failure of a party thread. */
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** The larger stack newstack's growth installs (allocated outside the explored block). */
        final gcsim.stacks.Stack spare;
        /** Set by a suspender when it is done: lets a G that was never asked to stop finish. */
        volatile boolean suspenderDone;

        World() {
            this(BASE);
        }

        World(SchedConfig config) {
            this(new Sched(config));
        }

        World(Sched rt) {
            this.rt = rt;
            this.mp = new M(rt, 1);
            this.spare = rt.stackAllocator().stackalloc(null, 2 * FIXED_STACK);
            P p = rt.mps.pidlegetForTest();
            if (p == null || rt.mps.pidlegetForTest() != null) {
                throw new AssertionError("expected exactly one P");
            }
            pp = p;
            pp.setStatus(P.P_RUNNING);
            mp.p = pp;
            gp = rt.allgs.malg(FIXED_STACK);
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
            int held = readgstatus(gp);
            // A negative control wants the symptom the missing piece lets in, not the
            // missing bit itself, so this direct check is for normal runs only.
            check(!rt.config().broken().isEmpty() || (held & G_SCAN) != 0, "suspendG returned without the scan bit");
            check(holders.incrementAndGet() == 1, "two suspenders hold the G");
            check(gp.stackHi - gp.stackLo == gp.stack.hi() - gp.stack.lo(), "stack seen mid-copy");
            if (st.stopped()) {
                stoppedClaims.incrementAndGet();
            }
            check(readgstatus(gp) == held, "the G changed status while a suspender held it: "
                    + Integer.toHexString(held) + " -> " + Integer.toHexString(readgstatus(gp)));
            holders.decrementAndGet();
            Suspension.resumeG(st);
            return st;
        }

        /** {@link #suspendAndResume}, then lets a G that was not asked to stop finish. */
        SuspendGState suspendResumeAndSignalDone() {
            try {
                return suspendAndResume();
            } finally {
                suspenderDone = true;
            }
        }

        /** The G's M: polls its stack guard at each prologue until a preemption request, then newstack. */
        void runUntilPreempted() {
            while (gp.stackguard0 != STACK_PREEMPT) {
                if (failure.get() != null) {
                    return; // another party failed: report that, not a hang
                }
                Thread.onSpinWait();
            }
            check(!GoroutineStacks.newstack(rt, mp, gp), "newstack with a preemption request continued the G");
        }

            /** {@link #runUntilPreempted}, or returns when {@code done} (nobody asks any more). */
        void runUntilPreemptedOr(java.util.function.BooleanSupplier done) {
            while (gp.stackguard0 != STACK_PREEMPT) {
                if (done.getAsBoolean() && gp.stackguard0 != STACK_PREEMPT || failure.get() != null) {
                    return;
                }
                Thread.onSpinWait();
            }
            check(!GoroutineStacks.newstack(rt, mp, gp), "newstack with a preemption request continued the G");
        }

        /**
         * After all threads joined: no scan bit; either the suspender stopped
         * the G (it is queued once, parked for preemption) or it suspended it
         * in place (it runs on mp, queued nowhere, no request left).
         */
        void checkReadiedOnceIffStopped() {
            if (stoppedClaims.get() == 1) {
                checkStoppedGReadiedOnce(1);
                return;
            }
            int s = readgstatus(gp);
            check(stoppedClaims.get() == 0, "stopped claims " + stoppedClaims.get());
            check(s == G_RUNNING, "G not stopped but status " + Integer.toHexString(s));
            check(mp.curg == gp && gp.m == mp, "G not stopped but off its M");
            check(rt.globalRunqSize() == 0, "a G that was not stopped was readied");
            check(!gp.preemptStop && gp.stackguard0 != STACK_PREEMPT, "a preemption request left on a G nobody waits for");
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

    /**
     * Explores {@code scenario} on {@code w} for {@code invocations}
     * interleavings. The World is built once, before the explored block:
     * Lincheck restores every object that existed before the block to its
     * state at the start after each invocation, so each invocation starts
     * from the same World. Building it inside the block does not work: with
     * malg's stack allocation inside, Lincheck 3.7 explored only 3
     * interleavings per test, whatever the invocation count (measured by
     * printing from the block), and the races below went unexplored.
     * The negative controls guard this: they need a thread switch inside a
     * suspender's hold.
     */
    private static void explore(int invocations, World w, java.util.function.Consumer<World> scenario) {
        Lincheck.runConcurrentTest(invocations, () -> {
            if (System.getenv("GCSIM_LINCHECK_TRACE") != null) {
                System.err.println("lincheck-invocation");
            }
            scenario.accept(w);
        });
    }

    private static void check(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError(what);
        }
    }

    /**
     * Starts a party on a plain thread (Lincheck intercepts Thread.start); any
     * failure (a throw of the runtime, which is an Error, a broken check, any
     * other Throwable) is recorded in w and fails the invocation at
     * {@link #join}. Lincheck's own abort Error passes through.
     */
    private static Thread start(World w, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (LincheckAnalysisAbortedError e) {
                throw e; // Lincheck aborting the thread, not a failure of ours
            } catch (Throwable e) {
                // Every Throwable: the runtime's throws (Throw.fatal) extend Error.
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
        explore(INVOCATIONS, new World(), SuspendProtocolModelCheckTest::preemptPark);
    }

    private static void preemptPark(World w) {
        Thread g = start(w, w::runUntilPreempted);
        Thread s = start(w, w::suspendAndResume);
        join(w, g, s);
        w.checkStoppedGReadiedOnce(1);
        check(w.gp.waitreason == WaitReason.PREEMPTED, "wait reason");
    }

    /**
     * {@code --suspend park} (not Go: the suspender parks on the G instead of
     * spinning) vs preemptPark, on the {@link ModelPlatform}: a clock that
     * never moves and parks without a timeout. The suspender parks on the
     * running G once its request is posted and only the G's side can wake
     * it; a lost wake-up deadlocks the invocation. Every park ends by a
     * wake-up (or a spurious return), never by the safety net.
     */
    @Test
    void suspendGParkVsPreemptPark() {
        explore(INVOCATIONS, new World(new Sched(BASE.withSuspendSleeps(true), new ModelPlatform())), w -> {
            preemptPark(w);
            SuspendWaitCounters st = w.rt.suspendWaitCounters;
            check(st.parkTimeouts.sum() == 0, "a park ended by its safety net: " + st.parkTimeouts.sum());
        });
    }

    /**
     * suspendG vs a G entering and leaving a system call (entersyscall,
     * exitsyscall's fast path), then running on until asked to stop. The
     * suspender claims the G in place in _Gsyscall (exitsyscall's casgstatus
     * waits out the scan bit, and a G in a syscall is never "stopped") or
     * stops it at its next prologue; a request posted before the syscall
     * survives it (exitsyscall restores the poisoned guard from gp.preempt).
     */
    @Test
    void suspendGVsSyscall() {
        explore(INVOCATIONS, new World(), w -> {
            Thread g = start(w, () -> {
                w.gp.pc = 0;
                w.rt.syscalls.entersyscall(w.mp, w.gp);
                check(w.rt.syscalls.exitsyscall(w.mp, w.gp), "exitsyscall lost its P (nobody retakes it here)");
                w.runUntilPreemptedOr(() -> w.suspenderDone);
            });
            Thread s = start(w, w::suspendResumeAndSignalDone);
            join(w, g, s);
            w.checkReadiedOnceIffStopped();
        });
    }

    /**
     * suspendG vs asynchronous preemption: the G is in a tight loop with no
     * prologue (no synchronous safe point); only the "signal" suspendG sends
     * (preemptM) stops it. The G's handler is the interpreter's
     * ({@link Interp}'s signal, mirrored here: wantAsyncPreempt and
     * canPreemptM, acknowledge with preemptGen, then the real
     * {@link Mcall#asyncPreempt2}). The suspender claims the preempted G and
     * readies it once.
     */
    @Test
    void suspendGVsAsyncPreempt() {
        explore(INVOCATIONS, new World(BASE.withAsyncPreempt(true)), w -> {
            Thread g = start(w, () -> {
                for (;;) {
                    if (w.mp.signalPending == 0) {
                        if (w.failure.get() != null) {
                            return;
                        }
                        Thread.onSpinWait();
                        continue;
                    }
                    // signal_unix.go doSigPreempt, as Interp.signal does it.
                    boolean inject = Suspension.wantAsyncPreempt(w.gp) && Suspension.canPreemptM(w.mp);
                    w.mp.preemptGen++;
                    w.mp.signalPending = 0;
                    if (!inject) {
                        w.gp.wakeSuspender();
                        continue;
                    }
                    w.rt.mcall.asyncPreempt2(w.mp, w.gp);
                    return;
                }
            });
            Thread s = start(w, w::suspendAndResume);
            join(w, g, s);
            w.checkStoppedGReadiedOnce(1);
            check(w.gp.asyncSafePoint, "the G did not stop at an async safe point");
            check(w.mp.signalPending == 0 && w.mp.preemptGen >= 1, "signal not acknowledged");
        });
    }

    /** Two suspenders vs one G: mutual exclusion, and exactly one of them claims and readies it. */
    @Test
    void twoSuspendersVsOneG() {
        explore(INVOCATIONS, new World(), w -> {
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
        explore(INVOCATIONS, new World(), w -> {
            SuspendGState[] result = new SuspendGState[1];
            Thread g = start(w, () -> {
                w.rt.mcall.goexit0(w.mp, w.gp);
                // newproc1's reuse path: gfget, then _Gdead -> _Grunnable with a new goid.
                G reused = w.rt.gfree.gfget(w.pp);
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
        explore(INVOCATIONS / 2, new World(), SuspendProtocolModelCheckTest::copystack);
    }

    private static void copystack(World w) {
        {
            Thread g = start(w, () -> {
                G gp = w.gp;
                boolean preempt = gp.stackguard0 == STACK_PREEMPT;
                if (!preempt) {
                    // newstack's growth path (GoroutineStacks.newstack's transitions; the copy itself
                    // is the stacks module's and not interleaved here).
                    GStatus.casgstatus(gp, G_RUNNING, G_COPYSTACK);
                    long oldLo = gp.stackLo;
                    gp.stackLo = oldLo - FIXED_STACK; // torn until stack is set too
                    gp.setStack(w.spare); // allocated before exploring (see explore)
                    gp.sp = gp.stackHi;
                    gp.stackguard0 = gp.stackLo + STACK_GUARD; // NOTE: might clobber a preempt request
                    GStatus.casgstatus(gp, G_COPYSTACK, G_RUNNING);
                }
                w.runUntilPreempted();
            });
            Thread s = start(w, w::suspendAndResume);
            join(w, g, s);
            w.checkStoppedGReadiedOnce(1);
        }
    }

    /**
     * resumeG vs ready: a G parked on a channel (waiting) is suspended in
     * place while its partner readies it. The partner's casgstatus waits out
     * the scan bit; the G is readied exactly once (by the partner, not by
     * resumeG, since the suspender did not stop it).
     */
    @Test
    void resumeGVsReady() {
        explore(INVOCATIONS, new World(), SuspendProtocolModelCheckTest::resumeVsReady);
    }

    private static void resumeVsReady(World w) {
        {
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
        }
    }

    // ---- negative controls: a broken piece must make its scenario fail ----

    /** The failure is one of ours (an invariant or a runtime throw), not a hang Lincheck reported. */
    private static void assertPartyFailed(AssertionError e) {
        String m = String.valueOf(e.getMessage());
        if (!m.contains("a party failed")) {
            throw new AssertionError("the broken piece was not caught by an invariant: " + m, e);
        }
    }

    private static SchedConfig broken(ProtocolPiece piece) {
        return BASE.withBroken(EnumSet.of(piece));
    }

    /**
     * --break copystack-wait: suspendG proceeds on a G in _Gcopystack, so the
     * suspender holds a G whose stack is being copied (torn, or changing
     * status under it, or resumeG finds no scan bit). The copystack scenario
     * must fail.
     */
    @Test
    void brokenCopystackWaitIsCaught() {
        AssertionError e = assertThrows(AssertionError.class, () -> explore(NEGATIVE_INVOCATIONS,
                new World(broken(ProtocolPiece.COPYSTACK_WAIT)), SuspendProtocolModelCheckTest::copystack));
        assertPartyFailed(e);
    }

    /**
     * --break resume-stopped-only: resumeG readies a G it did not stop; the
     * channel partner's ready and resumeG's then both ready the G ("bad
     * g->status in ready", or the G queued twice). The resumeG-vs-ready
     * scenario must fail.
     */
    @Test
    void brokenResumeStoppedOnlyIsCaught() {
        AssertionError e = assertThrows(AssertionError.class, () -> explore(NEGATIVE_INVOCATIONS,
                new World(broken(ProtocolPiece.RESUME_STOPPED_ONLY)), SuspendProtocolModelCheckTest::resumeVsReady));
        assertPartyFailed(e);
    }

    /**
     * --break scan-bit: suspendG claims a waiting G without the scan bit, so
     * the partner readies it while the suspender holds it (the status changes
     * under the holder). The resumeG-vs-ready scenario must fail.
     */
    @Test
    void brokenScanBitIsCaught() {
        AssertionError e = assertThrows(AssertionError.class, () -> explore(NEGATIVE_INVOCATIONS,
                new World(broken(ProtocolPiece.SCAN_BIT)), SuspendProtocolModelCheckTest::resumeVsReady));
        assertPartyFailed(e);
    }
}
