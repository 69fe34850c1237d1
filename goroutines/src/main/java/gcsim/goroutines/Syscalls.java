package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SYSCALL;
import static gcsim.goroutines.GStatus.casgstatus;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;

import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * System calls for one {@link Sched}: Go's entersyscall / exitsyscall and
 * their helpers (exitsyscallfast, exitsyscall0) of proc.go.
 *
 * <p><b>Protocol.</b> entersyscall saves the G's pc/sp as syscallsp/pc, moves
 * it _Grunning → _Gsyscall and detaches its P, which goes to _Psyscall so that
 * sysmon's retake or a stop-the-world may take it (by CAS). exitsyscall first
 * tries to get the old P back by CAS _Psyscall → _Pidle, then any idle P
 * (the fast path, the G keeps running); otherwise the interpreter returns
 * {@link GoCode#EXITSYSCALL0} and the M runs {@link #exitsyscall0} on g0: the
 * G becomes _Grunnable and either runs at once on an idle P or goes to the
 * global run queue while the M stops. The G keeps syscallsp until it runs
 * again ({@link #exitsyscallTail}), because the GC may still be looking at it.
 *
 * <p><b>Callers and threads.</b> entersyscall / exitsyscall: Interp, on the
 * M running the G (mp's thread). exitsyscall0: Sched's mcall dispatch on that
 * M. exitsyscallTail: Sched's execute path when the G runs again. This class
 * owns no state: the P, M and G fields it writes are owned by the calling M;
 * stop-the-world's {@code stopwait} is read and decremented under
 * {@code sched.lock}, as in {@link StopTheWorld}.
 */
final class Syscalls {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    Syscalls(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Go's entersyscall (reentersyscall): gp enters a system call, its P goes
     * to _Psyscall and can be retaken (sysmon, stopTheWorld). The G's pc/sp
     * must be saved first. mp's thread.
     */
    void entersyscall(M mp, G gp) {
        mp.locks++;
        gp.stackguard0 = STACK_PREEMPT; // catch any stack growth during the syscall
        gp.syscallsp = gp.sp;
        gp.syscallpc = gp.pc;
        casgstatus(gp, G_RUNNING, G_SYSCALL);
        if (gp.syscallsp < gp.stackLo || gp.stackHi < gp.syscallsp) {
            throw Throw.fatal("entersyscall inconsistent " + Throw.hex(gp.syscallsp) + " ["
                    + Throw.hex(gp.stackLo) + "," + Throw.hex(gp.stackHi) + "]", "entersyscall");
        }
        P pp = Sched.mustP(mp);
        if (pp.wantsSafePointFn()) {
            sched.forEachP.runSafePointFn(pp); // before the P goes to _Psyscall (Go's reentersyscall)
        }
        pp.m = null;
        mp.oldp = pp;
        mp.p = null;
        pp.setStatus(P.P_SYSCALL);
        if (sched.stw.gcwaiting) {
            entersyscallGcwait(pp);
        }
        mp.locks--;
    }

    private void entersyscallGcwait(P pp) {
        sched.platform.lock(sched.lock);
        try {
            if (sched.stw.stopwait > 0 && pp.casStatus(P.P_SYSCALL, P.P_GCSTOP)) {
                pp.syscalltick++;
                sched.stw.noteStopped(pp, M.getm());
                if (--sched.stw.stopwait == 0) {
                    sched.stw.stopnote.wakeup();
                }
            }
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Go's exitsyscall: returns true when gp got a P back and runs on (fast
     * path); false when the code must return {@link GoCode#EXITSYSCALL0}.
     * mp's thread.
     */
    boolean exitsyscall(M mp, G gp) {
        mp.locks++;
        gp.waitsince = 0;
        P oldp = mp.oldp;
        mp.oldp = null;
        if (exitsyscallfast(mp, oldp)) {
            Sched.mustP(mp).syscalltick++;
            // We need to cas the status and scan before resuming...
            casgstatus(gp, G_SYSCALL, G_RUNNING);
            gp.syscallsp = 0;
            mp.locks--;
            if (gp.preempt) {
                // restore the preemption request in case we've cleared it in newstack
                gp.stackguard0 = STACK_PREEMPT;
            } else {
                gp.stackguard0 = gp.stackLo + STACK_GUARD;
                gp.wakeSuspender(); // as in execute
            }
            if (!sched.userScheduling.schedEnabled(gp)) {
                // Scheduling of this goroutine is disabled: Go calls Gosched() here.
                // Deliberate difference: the G cannot yield from inside this call, so
                // it is asked to yield at its next safe point (gopreempt_m puts it on the
                // global queue, where schedule holds it back), as a preemption would.
                gp.preempt = true;
                gp.stackguard0 = STACK_PREEMPT;
            }
            return true;
        }
        mp.locks--;
        return false;
    }

    private boolean exitsyscallfast(M mp, @Nullable P oldp) {
        // Try to re-acquire the last P.
        if (oldp != null && oldp.status() == P.P_SYSCALL && oldp.casStatus(P.P_SYSCALL, P.P_IDLE)) {
            sched.mps.acquirep(mp, oldp);
            return true;
        }
        // Try to get any other idle P.
        if (sched.mps.npidle.get() != 0) {
            P pp = sched.mps.pidlegetLocked();
            if (pp != null) {
                sched.mps.acquirep(mp, pp);
                return true;
            }
        }
        return false;
    }

    /**
     * Go's exitsyscall0: returns true when gp got a P and runs on at once. Either way gp keeps
     * its syscallsp until it runs again ({@link #exitsyscallTail}): until then the GC may still
     * be looking at it as Go's comment says, and its stack must not be shrunk.
     */
    boolean exitsyscall0(M mp, G gp) {
        gp.exitsyscallTailPending = true;
        casgstatus(gp, G_SYSCALL, G_RUNNABLE);
        Sched.dropg(mp);
        P pp;
        sched.platform.lock(sched.lock);
        try {
            pp = sched.userScheduling.schedEnabled(gp) ? sched.mps.pidleget() : null;
            if (pp == null) {
                sched.globrunq.globrunqput(gp);
            }
        } finally {
            sched.lock.unlock();
        }
        if (pp != null) {
            sched.mps.acquirep(mp, pp);
            sched.execute(mp, gp, false);
            return true;
        }
        sched.mps.stopm(mp);
        return false;
    }

    /**
     * The rest of Go's exitsyscall once {@code mcall(exitsyscall0)} returns, i.e. when gp runs
     * again on mp (at once, or after waiting in a run queue): "Scheduler returned, so we're
     * allowed to run now. Delete the syscallsp information that we left for the garbage collector
     * during the system call." mp's thread, gp running.
     */
    void exitsyscallTail(M mp, G gp) {
        gp.exitsyscallTailPending = false;
        gp.syscallsp = 0;
        Sched.mustP(mp).syscalltick++;
    }
}
