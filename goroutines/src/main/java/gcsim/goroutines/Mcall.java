package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_PREEMPTED;
import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.casgstatus;
import static gcsim.goroutines.GStatus.readgstatus;

import gcsim.goroutines.internal.GcGoroutine;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;

/**
 * What an M does with a G it runs (Go's {@code gogo}, then {@code mcall}):
 * {@link #run} calls the G's {@link GoCode}; when the code returns a reason,
 * the M, back "on g0", makes the transition Go makes in the mcall target:
 * {@code park_m} ({@link GoCode#PARK}), {@code gosched_m}/{@code gopreempt_m}
 * ({@code goschedImpl}), {@code newstack} ({@link GoroutineStacks}),
 * {@code goexit0}, {@code exitsyscall0} ({@link Syscalls}) and
 * {@code asyncPreempt2} with {@code preemptPark}. The G's side of the same
 * steps (gopark, saving pc/sp) is the interpreter's and {@link Sched#gopark}.
 *
 * <p><b>Callers and threads.</b> Everything runs on the M that runs the G
 * (mp's thread), from {@link Sched#schedule} (run) or from newstack's
 * preempt path (preemptPark, gopreemptM, scanOwnStackIfAsked). After each
 * continuation the G is off the M (waiting, runnable on the global queue,
 * preempted or dead) and the M schedules again; newstack and exitsyscall0 may
 * instead let the G run on. No state of its own: the G, its M and the Sched's
 * queues and free lists (each with its own lock) hold it.
 */
final class Mcall {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    Mcall(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Runs gp (running on mp) until it leaves the M: gogo plus the mcall
     * continuations. Returns when mp must schedule again.
     */
    void run(M mp, G gp) {
        for (;;) {
            if (gp.exitsyscallTailPending) {
                sched.syscalls.exitsyscallTail(mp, gp);
            }
            GoCode code = gp.code;
            if (code == null) {
                throw Throw.fatal("runtime: g has no code");
            }
            int why = code.run(mp, gp);
            sched.checkExiting();
            switch (why) {
                case GoCode.PARK -> {
                    parkM(mp, gp);
                    return;
                }
                case GoCode.GOSCHED -> {
                    goschedImpl(mp, gp);
                    return;
                }
                case GoCode.MORESTACK -> {
                    if (!GoroutineStacks.newstack(sched, mp, gp)) {
                        return;
                    }
                }
                case GoCode.EXIT -> {
                    if (gp.isMain) {
                        sched.processExit.exit(0);
                        throw Sched.MEXIT;
                    }
                    goexit0(mp, gp);
                    return;
                }
                case GoCode.GOEXIT -> {
                    goexit0(mp, gp);
                    return;
                }
                case GoCode.EXITSYSCALL0 -> {
                    if (!sched.syscalls.exitsyscall0(mp, gp)) {
                        return;
                    }
                }
                case GoCode.PREEMPT_ASYNC -> {
                    asyncPreempt2(mp, gp);
                    return;
                }
                default -> throw Throw.fatal("runtime: bad yield reason " + why);
            }
        }
    }

    /** Go's park_m. */
    void parkM(M mp, G gp) {
        casgstatus(gp, G_RUNNING, G_WAITING);
        Sched.dropg(mp);
        Runnable f = mp.waitunlockf;
        if (f != null) {
            mp.waitunlockf = null;
            // gp is _Gwaiting and off mp, and what it parks for (a channel's lock, say) is
            // not yet released: a suspender may claim gp here and scan or shrink its stack
            // before the unlock function runs (Go #40641's window, under chanparkcommit).
            sched.platform.schedulingPoint("park_m: gp _Gwaiting, unlockf not run");
            f.run();
        }
    }

    /** Go's goschedImpl (Gosched and gopreempt_m): the G goes to the global queue. */
    void goschedImpl(M mp, G gp) {
        int status = readgstatus(gp);
        if ((status & ~G_SCAN) != G_RUNNING) {
            throw Throw.fatal(GStatus.dumpgstatus(gp), "bad g status");
        }
        casgstatus(gp, G_RUNNING, G_RUNNABLE);
        Sched.dropg(mp);
        sched.globrunq.globrunqputLocked(gp);
        // Deliberate: Go relies on other Ms spinning; we wake one so a G put on the
        // global queue is not stranded while this M keeps a tight G.
        if (sched.mps.npidle.get() != 0 && sched.mps.nmspinning.get() == 0) {
            sched.mps.wakep();
        }
    }

    /** Go's gopreempt_m. */
    void gopreemptM(M mp, G gp) {
        goschedImpl(mp, gp);
    }

    /**
     * Go's preemptPark: parks gp in _Gpreempted. The scan bit is held from
     * running until gp is off the M so nobody claims gp half-parked.
     */
    void preemptPark(M mp, G gp) {
        int status = readgstatus(gp);
        if ((status & ~G_SCAN) != G_RUNNING) {
            throw Throw.fatal(GStatus.dumpgstatus(gp), "bad g status");
        }
        gp.waitreason = WaitReason.PREEMPTED;
        GStatus.casGToPreemptScan(gp, G_RUNNING, G_SCAN | G_PREEMPTED);
        Sched.dropg(mp);
        GStatus.casfromGscanstatus(gp, G_SCAN | G_PREEMPTED, G_PREEMPTED);
    }

    /**
     * gcsim's two-phase stack scan (not in Go): at a safe point (newstack's
     * preempt path, asyncPreempt2) the G scans its own stack if a GC worker
     * asked it to ({@link Suspension#requestSelfScan}); the hook does the
     * claim. mp's thread, gp running on mp and owning its stack.
     */
    void scanOwnStackIfAsked(M mp, G gp) {
        GcHooks h = sched.gcHooks;
        if (h != null && gp.gc().scanState() == GcGoroutine.GC_SCAN_SELF) {
            h.scanOwnStack(mp, gp);
        }
    }

    /** Go's asyncPreempt2 (after the interpreter injected the asyncPreempt frame). */
    void asyncPreempt2(M mp, G gp) { // package-private: SuspendProtocolModelCheckTest drives it
        sched.preemptionsAsync.incrementAndGet();
        gp.asyncSafePoint = true;
        scanOwnStackIfAsked(mp, gp);
        if (gp.preemptStop) {
            preemptPark(mp, gp);
        } else {
            goschedImpl(mp, gp);
        }
    }

    /** Go's goexit0: gp is dead; clears what Go clears and puts gp on the free list. */
    void goexit0(M mp, G gp) {
        casgstatus(gp, G_RUNNING, G_DEAD);
        RuntimeEvents events = sched.events;
        if (events != RuntimeEvents.NONE) {
            events.goroutineExited(gp);
        }
        gp.m = null;
        gp.preemptStop = false;
        gp.waitreason = WaitReason.ZERO;
        gp.param = null;
        gp.waiting = null;
        gp.timerWhen = 0;
        gp.code = null;
        gp.asyncSafePoint = false;
        GcHooks h = sched.gcHooks;
        if (h != null) {
            h.goexit(gp);
        }
        Sched.dropg(mp);
        sched.goroutinesExited.incrementAndGet();
        sched.gfree.gfput(Sched.mustP(mp), gp);
    }
}
