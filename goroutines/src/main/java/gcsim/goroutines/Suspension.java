package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_COPYSTACK;
import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_PREEMPTED;
import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_SCANRUNNING;
import static gcsim.goroutines.GStatus.G_SYSCALL;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.casGFromPreempted;
import static gcsim.goroutines.GStatus.casfromGscanstatus;
import static gcsim.goroutines.GStatus.castogscanstatus;
import static gcsim.goroutines.GStatus.readgstatus;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;

import gcsim.goroutines.internal.GcGoroutine;
import gcsim.goroutines.platform.Platform;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Goroutine suspension: go1.14's preempt.go (Go commit 3f834114: {@code suspendG},
 * {@code resumeG}, {@code suspendGState}, {@code canPreemptM}), step for step.
 *
 * <p>suspendG drives a goroutine to a safe point and returns with the scan bit
 * held, which gives the caller read access to the G's stack until resumeG.
 * Several callers may suspend the same G at once: the scan bit serialises
 * them (the current implementation grants exclusive access; don't depend on
 * it). The caller must not be running a user G itself (Go's "system stack"
 * requirement): otherwise two goroutines suspending each other deadlock.
 *
 * <p><b>Waiting</b> ({@link SchedConfig#suspendSleeps()}): {@code spin} is
 * Go's loop. {@code park} (deliberately not Go) parks the suspender on the G
 * and is woken by the G's side; see {@link #parkUntilStatusChanges} for why
 * no wake-up is lost. Both count into {@link SuspendWaitCounters}.
 *
 * <p><b>Two-phase stack scan</b> (gcsim's answer to mgcmark.go's TODO):
 * {@link #trySuspendG} (never waits) and {@link #requestSelfScan}
 * (the collector's, through {@link GcGoroutine#requestSelfScan}).
 */
public final class Suspension {
    private Suspension() {}


    /** See https://golang.org/cl/21503 for justification of the yield delay (10 µs). */
    static final long YIELD_DELAY = 10 * 1000;

    /**
     * Go's suspendGState: the result of {@link #suspendG}.
     *
     * @param g       the suspended G (null when dead)
     * @param dead    the G was dead and not suspended; it may have been reused
     *                since, so the caller must not assume it remains dead
     * @param stopped this suspendG moved the G to _Gwaiting via preemptStop and
     *                so is responsible for readying it in resumeG
     */
    public record SuspendGState(@Nullable G g, boolean dead, boolean stopped) {}

    private static final SuspendGState DEAD = new SuspendGState(null, true, false);

    /**
     * Go's suspendG: suspends gp at a safe point and returns its state; the
     * caller then owns gp's stack until {@link #resumeG}. Blocks (spinning,
     * then yielding) until gp reaches a safe point. Callable from any thread
     * whose own M (if it is one) is not running a user G.
     */
    public static SuspendGState suspendG(G gp) {
        M self = M.getm();
        G cur = self == null ? null : self.curg;
        if (cur != null && readgstatus(cur) == G_RUNNING) {
            // Since we're on the system stack of this M, the user G is stuck at an
            // unsafe point. If another goroutine were to try to preempt m.curg, it
            // could deadlock.
            throw Throw.fatal("suspendG from non-preemptible goroutine");
        }
        Sched rt = gp.rt;
        if (self == null) {
            rt.liveness.enterExternal();
        }
        boolean done = false;
        RuntimeEvents ev = rt.events;
        long begin = 0;
        if (ev != RuntimeEvents.NONE) {
            ev.suspendBegin(gp);
            begin = rt.platform.nanoTime();
        }
        try {
            SuspendGState st = suspendLoop(gp);
            done = !st.dead();
            if (ev != RuntimeEvents.NONE) {
                ev.suspendEnd(gp, st.dead(), st.stopped(), rt.platform.nanoTime() - begin);
            }
            return st;
        } finally {
            if (self == null && !done) {
                rt.liveness.exitExternal();
            }
        }
    }

    /**
     * suspendG's state across the rounds of its loop, one per call: the
     * asynchronous-preemption bookkeeping Go keeps in suspendG's locals and the
     * suspender's wait accounting (for {@link SuspendWaitCounters}).
     */
    private static final class Loop {
        final SuspendWaitCounters stats;
        final Platform pl;
        final boolean park;
        long waitStart = -1; // nanoTime when this call first had to wait
        long idleNanos = 0; // of the wait, time parked or given away in osyield
        long nextYield = 0;
        boolean stopped = false;
        @Nullable M asyncM = null;
        int asyncGen = 0;
        long nextPreemptM = 0;

        Loop(G gp) {
            this.stats = gp.rt.suspendWaitCounters;
            this.pl = gp.rt.platform;
            this.park = gp.rt.config.suspendSleeps();
        }

        /** Charges this call's wait (see {@link Suspension#chargeWait}) before it returns st. */
        SuspendGState done(SuspendGState st) {
            chargeWait(pl, stats, waitStart, idleNanos);
            return st;
        }
    }

    /** suspendG's loop: one round per status read, until gp is claimed at a safe point or found dead. */
    private static SuspendGState suspendLoop(G gp) {
        Loop l = new Loop(gp);
        // Drive the goroutine to a preemption point.
        for (int i = 0; ; i++) {
            // park strategy: how long to sleep if this round has to wait (see parkUntilStatusChanges).
            long parkNanos = PARK_SAFETY_NET;
            int s = readgstatus(gp);
            // Between suspendG's read of the status and what it does on it (a CAS that
            // claims gp, a preemption request): gp may move on meanwhile, and the CAS fail.
            l.pl.schedulingPoint("suspendG: status read, not acted on");
            switch (s) {
                case G_DEAD -> {
                    // Nothing to suspend.
                    //
                    // preemptStop may need to be cleared, but doing that here could race
                    // with goroutine reuse. Instead, goexit0 clears it.
                    return l.done(DEAD);
                }
                case G_COPYSTACK -> {
                    // The stack is being copied. We need to wait until this is done.
                    if (gp.rt.broken(ProtocolPiece.COPYSTACK_WAIT)) {
                        // --break copystack-wait (never Go): proceed as if the G were at a
                        // safe point. No scan bit can be taken from _Gcopystack
                        // (castogscanstatus throws), so the caller gets a G it does not hold,
                        // whose stack newstack is copying right now; scanstack's
                        // "scanstack - bad status" or resumeG's "unexpected g status" is
                        // Go's own catch, a torn stack the model checker's.
                        return l.done(new SuspendGState(gp, false, false));
                    }
                }
                case G_PREEMPTED, G_RUNNABLE, G_SYSCALL, G_WAITING -> {
                    if (s == G_PREEMPTED) {
                        // We (or someone else) suspended the G. Claim ownership of it by
                        // transitioning it to _Gwaiting.
                        if (!casGFromPreempted(gp, G_PREEMPTED, G_WAITING)) {
                            break;
                        }
                        // We stopped the G, so we have to ready it later.
                        l.stopped = true;
                        s = G_WAITING;
                    }
                    SuspendGState st = lockInSafePoint(gp, s, l.stopped);
                    if (st == null) {
                        break;
                    }
                    return l.done(st);
                }
                case G_RUNNING -> parkNanos = requestPreemption(gp, l);
                default -> {
                    if ((s & G_SCAN) != 0) {
                        // Someone else is suspending it. Wait for them to finish.
                        break;
                    }
                    throw Throw.fatal(GStatus.dumpgstatus(gp), "invalid g status");
                }
            }
            java.util.function.ObjIntConsumer<G> hook = gp.rt.suspendWaitHookForTest; // test seam, per runtime
            if (hook != null) {
                hook.accept(gp, s);
            }
            waitRound(gp, l, i, s, parkNanos);
        }
    }

    /**
     * suspendG's {@code case _Grunning}: posts a preemption request on running
     * gp (synchronous, and asynchronous when enabled and not already sent to
     * this M at this preemptGen) under scan|running. Returns how long a parking
     * suspender may sleep before it must resend ({@link #PARK_SAFETY_NET}
     * unless the preemptM rate limit says sooner).
     */
    private static long requestPreemption(G gp, Loop l) {
        // Optimization: if there is already a pending preemption request (from
        // the previous loop iteration), don't bother with the atomics.
        M gm = gp.m;
        M asyncM = l.asyncM;
        if (gp.preemptStop && gp.preempt && gp.stackguard0 == STACK_PREEMPT
                && asyncM == gm && asyncM != null && asyncM.preemptGen == l.asyncGen) {
            return PARK_SAFETY_NET;
        }
        // Temporarily block state transitions.
        if (!castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)) {
            return PARK_SAFETY_NET;
        }
        // Request synchronous preemption.
        gp.preemptStop = true;
        gp.preempt = true;
        gp.stackguard0 = STACK_PREEMPT;
        // Prepare for asynchronous preemption.
        M asyncM2 = gp.m;
        int asyncGen2 = asyncM2 == null ? 0 : asyncM2.preemptGen;
        boolean needAsync = asyncM != asyncM2 || l.asyncGen != asyncGen2;
        l.asyncM = asyncM2;
        l.asyncGen = asyncGen2;
        casfromGscanstatus(gp, G_SCANRUNNING, G_RUNNING);
        // Send asynchronous preemption. We do this after CASing the G back to
        // _Grunning because preemptM may be synchronous and we don't want to
        // catch the G just spinning on its status.
        if (gp.rt.config.asyncPreempt() && needAsync && asyncM2 != null) {
            // Rate limit preemptM calls. This is particularly important on
            // Windows, where preemptM is actually synchronous and the spin
            // loop here can lead to live-lock.
            long now = l.pl.nanoTime();
            if (now >= l.nextPreemptM) {
                l.nextPreemptM = now + YIELD_DELAY / 2;
                asyncM2.preemptM();
            } else {
                // park: nobody will wake us to resend; sleep only until we may.
                return l.nextPreemptM - now;
            }
        }
        return PARK_SAFETY_NET;
    }

    /**
     * The end of one round of suspendG's loop that could not claim gp (round i,
     * status s seen): spin (procyield), osyield, or with {@code --suspend park}
     * sleep on gp for at most parkNanos; accounts the wait.
     */
    private static void waitRound(G gp, Loop l, int i, int s, long parkNanos) {
        Platform pl = l.pl;
        SuspendWaitCounters stats = l.stats;
        if (i == 0) {
            l.nextYield = pl.nanoTime() + YIELD_DELAY;
            l.waitStart = pl.nanoTime();
            stats.waitingCalls.increment();
        }
        if (gp.rt.exiting) {
            throw Throw.fatal("suspendG: process exited");
        }
        if (l.park && (s == G_RUNNING || s == G_COPYSTACK || (s & G_SCAN) != 0)) {
            // Go's TODO: "Don't busy wait. This loop should really only be a simple
            // read/CAS of the status." --suspend park does that.
            long p0 = pl.nanoTime();
            parkUntilStatusChanges(gp, s, parkNanos, stats);
            l.idleNanos += pl.nanoTime() - p0;
        } else if (l.park) {
            // A CAS on a G at a safe point lost a race (it may be back in s by now:
            // ABA, nothing would wake us): retry at once, not counted as waiting.
            procyield(pl, 10);
        } else if (pl.nanoTime() < l.nextYield) {
            procyield(pl, 10);
            stats.spins.increment();
        } else {
            long y0 = pl.nanoTime();
            pl.yield(); // osyield
            stats.spins.increment();
            l.nextYield = pl.nanoTime();
            l.idleNanos += l.nextYield - y0;
            l.nextYield += YIELD_DELAY / 2;
        }
    }

    /**
     * The second half of suspendG's claim of a G at a safe point in status s
     * (not running; a preempted G already moved to waiting): take the scan bit
     * and clear the preemption request. Null when the CAS lost.
     */
    private static @Nullable SuspendGState lockInSafePoint(G gp, int s, boolean stopped) {
        // Claim goroutine by setting scan bit. This may race with execution or
        // readying of gp. The scan bit keeps it from transition state.
        //
        // --break scan-bit (never Go): the claim is a plain read of the status, so the
        // stack is read without the _Gscan bit and gp may be readied, run, grow its
        // stack or be claimed by a second suspender while the caller scans it.
        if (!gp.rt.broken(ProtocolPiece.SCAN_BIT) && !castogscanstatus(gp, s, s | G_SCAN)) {
            return null;
        }
        // Clear the preemption request. It's safe to reset the stack guard
        // because we hold the _Gscan bit and thus own the stack.
        gp.preemptStop = false;
        gp.preempt = false;
        gp.stackguard0 = gp.stackLo + STACK_GUARD;
        // The goroutine was already at a safe-point and we've now locked that in.
        return new SuspendGState(gp, false, stopped);
    }

    /**
     * Charges the suspender's busy time of one waiting call: the wall time of
     * the wait minus the time it was parked or gave the CPU away in osyield.
     * Deliberately an estimate from the platform clock (System.nanoTime) rather than the thread's
     * CPU clock: ThreadMXBean.getCurrentThreadCpuTime costs about 1.5 µs per
     * call on these machines, which would add 3 µs to every suspension it
     * measures.
     */
    private static void chargeWait(Platform pl, SuspendWaitCounters stats, long waitStart, long idleNanos) {
        if (waitStart >= 0) {
            stats.waitCpuNanos.add(Math.max(0, pl.nanoTime() - waitStart - idleNanos));
        }
    }

    /**
     * The park strategy's longest sleep without a wakeup: a safety net only.
     * Every transition of gp's status and every signal its M handles without
     * stopping wakes parked suspenders (publish-then-recheck below), so with a
     * G that moves, parks end by wakeup; {@link SuspendWaitCounters#parkTimeouts}
     * counts the others (a G that never reaches a safe point: a tight loop
     * under {@code --preempt cooperative}). 10 ms is Go's forcePreemptNS.
     */
    static final long PARK_SAFETY_NET = 10_000_000L;

    /**
     * A suspender parked on a G (the park strategy). {@link #woken} is set by
     * the G's side before it unparks {@link #thread}, so a spurious return
     * from park is told apart from a wakeup.
     */
    static final class Waiter {
        final Thread thread = Thread.currentThread();
        final Platform platform;
        volatile boolean woken;
        @Nullable Waiter next;

        Waiter(Platform platform) {
            this.platform = platform;
        }

        /** Called by whoever changed the G's status (or the G's M after a signal), after unlinking this waiter. */
        void wake() {
            woken = true;
            platform.unpark(thread);
        }
    }

    /**
     * The park strategy (go1.14's suspendG TODO "Don't busy wait"; deliberately not
     * Go, which spins then osyields): sleeps until gp's status is no longer s
     * or gp's M handled a signal, or {@code maxNanos} passed. Dekker-style: the
     * waiter is published (a volatile count on gp) before the status is read
     * again, and every status CAS reads that count after writing the status,
     * so either we see the new status or the G sees us and wakes us: no lost
     * wake-up. Any number of suspenders may park on one G at once.
     */
    private static void parkUntilStatusChanges(G gp, int s, long maxNanos, SuspendWaitCounters stats) {
        Platform pl = gp.rt.platform;
        Waiter w = new Waiter(pl);
        gp.addSuspendWaiter(w);
        // A running G is only worth sleeping on while a preemption request is posted:
        // the status may have gone away and come back to _Grunning (ABA) with the
        // request cleared by another suspender or by execute, and then nothing would
        // move the G. Whoever clears stackguard0 of a running G wakes us.
        if (readgstatus(gp) != s || s == G_RUNNING && gp.stackguard0 != STACK_PREEMPT) {
            gp.removeSuspendWaiter(w);
            return;
        }
        stats.parks.increment();
        long deadline = pl.nanoTime() + maxNanos;
        while (!w.woken) {
            long left = deadline - pl.nanoTime();
            if (left <= 0 || gp.rt.exiting) {
                gp.removeSuspendWaiter(w);
                if (!w.woken && maxNanos == PARK_SAFETY_NET) {
                    stats.parkTimeouts.increment();
                }
                return;
            }
            pl.parkNanos(gp, left);
        }
        // Counted by the parker, so parks == wakeups + parkTimeouts (+ rate-limit and exit ends).
        stats.wakeups.increment();
    }

    /**
     * A non-blocking suspendG for {@code --stack-scan two-phase}: claims gp
     * only if it is already at a safe point (dead, preempted, runnable,
     * waiting, in a syscall) and returns as {@link #suspendG} would; returns
     * null, without asking anything of gp, when gp is running, copying its
     * stack or held by another suspender. Same callers and ownership as
     * suspendG; a non-null, non-dead result must be passed to {@link #resumeG}.
     */
    public static @Nullable SuspendGState trySuspendG(G gp) {
        M self = M.getm();
        G cur = self == null ? null : self.curg;
        if (cur != null && readgstatus(cur) == G_RUNNING) {
            throw Throw.fatal("suspendG from non-preemptible goroutine");
        }
        Sched rt = gp.rt;
        if (self == null) {
            rt.liveness.enterExternal();
        }
        SuspendGState st = tryClaim(gp);
        if (self == null && (st == null || st.dead())) {
            rt.liveness.exitExternal();
        }
        return st;
    }

    private static @Nullable SuspendGState tryClaim(G gp) {
        boolean stopped = false;
        for (;;) {
            int s = readgstatus(gp);
            switch (s) {
                case G_DEAD -> {
                    return DEAD;
                }
                case G_PREEMPTED, G_RUNNABLE, G_SYSCALL, G_WAITING -> {
                    if (s == G_PREEMPTED) {
                        if (!casGFromPreempted(gp, G_PREEMPTED, G_WAITING)) {
                            continue;
                        }
                        stopped = true;
                        s = G_WAITING;
                    }
                    SuspendGState st = lockInSafePoint(gp, s, stopped);
                    if (st != null) {
                        return st;
                    }
                }
                default -> {
                    if (!stopped) {
                        return null;
                    }
                    // We own a G we moved out of _Gpreempted: we must finish the claim
                    // (another suspender holds its scan bit for a moment).
                    procyield(gp.rt.platform, 10);
                }
            }
        }
    }

    /**
     * {@code --stack-scan two-phase}: asks running gp to scan its own stack at
     * its next safe point (gcsim only; Go's mgcmark.go leaves this as a TODO).
     * Under scan|running, as suspendG's request, it moves gp's scan handshake
     * from IDLE to SELF, poisons stackguard0 with {@code preempt} (not
     * {@code preemptStop}: the G just deschedules afterwards, like
     * gopreempt_m) and, with async preemption on, signals gp's M. Returns
     * false, changing nothing, when gp was not running (the caller tries
     * {@link #trySuspendG} again). Called by a GC worker, through
     * {@link GcGoroutine#requestSelfScan} (exported to gc-mark alone).
     */
    static boolean requestSelfScan(G gp) {
        if (!castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)) {
            return false;
        }
        gp.gc().casScanState(GcGoroutine.GC_SCAN_IDLE, GcGoroutine.GC_SCAN_SELF);
        gp.preempt = true;
        gp.stackguard0 = STACK_PREEMPT;
        M mp = gp.m;
        casfromGscanstatus(gp, G_SCANRUNNING, G_RUNNING);
        if (gp.rt.config.asyncPreempt() && mp != null) {
            mp.preemptM();
        }
        return true;
    }

    /** Go's procyield(n): n spin-wait hints (one pass of the baton in the deterministic mode). */
    static void procyield(Platform pl, int n) {
        if (pl.deterministic()) {
            pl.onSpinWait();
            return;
        }
        for (int k = 0; k < n; k++) {
            pl.onSpinWait();
        }
    }

    /**
     * Go's resumeG: undoes the effects of suspendG, letting the goroutine
     * continue from its safe point; readies it if this suspension stopped it.
     * Called by the thread that called suspendG.
     */
    public static void resumeG(SuspendGState state) {
        if (state.dead()) {
            // We didn't actually stop anything.
            return;
        }
        G gp = state.g();
        if (gp == null) {
            throw Throw.fatal("resumeG: no g");
        }
        int s = readgstatus(gp);
        // --break scan-bit (never Go): suspendG took no scan bit, so there is none to release.
        if (!gp.rt.broken(ProtocolPiece.SCAN_BIT)) {
            switch (s) {
                case G_RUNNABLE | G_SCAN, G_WAITING | G_SCAN, G_SYSCALL | G_SCAN ->
                    casfromGscanstatus(gp, s, s & ~G_SCAN);
                default -> {
                    throw Throw.fatal(GStatus.dumpgstatus(gp), "unexpected g status");
                }
            }
        }
        // --break resume-stopped-only (never Go): ready the G whether or not this
        // suspension stopped it; a G someone else parked (or that was runnable or in a
        // syscall) is then readied twice or from a status ready refuses
        // ("bad g->status in ready").
        if (state.stopped() || gp.rt.broken(ProtocolPiece.RESUME_STOPPED_ONLY)) {
            // We stopped it, so we need to re-schedule it.
            gp.rt.ready(gp, true);
        }
        if (M.getm() == null) {
            gp.rt.liveness.exitExternal();
        }
    }

    /**
     * Go's canPreemptM: whether mp is in a state that is safe to preempt (no
     * runtime locks, not allocating, preemption not disabled, its P running).
     */
    public static boolean canPreemptM(M mp) {
        P pp = mp.p;
        return mp.locks == 0 && mp.mallocing == 0 && mp.preemptoff == null
                && pp != null && pp.status() == P.P_RUNNING;
    }

    /** Go's wantAsyncPreempt: a preemption is queued for gp (on the G or its P). */
    static boolean wantAsyncPreempt(G gp) {
        M mp = gp.m;
        P pp = mp == null ? null : mp.p;
        return (gp.preempt || pp != null && pp.preempt) && (readgstatus(gp) & ~G_SCAN) == G_RUNNING;
    }
}
