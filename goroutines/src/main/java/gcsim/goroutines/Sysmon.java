package gcsim.goroutines;

import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's sysmon for one {@link Sched}: a thread without a P that wakes every
 * 20us..10ms, starts an M when a timer is overdue and no M is polling, and
 * {@link #retake}s Ps: preempts a G that has run for
 * {@link #FORCE_PREEMPT_NS}, and hands off a P that has sat in _Psyscall for
 * more than one sysmon tick.
 *
 * <p><b>Threads.</b> {@link #start} is called once by {@link Sched#start}
 * (the process's starting thread) when {@code config.sysmon()}; everything
 * else runs on the sysmon thread itself, except {@link #thread}, which
 * Sched's exit path reads to unpark it, and the test seam's setter.
 *
 * <p><b>Protocol.</b> retake reads each P's status without a lock and takes a
 * P out of _Psyscall only by CAS, so it races with exitsyscall's fast path
 * exactly as in Go; between the CAS and handoffp sysmon counts as an external
 * caller (Go's incidlelocked(-1)) so checkdead does not see a false deadlock.
 * It owns no scheduler state beyond its thread and the per-P sysmon ticks it
 * writes in each P (only sysmon writes them).
 */
final class Sysmon {
    /** Go's forcePreemptNS: sysmon preempts a G that ran this long. */
    static final long FORCE_PREEMPT_NS = 10_000_000L;

    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;
    /** The sysmon thread, or null when sysmon is off or not started. Written once by {@link #start}. */
    @Nullable Thread thread;

    /**
     * Test seam: runs on sysmon between retake's CAS of a P out of _Psyscall
     * and its handoffp, where the M that made the syscall may come back and go
     * idle. Set with {@link Sched#setRetakeHookForTest}.
     */
    volatile @Nullable Runnable retakeHookForTest;

    Sysmon(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /** Starts the sysmon thread. Sched#start only, once. */
    void start() {
        Thread t = sched.platform.newThread(this::run, "gcsim-sysmon");
        thread = t;
        t.start();
    }

    private void run() {
        try {
            sysmonLoop();
        } catch (Sched.MExit e) {
            // The process exited while sysmon was starting an M (retake → handoffp → startm →
            // newm's checkExiting): like every M, it just stops.
        }
    }

    private void sysmonLoop() {
        long delay = 0;
        int idle = 0;
        while (!sched.exiting) {
            if (idle == 0) { // start with 20us sleep...
                delay = 20;
            } else if (idle > 50) { // start doubling the sleep after 1ms...
                delay *= 2;
            }
            if (delay > 10 * 1000) { // up to 10ms
                delay = 10 * 1000;
            }
            sched.platform.parkNanos(sched, delay * 1000);
            long now = sched.platform.nanoTime();
            long next = sched.timers.nextTimer();
            if (next != 0 && next < now && sched.mps.npidle.get() > 0 && sched.timers.lastpoll.get() != 0) {
                sched.mps.startm(null, false);
            }
            if (retake(now) != 0) {
                idle = 0;
            } else {
                idle++;
            }
        }
    }

    /** Go's retake. sysmon only. */
    private int retake(long now) {
        int n = 0;
        for (P pp : sched.allp) {
            int s = pp.status();
            boolean sysretake = false;
            if (s == P.P_RUNNING || s == P.P_SYSCALL) {
                // Preempt G if it's running for too long.
                int t = pp.schedtick;
                if (pp.sysmonSchedtick != t) {
                    pp.sysmonSchedtick = t;
                    pp.sysmonSchedwhen = now;
                } else if (pp.sysmonSchedwhen + FORCE_PREEMPT_NS <= now) {
                    sched.preemption.preemptone(pp);
                    // In case of syscall, preemptone() doesn't work, because there is no M wired to P.
                    sysretake = true;
                }
            }
            if (s == P.P_SYSCALL) {
                // Retake P from syscall if it's there for more than 1 sysmon tick (at least 20us).
                int t = pp.syscalltick;
                if (!sysretake && pp.sysmonSyscalltick != t) {
                    pp.sysmonSyscalltick = t;
                    pp.sysmonSyscallwhen = now;
                    continue;
                }
                if (pp.runqempty() && sched.mps.nmspinning.get() + sched.mps.npidle.get() > 0
                        && pp.sysmonSyscallwhen + 10_000_000L > now) {
                    continue;
                }
                // Need to decrement number of idle locked M's (pretending that one more is
                // running) before the CAS. Otherwise the M from which we retake can exit the
                // syscall, increment nmidle and report deadlock. (Go's incidlelocked(-1); here
                // sysmon counts as an external caller until handoffp has started an M for pp.)
                sched.liveness.enterExternal();
                try {
                    if (pp.casStatus(s, P.P_IDLE)) {
                        n++;
                        pp.syscalltick++;
                        Runnable hook = retakeHookForTest;
                        if (hook != null) {
                            hook.run();
                        }
                        sched.mps.handoffp(pp);
                    }
                } finally {
                    sched.liveness.exitExternal();
                }
            }
        }
        return n;
    }}
