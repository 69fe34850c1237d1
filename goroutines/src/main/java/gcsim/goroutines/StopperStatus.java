package gcsim.goroutines;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * go1.25's status switch at the top and bottom of stopTheWorldWithSema (c6ac736288, Go #72740),
 * kept out of {@link StopTheWorld} so that class stays the stop itself.
 *
 * <p>Go (go1.25.3 proc.go, stopTheWorldWithSema): "Mark the goroutine which called stopTheWorld
 * preemptible so its stack may be scanned by the GC or observed by the execution tracer. This
 * lets a mark worker scan us or the execution tracer take our stack while we try to stop the
 * world since otherwise we could get in a mutual preemption deadlock. We must not modify anything
 * on the G stack because a stack shrink may occur, now that we switched to _Gwaiting, specifically
 * if we're doing this during the mark phase (mark termination excepted, since we know that stack
 * scanning is done by that point). A stack shrink is otherwise OK though because in order to
 * return from this function (and to leave the system stack) we must have preempted all
 * goroutines, including any attempting to scan our stack, in which case, any stack shrinking will
 * have already completed by the time we exit." Then {@code casGToWaitingForSuspendG(getg().m.curg,
 * _Grunning, waitReasonStoppingTheWorld)}, and once every P is stopped {@code
 * casgstatus(getg().m.curg, _Gwaiting, _Grunning)}.
 *
 * <p>Before go1.25 only stopTheWorld (the user stoppers, {@link UserStopTheWorld}) switched, from
 * go1.15 (03ba6b070d); the GC's own stops (gcStart's sweep termination, gcMarkDone's mark
 * termination) call stopTheWorldWithSema directly and leave their goroutine _Grunning, which a
 * suspendG from the execution tracer ({@link TraceAdvance}) can then wait for for ever.
 *
 * <p>Threads: the stopper's, an M (its curg is the caller) or a thread that is not an M (nothing
 * to switch).
 */
final class StopperStatus {
    private StopperStatus() {}

    /**
     * The top of stopTheWorldWithSema: under {@link GoVersion#stopTheWorldWithSemaWaiting()},
     * moves mp's current G to _Gwaiting "stopping the world" and returns it; else null.
     */
    static @Nullable G enter(Sched s, @Nullable M mp) {
        G gp = mp == null ? null : mp.curg;
        if (gp == null || !s.config.goVersion().stopTheWorldWithSemaWaiting()) {
            return null;
        }
        GStatus.casGToWaitingForSuspendG(gp, GStatus.G_RUNNING, WaitReason.STOPPING_THE_WORLD);
        return gp;
    }

    /**
     * The bottom, the world stopped: back to _Grunning (spins while a suspender holds the scan
     * bit). No-op for null. Not on a throw: a throw is fatal and leaves the G as it is.
     */
    static void exit(@Nullable G gp) {
        if (gp != null) {
            GStatus.casgstatus(gp, GStatus.G_WAITING, GStatus.G_RUNNING);
            gp.waitreason = WaitReason.ZERO;
        }
    }
}
