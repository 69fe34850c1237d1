package gcsim.goroutines;

import static gcsim.stacks.StackConstants.STACK_PREEMPT;

import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;

/**
 * Preemption requests to the Gs running on Ps (proc.go's {@code preemptone}
 * and {@code preemptall}): poison the G's {@code stackguard0} so its next
 * prologue check fails into newstack, and with async preemption also
 * "signal" its M ({@link M#preemptM}). Best effort: the G may leave the P
 * before it sees the request. A request for one particular G (suspendG's) is
 * {@link Suspension}'s.
 *
 * <p><b>Callers and threads.</b> preemptall: {@link StopTheWorld} (the
 * stopper, any thread). preemptone: {@link Sysmon}'s retake, and preemptall.
 * An M never preempts itself. No state of its own: the request lives on the G,
 * its P and its M.
 */
final class Preemption {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    Preemption(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Go's preemptone: asks the G running on pp to stop at its next safe
     * point (poisons stackguard0; with async preemption also "signals" the M).
     * Best effort. Any thread.
     */
    boolean preemptone(P pp) {
        M mp = pp.m;
        if (mp == null || mp == M.getm()) {
            return false;
        }
        G gp = mp.curg;
        if (gp == null) {
            return false;
        }
        gp.preempt = true;
        // Every call in a go routine checks for stack overflow by comparing the
        // current stack pointer to gp->stackguard0. Setting gp->stackguard0 to
        // StackPreempt folds preemption into the normal stack overflow check.
        gp.stackguard0 = STACK_PREEMPT;
        if (sched.config.asyncPreempt()) {
            pp.preempt = true;
            mp.preemptM();
        }
        return true;
    }

    /** Go's preemptall: preemptone on every running P. Any thread (stopTheWorldWithSema). */
    boolean preemptall() {
        boolean res = false;
        for (P pp : sched.allp) {
            if (pp.status() != P.P_RUNNING) {
                continue;
            }
            if (preemptone(pp)) {
                res = true;
            }
        }
        return res;
    }
}
