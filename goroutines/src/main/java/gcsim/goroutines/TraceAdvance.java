package gcsim.goroutines;

import gcsim.base.GoThrow;

/**
 * The part of go1.22's execution tracer that suspends goroutines: {@code traceAdvance}
 * (trace2.go; trace.go from go1.23), the mutator's {@code traceadvance} instruction, as a
 * program that runs with tracing on reaches it when the trace moves to a new generation (the
 * trace reader goroutine or {@code runtime/trace.Stop} calls it).
 *
 * <p><b>Protocol (Go).</b> For every goroutine in allgs whose status the trace has not recorded
 * in the current generation, traceAdvance records it, on the system stack:
 * <pre>
 *   me := getg().m.curg
 *   // We don't have to handle this G status transition because we
 *   // already eliminated ourselves from consideration above.
 *   casGToWaitingForGC(me, _Grunning, waitReasonTraceGoroutineStatus)
 *   // We need to suspend and take ownership of the G to safely read its goid. ...
 *   //
 *   // It should be very unlikely that we try to preempt a running G here.
 *   // The only situation that we might is that we're racing with a G
 *   // that's running for the first time in this generation. Therefore,
 *   // this should be relatively fast.
 *   s := suspendG(gp)
 *   ... read its goid, status, wait reason ...
 *   resumeG(s)
 *   casgstatus(me, _Gwaiting, _Grunning)
 * </pre>
 * (go1.22.2: {@code casGToWaiting}; go1.25: {@code casGToWaitingForSuspendG}). Later it flushes every P's trace buffers with
 * {@code forEachP(waitReasonTraceProcStatus, ...)}, which needs worldsema.
 *
 * <p><b>Go #72740.</b> A goroutine that stops the world for the GC (gcStart's sweep termination
 * or gcMarkDone's mark termination) is _Grunning on the system stack, never at a safe point,
 * until the world is stopped. If the tracer suspendGs it meanwhile, suspendG asks it to preempt
 * and waits, on the tracer's M, which holds the tracer's P; the stopper waits for that P to
 * stop: neither moves. go1.25's c6ac736288 moves the stopper to _Gwaiting in
 * stopTheWorldWithSema itself ({@link StopperStatus}), so suspendG takes it at once.
 *
 * <p><b>Where gcsim differs.</b> No trace generations or events: every goroutine but the tracer
 * counts as not yet recorded, so each traceadvance suspends all of them (Go skips those that
 * emitted an event this generation, which makes a running target rarer, not impossible). Each
 * goroutine is one step of the instruction, which runs again until all are done; between steps
 * the tracer is at an instruction boundary (an async safe point), as Go's tracer is preemptible
 * between two goroutines. The buffers the per-P function flushes are not modelled (an empty
 * function), and the generation switch's short worldsema hold is left out.
 *
 * <p>Threads: the tracer G's M, with the G's state saved at the instruction.
 */
public final class TraceAdvance {
    /** {@link #step}: one goroutine done; run the instruction again. */
    public static final int AGAIN = -1;

    private TraceAdvance() {}

    /**
     * One step of traceAdvance by {@code gp} on {@code mp}: records the next goroutine's status
     * and returns {@link #AGAIN}; or, every goroutine done, runs the per-P flush and returns 0
     * (the instruction is complete); or returns {@link GoCode#PARK} when gp parked for worldsema
     * (it runs the same step again when readied, and then holds it). gp's stack may have moved
     * meanwhile (it was _Gwaiting): the caller reloads it from the G's saved state.
     */
    public static int step(Sched s, M mp, G gp) {
        try {
            return stepOrThrow(s, mp, gp);
        } catch (GoThrow e) {
            if (s.exiting) {
                // gcsim: the run ended (its last cycle done, or a timeout) while the tracer waited in
                // suspendG or forEachP for a goroutine or P that will never get there ("suspendG:
                // process exited"). Go's exit ends every thread where it stands; here the M unwinds
                // quietly, as UserStopTheWorld's stopper does.
                throw Sched.MEXIT;
            }
            throw e;
        }
    }

    private static int stepOrThrow(Sched s, M mp, G gp) {
        // gcsim: tracing starts here (no StartTrace; see Sched.traceEnabled).
        if (!s.traceEnabled) {
            s.traceEnabled = true;
        }
        int i = gp.traceAdvanceNext;
        if (i >= 0) {
            AllGsSnapshot all = s.allgsSnapshot();
            while (i < all.length() && all.get(i) == gp) {
                i++; // "we already eliminated ourselves from consideration above"
            }
            if (i < all.length()) {
                gp.traceAdvanceNext = i + 1;
                recordStatus(gp, all.get(i));
                return AGAIN;
            }
            gp.traceAdvanceNext = -1;
        }
        // forEachP's caller must hold worldsema.
        if (!s.worldSema.semacquire(mp, gp)) {
            return GoCode.PARK;
        }
        s.forEachP.forEachP(WaitReason.TRACE_PROC_STATUS, pp -> { }); // flush pp's trace buffers
        s.worldSema.release();
        gp.traceAdvanceNext = 0;
        return 0;
    }

    /** The loop body above: me _Gwaiting while it suspends and resumes {@code target}. me's M. */
    private static void recordStatus(G me, G target) {
        GStatus.casGToWaitingForSuspendG(me, GStatus.G_RUNNING, WaitReason.TRACE_GOROUTINE_STATUS);
        Suspension.SuspendGState st = Suspension.suspendG(target);
        // (goid, m, status, waitreason, inMarkAssist of st.g() are read here)
        Suspension.resumeG(st);
        GStatus.casgstatus(me, GStatus.G_WAITING, GStatus.G_RUNNING);
        me.waitreason = WaitReason.ZERO;
    }
}
