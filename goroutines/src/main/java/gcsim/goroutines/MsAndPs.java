package gcsim.goroutines;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The Ms and Ps of one {@link Sched} (Go's {@code allm}, {@code sched.midle},
 * {@code sched.pidle}, {@code sched.nmspinning}, {@code sched.npidle} and the
 * proc.go functions that move them): {@code newm}, {@code stopm},
 * {@code startm}, {@code wakep}, {@code handoffp}, {@code acquirep} and
 * {@code releasep}, and the idle lists ({@code mput}/{@code mget},
 * {@code pidleput}/{@code pidleget}).
 *
 * <p><b>Callers and threads.</b> stopm, acquirep and releasep run on the M
 * itself (the scheduler, syscalls, stop-the-world); wakep, startm and
 * handoffp on any thread that found work for another M (ready, newproc,
 * sysmon's retake, a syscall's exit, startTheWorld); newm on the thread that
 * needs a new M. An M thread is made by newm and started at once; it runs
 * {@link Sched}'s mstart1.
 *
 * <p><b>State and locks.</b> The idle lists, the M count, the M id generator
 * and {@code allm} are guarded by {@code sched.lock} (the Sched's
 * {@code lock}), as in Go; {@link #nmspinning} and {@link #npidle} are
 * atomics read without it. mput runs checkdead ({@link Liveness}) under the
 * lock, as Go's does.
 */
final class MsAndPs {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    // ---- guarded by sched.lock ----
    private @Nullable M midle;
    int nmidle;
    private long mnext;
    int mcount;
    private @Nullable P pidle;
    final List<M> allm = new ArrayList<>();
    // ---- atomics ----
    final AtomicInteger npidle = new AtomicInteger();
    final AtomicInteger nmspinning = new AtomicInteger();

    MsAndPs(@UnderInitialization Sched sched) {
        this.sched = sched;
    }


    /** Go's newm: a new M thread that will start with P pp. */
    void newm(boolean spinning, @Nullable P pp) {
        M mp;
        sched.platform.lock(sched.lock);
        try {
            sched.checkExiting();
            mp = new M(sched, mnext++);
            mcount++;
            if (mcount > Sched.MAX_MCOUNT) {
                throw Throw.fatal("runtime: program exceeds " + Sched.MAX_MCOUNT + "-thread limit", "thread exhaustion");
            }
            allm.add(mp);
        } finally {
            sched.lock.unlock();
        }
        mp.nextp = pp;
        mp.spinning = spinning;
        sched.platform.adopt(mp.thread);
        mp.thread.start();
    }

    /** All Ms created so far. Any thread. */
    public List<M> allMs() {
        sched.platform.lock(sched.lock);
        try {
            return new ArrayList<>(allm);
        } finally {
            sched.lock.unlock();
        }
    }

    /** Go's stopm: parks mp on the idle list until startm hands it a P. mp's thread only. */
    void stopm(M mp) {
        if (mp.locks != 0) {
            throw Throw.fatal("stopm holding locks");
        }
        if (mp.p != null) {
            throw Throw.fatal("stopm holding p");
        }
        if (mp.spinning) {
            throw Throw.fatal("stopm spinning");
        }
        sched.platform.lock(sched.lock);
        try {
            sched.checkExiting();
            mput(mp);
        } finally {
            sched.lock.unlock();
        }
        while (!mp.park.signalled()) {
            sched.checkExiting();
            sched.platform.park(mp.park);
        }
        mp.park.clear();
        sched.checkExiting();
        P pp = mp.nextp;
        if (pp == null) {
            throw Throw.fatal("stopm: woken without p");
        }
        acquirep(mp, pp);
        mp.nextp = null;
    }

    /** Go's mput: mp to the idle list, then checkdead. Holds lock. */
    private void mput(M mp) {
        mp.schedlink = midle;
        midle = mp;
        nmidle++;
        sched.liveness.checkdead();
    }

    /** Go's mget. Holds lock. */
    @Nullable M mget() {
        M mp = midle;
        if (mp != null) {
            midle = mp.schedlink;
            mp.schedlink = null;
            nmidle--;
        }
        return mp;
    }

    /** Go's pidleput. Holds lock (or during construction). */
    void pidleput(P pp) {
        if (!pp.runqempty()) {
            throw Throw.fatal("pidleput: P has non-empty run queue");
        }
        pp.setStatus(P.P_IDLE);
        pp.link = pidle;
        pidle = pp;
        npidle.incrementAndGet();
    }

    /** The head of the idle-P list (walk it by {@code P.link}). Holds lock. */
    @Nullable P pidleHead() {
        return pidle;
    }

    /** pidleget taking sched.lock itself. */
    @Nullable P pidlegetLocked() {
        sched.platform.lock(sched.lock);
        try {
            return pidleget();
        } finally {
            sched.lock.unlock();
        }
    }

    /** Go's pidleget. Holds lock. */
    @Nullable P pidleget() {
        P pp = pidle;
        if (pp != null) {
            pidle = pp.link;
            pp.link = null;
            npidle.decrementAndGet();
        }
        return pp;
    }

    /**
     * Test seam for the model-checking tests, which drive Gs on plain threads
     * without Ms: takes the first idle P off {@code pidle} (so a ready from a
     * caller without a P queues the G and starts no M once all are taken).
     * Any thread, before the process is started.
     */
    @Nullable P pidlegetForTest() {
        return pidlegetLocked();
    }

    /**
     * Go's startm: schedules some M to run pp (an idle P when null). With
     * spinning, the caller incremented nmspinning and the M starts spinning.
     */
    void startm(@Nullable P pp, boolean spinning) {
        M mp;
        sched.platform.lock(sched.lock);
        try {
            if (pp == null) {
                pp = pidleget();
                if (pp == null) {
                    if (spinning && nmspinning.decrementAndGet() < 0) {
                        throw Throw.fatal("startm: negative nmspinning");
                    }
                    return;
                }
            }
            mp = mget();
        } finally {
            sched.lock.unlock();
        }
        if (mp == null) {
            newm(spinning, pp);
            return;
        }
        if (mp.spinning) {
            throw Throw.fatal("startm: m is spinning");
        }
        if (mp.nextp != null) {
            throw Throw.fatal("startm: m has p");
        }
        if (spinning && !pp.runqempty()) {
            throw Throw.fatal("startm: p has runnable gs");
        }
        mp.spinning = spinning;
        mp.nextp = pp;
        mp.park.wakeup();
        sched.platform.unpark(mp.thread);
    }

    /** Go's wakep: tries to add one more spinning M if none is spinning. Any thread. */
    void wakep() {
        if (!nmspinning.compareAndSet(0, 1)) {
            return;
        }
        startm(null, true);
    }

    /** Go's handoffp: hands off pp from a syscall or a stopping M. */
    void handoffp(P pp) {
        // if it has local work, start it straight away
        if (!pp.runqempty() || sched.globrunq.runqsize != 0) {
            startm(pp, false);
            return;
        }
        // no local work, check that there are no spinning/idle M's,
        // otherwise our help is not required
        if (nmspinning.get() + npidle.get() == 0 && nmspinning.compareAndSet(0, 1)) {
            startm(pp, true);
            return;
        }
        boolean start;
        sched.platform.lock(sched.lock);
        try {
            if (sched.stw.gcwaiting) {
                pp.setStatus(P.P_GCSTOP);
                sched.stw.noteStopped(pp, M.getm());
                if (--sched.stw.stopwait == 0) {
                    sched.stw.stopnote.wakeup();
                }
                return;
            }
            sched.forEachP.runSafePointFnLocked(pp);
            start = sched.globrunq.runqsize != 0;
            if (!start) {
                pidleput(pp);
            }
        } finally {
            sched.lock.unlock();
        }
        if (start) {
            startm(pp, false);
        }
    }

    /** Go's acquirep/wirep: associates pp with mp. mp's thread. */
    void acquirep(M mp, P pp) {
        if (mp.p != null) {
            throw Throw.fatal("wirep: already in go");
        }
        if (pp.m != null || pp.status() != P.P_IDLE) {
            throw Throw.fatal("runtime: wirep: p->m=" + pp.m + " p->status=" + pp.status(), "wirep: invalid p state");
        }
        mp.p = pp;
        pp.m = mp;
        pp.setStatus(P.P_RUNNING);
        // Have p. Perform deferred mcache flush before this P can allocate from a potentially
        // stale mcache.
        GcHooks h = sched.gcHooks;
        if (h != null) {
            h.acquiredP(pp);
        }
    }

    /** Go's releasep: disassociates mp's P. mp's thread. */
    P releasep(M mp) {
        P pp = mp.p;
        if (pp == null) {
            throw Throw.fatal("releasep: invalid arg");
        }
        if (pp.m != mp || pp.status() != P.P_RUNNING) {
            throw Throw.fatal("runtime: releasep: m=" + mp + " m->p=" + pp + " p->m=" + pp.m
                    + " p->status=" + pp.status(), "releasep: invalid p state");
        }
        mp.p = null;
        pp.m = null;
        pp.setStatus(P.P_IDLE);
        return pp;
    }
}
