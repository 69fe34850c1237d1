package gcsim.goroutines;

import gcsim.goroutines.platform.Platform;
import java.util.function.Consumer;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's {@code forEachP} and {@code runSafePointFn} (proc.go) for one {@link Sched}, with
 * {@code sched.safePointFn}, {@code sched.safePointWait} and {@code sched.safePointNote}.
 *
 * <p>forEachP calls fn(p) for every P p when p reaches a GC safe point. If a P is currently
 * executing code, this brings the P to a GC safe point and executes fn on that P (its M, at
 * its next trip through the scheduler). If the P is not executing code (it is idle or in a
 * syscall), this calls fn(p) directly while preventing the P from exiting its state. This does
 * not ensure that fn will run on every CPU executing Go code, but it acts as a global memory
 * barrier. The GC uses it as a "ragged barrier" (gcMarkDone).
 *
 * <p><b>Protocol.</b> Under {@code sched.lock} the caller sets {@link #safePointWait} to the
 * number of Ps it does not run fn for itself, publishes {@link #safePointFn}, sets every such
 * P's {@code runSafePointFn} to 1 and preempts every running P. Whoever clears a P's flag by
 * CAS 1 -> 0 runs fn for it, exactly once, and decrements {@code safePointWait} under
 * {@code sched.lock}; the one that takes it to 0 wakes {@link #safePointNote}. Those are:
 * <ul>
 *   <li>the P's own M at a safe point: {@link #runSafePointFn} at the top of schedule and of
 *       findrunnable, and in entersyscall before the P goes to _Psyscall; findrunnable does not
 *       put a P with the flag set on the idle list (it starts over);
 *   <li>the caller, for every P on the idle list (which cannot change while it holds
 *       {@code sched.lock});
 *   <li>handoffp ({@link #runSafePointFnLocked}), for a P in _Psyscall the caller took by CAS
 *       to _Pidle and handed off (or one sysmon retook): there, on the thread that hands it
 *       off, unless handoffp starts an M for it, whose schedule then runs it.
 * </ul>
 * Go's rule: the flag is checked on every transition into _Pidle or _Psyscall, so that a P
 * cannot move there just after the caller saw it running and be missed by both sides.
 * The caller then sleeps on the note, re-preempting every 100 µs, and checks Go's invariants
 * ("forEachP: not done", "forEachP: P did not run fn").
 *
 * <p><b>Callers and threads.</b> {@link #forEachP}: gc-mark's gcMarkDone through
 * {@code GcSupport.forEachP}, or a test; any thread not running a user G. In Go the caller
 * holds worldsema and runs on the system stack of an M with a P, and fn runs for its own P
 * directly. Deliberate differences: the collector's coordinator that calls it here has no P
 * (it is not an M), so every P is waited for ({@code safePointWait = gomaxprocs}); and the
 * worldsema Go's caller holds is, here, the goroutine-level {@link WorldSema}, which gc-mark's
 * cycle thread holds around the coordinator's phases (through concurrent mark until go1.14), while
 * {@link StopTheWorld}'s own semaphore is taken per stop, so forEachP takes that one itself for
 * the call (free then: every stopper takes the WorldSema first). A caller
 * without an M counts as an external M for checkdead meanwhile (see {@link Liveness}), as a
 * non-M stopper of the world does. fn runs on an M (the P's owner, with the P held), or on
 * the caller or a handoffp caller while the P is idle or in transition, never on two threads
 * for the same P at once. Every wait goes through the {@link gcsim.goroutines.platform.Platform}.
 */
final class ForEachP {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched s;

    /** Go's sched.safePointFn: set and cleared under sched.lock; read by whoever claims a P's flag. */
    private volatile @Nullable Consumer<P> safePointFn;
    /** Go's sched.safePointWait: Ps that have yet to run fn. Guarded by {@code sched.lock}. */
    int safePointWait;
    /** Go's sched.safePointNote: woken by whoever takes {@link #safePointWait} to zero. */
    final Note safePointNote;

    /**
     * Test seam for fault injection: run by the forEachP caller after the wait, just before
     * Go's final checks, so a test can leave the state those checks look at broken. Null in
     * production (one volatile read per forEachP). Set with {@link #setChecksHookForTest}.
     */
    private volatile @Nullable Runnable checksHookForTest;

    ForEachP(@UnderInitialization Sched s, Platform platform) {
        this.s = s;
        this.safePointNote = new Note(platform);
    }

    /** Tests only: installs (null removes) {@link #checksHookForTest}. The test thread. */
    void setChecksHookForTest(@Nullable Runnable hook) {
        checksHookForTest = hook;
    }

    /**
     * Go's forEachP: calls {@code fn(p)} for every P when it reaches a safe point (see the class
     * comment); returns once every P has run it. Takes worldsema for the call (deliberate: see
     * the class comment). Any thread; on an M, its current G is the caller.
     *
     * <p>From go1.22 ({@link GoVersion#forEachPWaiting()}, ff7cf2d4cd) this is Go's wrapper around
     * forEachPInternal: "Mark the user stack as preemptible so that it may be scanned by the GC or
     * observed by the execution tracer. Otherwise, our attempt to force all P's to a safepoint
     * could result in a deadlock as we attempt to preempt a goroutine that's trying to preempt us
     * (e.g. for a stack scan)." The caller's G is _Gwaiting with {@code reason} from before the
     * Ps are asked until every P has run fn; it must not touch its stack meanwhile (a scan may
     * shrink it). Before go1.22 the caller stays _Grunning and {@code reason} is unused.
     */
    void forEachP(WaitReason reason, Consumer<P> fn) {
        M mp = M.getm();
        G caller = mp != null && s.config.goVersion().forEachPWaiting() ? mp.curg : null;
        if (caller != null) {
            GStatus.casGToWaitingForSuspendG(caller, GStatus.G_RUNNING, reason);
        }
        forEachPInternal(mp, fn);
        if (caller != null) {
            // No finally: a throw is fatal and leaves the G as it is, as Go's throw does.
            GStatus.casgstatus(caller, GStatus.G_WAITING, GStatus.G_RUNNING);
        }
    }

    /** Go's forEachPInternal, with gcsim's inner worldsema (see the class comment). */
    private void forEachPInternal(@Nullable M mp, Consumer<P> fn) {
        s.platform.acquire(s.stw.worldsema);
        if (mp == null) {
            s.liveness.enterExternal();
        } else {
            mp.locks++; // acquirem
        }
        try {
            forEachPWithSema(mp, fn);
        } finally {
            if (mp == null) {
                s.liveness.exitExternal();
            } else {
                mp.locks--; // releasem
            }
            s.stw.worldsema.release();
        }
    }

    private void forEachPWithSema(@Nullable M mp, Consumer<P> fn) {
        P own = mp == null ? null : mp.p;
        boolean wait;
        s.platform.lock(s.lock);
        try {
            if (safePointWait != 0) {
                throw Throw.fatal("forEachP: sched.safePointWait != 0");
            }
            // Deliberate: Go's caller always has a P and runs fn for it below (gomaxprocs - 1).
            safePointWait = own == null ? s.gomaxprocs : s.gomaxprocs - 1;
            safePointFn = fn;
            // Ask all Ps to run the safe point function.
            for (P p : s.allp) {
                if (p != own) {
                    p.setRunSafePointFn(1);
                }
            }
            s.preemption.preemptall();
            // Any P entering _Pidle or _Psyscall from now on will observe runSafePointFn == 1
            // and will call runSafePointFn when changing its status to _Pidle/_Psyscall.

            // Run safe point function for all idle Ps. sched.pidle will not change because
            // we hold sched.lock.
            for (P p = s.mps.pidleHead(); p != null; p = p.link) {
                if (p.claimSafePointFn()) {
                    fn.accept(p);
                    safePointWait--;
                }
            }
            wait = safePointWait > 0;
        } finally {
            s.lock.unlock();
        }
        // Run fn for the current P.
        if (own != null) {
            fn.accept(own);
        }
        // Force Ps currently in _Psyscall into _Pidle and hand them off to induce safe point
        // function execution.
        for (P p : s.allp) {
            if (p.status() == P.P_SYSCALL && p.wantsSafePointFn() && p.casStatus(P.P_SYSCALL, P.P_IDLE)) {
                p.syscalltick++;
                s.mps.handoffp(p);
            }
        }
        // Wait for remaining Ps to run fn.
        if (wait) {
            for (;;) {
                // Wait for 100us, then try to re-preempt in case of any races.
                if (safePointNote.tsleep(100_000)) {
                    safePointNote.clear();
                    break;
                }
                if (s.exiting) {
                    // gcsim: as stopTheWorld's; the Ms that were to run fn are gone.
                    throw Throw.fatal("forEachP: process exited");
                }
                s.preemption.preemptall();
            }
        }
        Runnable hook = checksHookForTest;
        if (hook != null) {
            hook.run();
        }
        checkDone();
        s.platform.lock(s.lock);
        try {
            safePointFn = null;
        } finally {
            s.lock.unlock();
        }
    }

    /** forEachP's closing checks, Go's throws. The caller, after the wait. */
    private void checkDone() {
        int left;
        s.platform.lock(s.lock);
        try {
            left = safePointWait; // Go reads it after notetsleep; the lock gives Java the same order
        } finally {
            s.lock.unlock();
        }
        if (left != 0) {
            throw Throw.fatal("forEachP: not done");
        }
        for (P p : s.allp) {
            if (p.wantsSafePointFn()) {
                throw Throw.fatal("forEachP: P did not run fn");
            }
        }
    }

    /**
     * Go's runSafePointFn: runs the safe point function, if any, for pp. Called as
     * {@code if (pp.wantsSafePointFn()) runSafePointFn(pp)} by pp's M, holding pp, at the top
     * of schedule and findrunnable and in entersyscall before pp goes to _Psyscall.
     */
    void runSafePointFn(P pp) {
        // Resolve the race between forEachP running the safe-point function on this P's behalf
        // and this P running the safe-point function directly.
        if (!pp.claimSafePointFn()) {
            return;
        }
        fnOrThrow().accept(pp);
        s.platform.lock(s.lock);
        try {
            done();
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * handoffp's part (Go inlines it there): with {@code sched.lock} held, runs the safe point
     * function for pp (idle, being handed off) if it still has to.
     */
    void runSafePointFnLocked(P pp) {
        if (pp.wantsSafePointFn() && pp.claimSafePointFn()) {
            fnOrThrow().accept(pp);
            done();
        }
    }

    /** One P done. Holds sched.lock. */
    private void done() {
        if (--safePointWait == 0) {
            safePointNote.wakeup();
        }
    }

    /** The published fn: a P whose flag was set always finds it (set before the flags, under the lock). */
    private Consumer<P> fnOrThrow() {
        Consumer<P> fn = safePointFn;
        if (fn == null) {
            throw Throw.fatal("runSafePointFn: no sched.safePointFn"); // gcsim's own check; Go would crash on nil
        }
        return fn;
    }
}
