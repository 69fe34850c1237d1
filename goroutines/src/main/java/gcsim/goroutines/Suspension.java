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

import java.util.concurrent.locks.LockSupport;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Goroutine suspension: the seed's preempt.go ({@code suspendG},
 * {@code resumeG}, {@code suspendGState}, {@code canPreemptM}), step for step.
 *
 * <p>suspendG drives a goroutine to a safe point and returns with the scan bit
 * held, which gives the caller read access to the G's stack until resumeG.
 * Several callers may suspend the same G at once: the scan bit serialises
 * them (the current implementation grants exclusive access; don't depend on
 * it). The caller must not be running a user G itself (Go's "system stack"
 * requirement): otherwise two goroutines suspending each other deadlock.
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
     * Test seam for fault injection (null in production, one volatile read per
     * wait): called by a suspendG caller each time it must wait, with the
     * status it saw (after it posted a preemption request for a running G).
     * A test blocks the suspender here on a latch while the G exits, grows its
     * stack or enters a syscall.
     */
    static volatile java.util.function.@Nullable ObjIntConsumer<G> waitHookForTest;

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
            rt.enterExternal();
        }
        boolean done = false;
        RuntimeEvents ev = rt.events;
        long begin = 0;
        if (ev != RuntimeEvents.NONE) {
            ev.suspendBegin(gp);
            begin = System.nanoTime();
        }
        try {
            SuspendGState st = suspendLoop(gp);
            done = !st.dead();
            if (ev != RuntimeEvents.NONE) {
                ev.suspendEnd(gp, st.dead(), st.stopped(), System.nanoTime() - begin);
            }
            return st;
        } finally {
            if (self == null && !done) {
                rt.exitExternal();
            }
        }
    }

    private static SuspendGState suspendLoop(G gp) {
        long nextYield = 0;
        // Drive the goroutine to a preemption point.
        boolean stopped = false;
        M asyncM = null;
        int asyncGen = 0;
        long nextPreemptM = 0;
        for (int i = 0; ; i++) {
            int s = readgstatus(gp);
            switch (s) {
                case G_DEAD -> {
                    // Nothing to suspend.
                    //
                    // preemptStop may need to be cleared, but doing that here could race
                    // with goroutine reuse. Instead, goexit0 clears it.
                    return DEAD;
                }
                case G_COPYSTACK -> {
                    // The stack is being copied. We need to wait until this is done.
                }
                case G_PREEMPTED, G_RUNNABLE, G_SYSCALL, G_WAITING -> {
                    if (s == G_PREEMPTED) {
                        // We (or someone else) suspended the G. Claim ownership of it by
                        // transitioning it to _Gwaiting.
                        if (!casGFromPreempted(gp, G_PREEMPTED, G_WAITING)) {
                            break;
                        }
                        // We stopped the G, so we have to ready it later.
                        stopped = true;
                        s = G_WAITING;
                    }
                    // Claim goroutine by setting scan bit. This may race with execution or
                    // readying of gp. The scan bit keeps it from transition state.
                    if (!castogscanstatus(gp, s, s | G_SCAN)) {
                        break;
                    }
                    // Clear the preemption request. It's safe to reset the stack guard
                    // because we hold the _Gscan bit and thus own the stack.
                    gp.preemptStop = false;
                    gp.preempt = false;
                    gp.stackguard0 = gp.stackLo + STACK_GUARD;
                    // The goroutine was already at a safe-point and we've now locked that in.
                    return new SuspendGState(gp, false, stopped);
                }
                case G_RUNNING -> {
                    // Optimization: if there is already a pending preemption request (from
                    // the previous loop iteration), don't bother with the atomics.
                    M gm = gp.m;
                    if (gp.preemptStop && gp.preempt && gp.stackguard0 == STACK_PREEMPT
                            && asyncM == gm && asyncM != null && asyncM.preemptGen == asyncGen) {
                        break;
                    }
                    // Temporarily block state transitions.
                    if (!castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)) {
                        break;
                    }
                    // Request synchronous preemption.
                    gp.preemptStop = true;
                    gp.preempt = true;
                    gp.stackguard0 = STACK_PREEMPT;
                    // Prepare for asynchronous preemption.
                    M asyncM2 = gp.m;
                    int asyncGen2 = asyncM2 == null ? 0 : asyncM2.preemptGen;
                    boolean needAsync = asyncM != asyncM2 || asyncGen != asyncGen2;
                    asyncM = asyncM2;
                    asyncGen = asyncGen2;
                    casfromGscanstatus(gp, G_SCANRUNNING, G_RUNNING);
                    // Send asynchronous preemption. We do this after CASing the G back to
                    // _Grunning because preemptM may be synchronous and we don't want to
                    // catch the G just spinning on its status.
                    if (gp.rt.config.asyncPreempt() && needAsync && asyncM != null) {
                        // Rate limit preemptM calls.
                        long now = System.nanoTime();
                        if (now >= nextPreemptM) {
                            nextPreemptM = now + YIELD_DELAY / 2;
                            asyncM.preemptM();
                        }
                    }
                }
                default -> {
                    if ((s & G_SCAN) != 0) {
                        // Someone else is suspending it. Wait for them to finish.
                        break;
                    }
                    throw Throw.fatal(GStatus.dumpgstatus(gp), "invalid g status");
                }
            }
            java.util.function.ObjIntConsumer<G> hook = waitHookForTest;
            if (hook != null) {
                hook.accept(gp, s);
            }
            // Deliberate: Go's TODO says "Don't busy wait"; we keep Go's busy wait.
            if (i == 0) {
                nextYield = System.nanoTime() + YIELD_DELAY;
            }
            if (gp.rt.exiting) {
                throw Throw.fatal("suspendG: process exited");
            }
            if (System.nanoTime() < nextYield) {
                procyield(10);
            } else {
                if (gp.rt.config.suspendSleeps()) {
                    sleepUntilStatusChanges(gp, s);
                } else {
                    Thread.yield(); // osyield
                }
                nextYield = System.nanoTime() + YIELD_DELAY / 2;
            }
        }
    }

    /**
     * Optional difference from Go (the seed's TODO "Don't busy wait"; see
     * {@link SchedConfig#suspendSleeps()}): sleeps until gp's M wakes us after a
     * transition out of status s, or 5 µs pass (so a lost wake-up costs 5 µs).
     */
    private static void sleepUntilStatusChanges(G gp, int s) {
        gp.suspendWaiter = Thread.currentThread();
        if (readgstatus(gp) == s) {
            LockSupport.parkNanos(gp, YIELD_DELAY / 2);
        }
        gp.suspendWaiter = null;
    }

    /** Go's procyield(n): n spin-wait hints. */
    static void procyield(int n) {
        for (int k = 0; k < n; k++) {
            Thread.onSpinWait();
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
        switch (s) {
            case G_RUNNABLE | G_SCAN, G_WAITING | G_SCAN, G_SYSCALL | G_SCAN ->
                casfromGscanstatus(gp, s, s & ~G_SCAN);
            default -> {
                throw Throw.fatal(GStatus.dumpgstatus(gp), "unexpected g status");
            }
        }
        if (state.stopped()) {
            // We stopped it, so we need to re-schedule it.
            gp.rt.ready(gp, true);
        }
        if (M.getm() == null) {
            gp.rt.exitExternal();
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
