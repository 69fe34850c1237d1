package gcsim.goroutines;

import gcsim.goroutines.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Stop-the-world for one {@link Sched} (Go's {@code worldsema},
 * {@code sched.stopwait}, {@code sched.stopnote}, {@code sched.gcwaiting} and
 * stopTheWorld / startTheWorld / stopTheWorldWithSema / startTheWorldWithSema /
 * gcstopm of proc.go).
 *
 * <p><b>Protocol.</b> A stopper takes {@link #worldsema} (callers serialise),
 * then under {@code sched.lock} sets {@link #stopwait} to GOMAXPROCS and
 * {@link #gcwaiting}, asks every running P to preempt, and itself stops its
 * own P, every P in _Psyscall and every idle P, decrementing
 * {@code stopwait} for each. Every other P stops itself at its next
 * scheduling point: its M sees {@code gcwaiting} in schedule / findrunnable
 * ({@link #gcstopm}), in handoffp, or in entersyscall, sets the P _Pgcstop
 * and decrements {@code stopwait} under {@code sched.lock}; whoever takes it
 * to zero wakes {@link #stopnote}. The stopper sleeps on {@code stopnote}
 * (re-preempting every 100us) until then. startTheWorld sets every P idle
 * (or hands a P with work to an M), clears {@code gcwaiting}, and releases
 * {@code worldsema}.
 *
 * <p><b>Invariants.</b> {@code stopwait} is read and written only under
 * {@code sched.lock}; {@code gcwaiting} is written only under
 * {@code sched.lock} and read anywhere (volatile). While the world is
 * stopped every P is _Pgcstop except the stopper's own.
 *
 * <p><b>Callers.</b> {@link Sched#stopTheWorld} / {@link Sched#startTheWorld}
 * (and the ...WithSema forms) delegate here: any thread that is not running a
 * user G (gc-mark's collector, tests; a non-M caller counts as an external M
 * for checkdead while it holds the world). {@link #gcstopm} runs on an M in
 * schedule / findrunnable. Sched's handoffp and entersyscall read and
 * decrement {@code stopwait} directly, under {@code sched.lock}.
 */
final class StopTheWorld {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched s;

    /** Go's worldsema: held by the stopper from stopTheWorld to startTheWorld. */
    final Semaphore worldsema = new Semaphore(1);
    /** Go's sched.stopwait: Ps still to stop. Guarded by {@code sched.lock}. */
    int stopwait;
    /** Set while a stop-the-world is in progress (Go's sched.gcwaiting). */
    volatile boolean gcwaiting;
    /** Go's sched.stopnote: woken by whoever takes {@link #stopwait} to zero. */
    final Note stopnote;

    // The current stop's timing (not Go's: a safepoint log of our own, as HotSpot's). Written by
    // the stopper between taking and releasing worldsema, except lastP/lastM, written under
    // sched.lock by whoever decrements stopwait (the stopper reads them after its stopnote
    // wakeup or under sched.lock, so the lock orders them).
    private long tRequest;
    private long tStopped;
    private int lastP = -1;
    private long lastM = -1;

    StopTheWorld(@UnderInitialization Sched s, Platform platform) {
        this.s = s;
        this.stopnote = new Note(platform);
    }

    /**
     * Go's stopTheWorld: acquires worldsema and stops every P at a safe point.
     * On return only the caller's P (if the caller is an M with one) runs.
     * Callers serialise. Any thread that is not running a user G.
     */
    void stopTheWorld(String reason) {
        s.platform.acquire(worldsema);
        M mp = M.getm();
        if (mp != null) {
            mp.preemptoff = reason;
        } else {
            s.liveness.enterExternal();
        }
        stopTheWorldWithSema();
    }

    /**
     * Go's startTheWorld: undoes {@link #stopTheWorld}. Same thread. Returns the timing of the
     * stop it ends (taken before worldsema is released, so no later stop's).
     */
    WorldStop startTheWorld() {
        WorldStop timing = startTheWorldWithSema();
        M mp = M.getm();
        if (mp != null) {
            mp.preemptoff = null;
        }
        worldsema.release();
        if (mp == null) {
            s.liveness.exitExternal();
        }
        return timing;
    }

    /**
     * Notes that P {@code pp} stopped for this stop, on M {@code mp} (null: a thread that is not
     * an M). Under {@code sched.lock}, by whoever decrements {@link #stopwait}: the last call
     * before the world is stopped names the P (and M) that came last.
     */
    void noteStopped(P pp, @Nullable M mp) {
        lastP = pp.id;
        lastM = mp == null ? -1 : mp.id;
    }

    /** Go's stopTheWorldWithSema. The caller holds worldsema. */
    void stopTheWorldWithSema() {
        M mp = M.getm();
        G stopper = StopperStatus.enter(s, mp); // go1.25: the caller _Gwaiting "stopping the world"
        if (mp != null && mp.locks > 0) {
            throw Throw.fatal("stopTheWorld: holding locks");
        }
        tRequest = s.platform.nanoTime();
        boolean wait;
        s.platform.lock(s.lock);
        try {
            stopwait = s.gomaxprocs;
            gcwaiting = true;
            s.preemption.preemptall();
            P own = mp == null ? null : mp.p;
            lastP = -1;
            lastM = -1;
            if (own != null) {
                own.setStatus(P.P_GCSTOP); // Pgcstop is only diagnostic.
                stopwait--;
                noteStopped(own, mp);
            }
            // try to retake all P's in Psyscall status
            for (P p : s.allp) {
                if (p.status() == P.P_SYSCALL && p.casStatus(P.P_SYSCALL, P.P_GCSTOP)) {
                    p.syscalltick++;
                    stopwait--;
                    noteStopped(p, mp);
                }
            }
            // stop idle P's
            for (P p = s.mps.pidleget(); p != null; p = s.mps.pidleget()) {
                p.setStatus(P.P_GCSTOP);
                stopwait--;
                noteStopped(p, mp);
            }
            wait = stopwait > 0;
        } finally {
            s.lock.unlock();
        }
        // wait for remaining P's to stop voluntarily
        if (wait) {
            for (;;) {
                // wait for 100us, then try to re-preempt in case of any races
                if (stopnote.tsleep(100_000)) {
                    stopnote.clear();
                    break;
                }
                if (s.exiting) {
                    throw Throw.fatal("stopTheWorld: process exited");
                }
                s.preemption.preemptall();
            }
        }
        String bad = null;
        s.platform.lock(s.lock);
        try {
            if (stopwait != 0) {
                bad = "stopTheWorld: not stopped (stopwait != 0)";
            } else {
                for (P p : s.allp) {
                    if (p.status() != P.P_GCSTOP) {
                        bad = "stopTheWorld: not stopped (status != _Pgcstop)";
                    }
                }
            }
        } finally {
            s.lock.unlock();
        }
        if (bad != null) {
            throw Throw.fatal(bad);
        }
        tStopped = s.platform.nanoTime();
        StopperStatus.exit(stopper); // go1.25: "Switch back to _Grunning, now that the world is stopped."
    }

    /**
     * Go's startTheWorldWithSema (with procresize for an unchanged GOMAXPROCS). Returns the
     * timing of the stop it ends (Go returns only the time it finished).
     */
    WorldStop startTheWorldWithSema() {
        long tRestart = s.platform.nanoTime();
        M mp = M.getm();
        P own = mp == null ? null : mp.p;
        List<P> runnable = new ArrayList<>();
        List<@Nullable M> ms = new ArrayList<>();
        int lp;
        long lm;
        s.platform.lock(s.lock);
        try {
            lp = lastP;
            lm = lastM;
            for (int i = s.gomaxprocs - 1; i >= 0; i--) {
                P p = s.allp[i];
                if (p == own) {
                    p.setStatus(P.P_RUNNING);
                    continue;
                }
                p.setStatus(P.P_IDLE);
                if (p.runqempty()) {
                    s.mps.pidleput(p);
                } else {
                    runnable.add(p);
                    ms.add(s.mps.mget());
                }
            }
            gcwaiting = false;
        } finally {
            s.lock.unlock();
        }
        for (int i = 0; i < runnable.size(); i++) {
            P p = runnable.get(i);
            M m2 = ms.get(i);
            if (m2 != null) {
                if (m2.nextp != null) {
                    throw Throw.fatal("startTheWorld: inconsistent mp->nextp");
                }
                m2.nextp = p;
                m2.park.wakeup();
                s.platform.unpark(m2.thread);
            } else {
                // Start M to run P.  Do not start another M below.
                s.mps.newm(false, p);
            }
        }
        // Capture start-the-world time before doing clean-up tasks.
        long tRestarted = s.platform.nanoTime();
        // Wakeup an additional proc in case we have excessive runnable goroutines
        // in local queues or in the global queue.
        if (s.mps.npidle.get() != 0 && s.mps.nmspinning.get() == 0) {
            s.mps.wakep();
        }
        return new WorldStop(tRequest, tStopped, tRestart, tRestarted, lp, lm);
    }

    /** Go's gcstopm: stops mp for a stop-the-world. */
    void gcstopm(M mp) {
        if (!gcwaiting) {
            throw Throw.fatal("gcstopm: not waiting for gc");
        }
        if (mp.spinning) {
            mp.spinning = false;
            // OK to just drop nmspinning here,
            // startTheWorld will unpark threads as necessary.
            if (s.mps.nmspinning.decrementAndGet() < 0) {
                throw Throw.fatal("gcstopm: negative nmspinning");
            }
        }
        P pp = s.mps.releasep(mp);
        s.platform.lock(s.lock);
        try {
            pp.setStatus(P.P_GCSTOP);
            noteStopped(pp, mp);
            if (--stopwait == 0) {
                stopnote.wakeup();
            }
        } finally {
            s.lock.unlock();
        }
        s.mps.stopm(mp);
    }}
