package gcsim.goroutines;

import java.util.ArrayDeque;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;

/**
 * Go's {@code sched.disable} and {@code schedEnableUser} (proc.go): while user scheduling is
 * disabled, {@link Sched#schedule} holds every runnable user goroutine aside instead of running
 * it, so only system goroutines (the GC's mark workers) run. The collector disables it for a
 * stop-the-world mode cycle ({@code GODEBUG=gcstoptheworld=1}, gcsim's {@code --mode stw}) from
 * gcStart to gcMarkDone, when the Ps run nothing but dedicated mark workers.
 *
 * <p>State: {@link #user} is Go's {@code sched.disable.user} (read without the lock by
 * schedule's fast check, written under it); {@link #runnable} is {@code sched.disable.runnable}
 * (guarded by {@code sched.lock}). Callers: {@link #setEnabled} the collector's thread, any
 * time; {@link #holdBack} the scheduling M, from schedule.
 */
final class UserScheduling {
    private final @NotOnlyInitialized Sched sched;
    /** Go's sched.disable.user: user goroutines are not scheduled. */
    volatile boolean user;
    /** Go's sched.disable.runnable: the user Gs schedule held back (guarded by sched.lock). */
    private final ArrayDeque<G> runnable = new ArrayDeque<>();

    UserScheduling(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /** Go's schedEnabled: whether gp may be scheduled now. Any thread. */
    boolean schedEnabled(G gp) {
        return !user || gp.systemGoroutine;
    }

    /**
     * Go's schedEnableUser: enables or disables the scheduling of user goroutines. Enabling
     * moves every held-back G to the global run queue and starts Ms for idle Ps to run them.
     * Any thread (the collector's).
     */
    void setEnabled(boolean enable) {
        int n;
        sched.platform.lock(sched.lock);
        try {
            if (user == !enable) {
                return;
            }
            user = !enable;
            if (!enable) {
                return;
            }
            n = runnable.size();
            for (G gp; (gp = runnable.poll()) != null; ) {
                sched.globrunq.globrunqput(gp);
            }
        } finally {
            sched.lock.unlock();
        }
        for (; n != 0 && sched.mps.npidle.get() != 0; n--) {
            sched.mps.startm(null, false);
        }
    }

    /**
     * schedule's check: if user scheduling is disabled and gp is a user G, keeps gp (runnable,
     * on no queue) until it is enabled again and returns true: the caller schedules again.
     * The scheduling M, after it took gp.
     */
    boolean holdBack(G gp) {
        if (schedEnabled(gp)) {
            return false;
        }
        sched.platform.lock(sched.lock);
        try {
            if (schedEnabled(gp)) {
                // Something re-enabled scheduling while we
                // were acquiring the lock.
                return false;
            }
            runnable.add(gp);
            return true;
        } finally {
            sched.lock.unlock();
        }
    }

    /** How many user Gs are held back (Go's sched.disable.n). Any thread; takes sched.lock. */
    int held() {
        sched.platform.lock(sched.lock);
        try {
            return runnable.size();
        } finally {
            sched.lock.unlock();
        }
    }
}
