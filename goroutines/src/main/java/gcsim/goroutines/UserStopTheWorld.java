package gcsim.goroutines;

import gcsim.base.GoThrow;

/**
 * A stop-the-world made by user code, as {@code runtime.ReadMemStats} makes one
 * ({@code stopTheWorld("read mem stats")} ... {@code startTheWorld()}; mstats.go): the
 * mutator's {@code readmemstats} instruction.
 *
 * <p><b>Protocol (Go's stopTheWorld on a user goroutine).</b> {@code semacquire(&worldsema)}
 * (gcsim: {@link WorldSema#semacquire}: the G parks "semacquire" while the semaphore is held, by
 * another stopper or by the GC cycle; see {@link WorldSema} for when the cycle holds it);
 * {@code gp.m.preemptoff = reason}; on the system stack stopTheWorldWithSema; the caller's own
 * P counts as stopped at once. Then, with the world stopped, the caller's work (ReadMemStats's
 * readmemstats_m: nothing the model needs), startTheWorld, semrelease.
 *
 * <p><b>The caller's status while it stops the world</b> ({@link GoVersion#stopTheWorldWaiting()}).
 * Until go1.15's fix 03ba6b070d the caller stays _Grunning on the system stack. From go1.15's
 * gcsema (f1f947af28) a stop may happen during concurrent mark, and a mark worker's stack job
 * then may suspendG the caller: it is _Grunning, so suspendG asks it to preempt and waits, on
 * a worker that is not at a safe point, while the caller waits for the worker's P to stop:
 * neither moves (Go #38404). 03ba6b070d: "Mark the goroutine which called stopTheWorld
 * preemptible so its stack may be scanned ... otherwise we could get in a mutual preemption
 * deadlock": {@code casgstatus(gp, _Grunning, _Gwaiting)} around stopTheWorldWithSema (go1.15
 * sets no wait reason: the G keeps whatever its last park left, as its mark workers do; later
 * Go says "stopping the world"). The stack may then be scanned and shrunk meanwhile, so the
 * caller continues from the G's saved state (the interpreter reloads its sp). From go1.25
 * (c6ac736288) the switch is stopTheWorldWithSema's own ({@link StopperStatus}), for every stop.
 *
 * <p>Threads: the calling G's M, with the G's state saved.
 */
public final class UserStopTheWorld {
    private UserStopTheWorld() {}

    /**
     * runtime.ReadMemStats on {@code gp} running on {@code mp}: returns 0 when it returned (the
     * world was stopped and started again; gp's stack may have moved: reload from its saved
     * state), or {@link GoCode#PARK} when gp parked waiting for worldsema (it runs the same
     * call again when readied, and then holds the semaphore).
     */
    public static int readMemStats(Sched s, M mp, G gp) {
        return stopAndStart(s, mp, gp, "read mem stats");
    }

    private static int stopAndStart(Sched s, M mp, G gp, String reason) {
        if (!s.worldSema.semacquire(mp, gp)) {
            return GoCode.PARK;
        }
        GoVersion v = s.config.goVersion();
        // go1.25 switches in stopTheWorldWithSema itself (StopperStatus); go1.15 to go1.24 here.
        boolean waiting = v.stopTheWorldWaiting() && !v.stopTheWorldWithSemaWaiting();
        // The inner worldsema is free: every holder took the outer one first (WorldSema).
        s.platform.acquire(s.stw.worldsema);
        mp.preemptoff = reason;
        if (waiting && v.forEachPWaiting()) {
            // go1.22-go1.24: casGToWaitingForGC(gp, _Grunning, waitReasonStoppingTheWorld)
            GStatus.casGToWaitingForSuspendG(gp, GStatus.G_RUNNING, WaitReason.STOPPING_THE_WORLD);
        } else if (waiting) {
            gp.gc().enterWaitingMarkWorker(); // go1.15: casgstatus(gp, _Grunning, _Gwaiting), no wait reason
        }
        try {
            s.stw.stopTheWorldWithSema();
        } catch (GoThrow e) {
            if (s.exiting) {
                // gcsim: the run ended (its last cycle done, or a timeout) while this goroutine
                // waited for the world to stop. Go's exit ends every thread where it stands; here
                // the M unwinds quietly, as at any scheduling point after the exit, rather than
                // throwing stopTheWorld's "process exited", which is for the collector's stops.
                throw Sched.MEXIT;
            }
            throw e;
        }
        if (waiting) {
            gp.gc().exitWaiting(); // casgstatus(gp, _Gwaiting, _Grunning): spins while a scanner holds it
        }
        s.stw.startTheWorld(); // releases the inner worldsema, clears preemptoff
        s.worldSema.release();
        return 0;
    }
}
