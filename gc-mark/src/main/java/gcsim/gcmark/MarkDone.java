package gcsim.gcmark;

import gcsim.goroutines.internal.GcSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two flushes of go1.14's gcMarkDone (mgc.go) that decide whether concurrent mark is over:
 *
 * <ol>
 *   <li><b>The ragged barrier</b> ({@link #raggedBarrier}), after the caller checked that every
 *       worker is idle and no global work or root job is left: forEachP makes every P, at a safe
 *       point, flush its write-barrier buffer into its gcWork ({@code wbBufFlush1}), flush the
 *       gcWork to the global lists ({@code gcw.dispose}) and report whether it handed work to
 *       the global lists since the last check ({@code flushedWork}, counted in
 *       {@code gcMarkDoneFlushed}). If any did, more grey objects were found: the caller goes
 *       back to the top (Go's {@code goto top}). If none did, there was no global work, no
 *       local work and no P communicated work since the check, so there are no grey objects
 *       and no more can be shaded.
 *   <li><b>The stop-the-world check</b> ({@link #workLeftAfterStop}), with the world stopped:
 *       "for unknown reasons (see issue #27993), there is sometimes work left over when we
 *       enter mark termination. Detect this and resume concurrent mark." Every P's wbBuf is
 *       flushed again and, if any P's gcWork is not empty, the caller starts the world and goes
 *       back to the top.
 * </ol>
 *
 * <p>Deliberate differences: the forEachP caller is the collector's coordinator, which has no P
 * (and no user G, so Go's {@code casgstatus(gp, _Grunning, _Gwaiting)} around it has nothing to
 * do). Stores from threads without a P shade into the barrier's shared gcWork (see
 * {@link Barrier}); the coordinator flushes it in both steps as if it were one more P. Go's
 * {@code debugCachedWork} paths are left out (a debugging build of Go's runtime). When the
 * check finds nothing, every P's gcWork is disposed (all empty; they may cache empty buffers),
 * which Go does in gcMark just after.
 *
 * <p>Threading: the coordinator (the cycle's thread, under startSema: Go's markDoneSema).
 * {@link #flushP} runs once per P per ragged barrier, on whichever thread forEachP runs it.
 */
final class MarkDone {
    private final GcSupport rt;
    private final Barrier barrier;
    private final GcWork[] perP;
    private final GcWork shared;
    /** Go's gcMarkDoneFlushed: Ps with flushed work in the current ragged barrier. */
    private final AtomicInteger gcMarkDoneFlushed = new AtomicInteger();
    /** gcsim: objects the barrier flushes of gcMarkDone greyed (or blackened), whole run; tests read it. */
    final AtomicLong shadedByFlushes = new AtomicLong();
    /**
     * Test seam (negative control, never Go): when set, gcMarkDone's two steps skip the wbBuf
     * flush, so pointers buffered since the last full buffer stay unshaded through mark
     * termination. Only the oracles' test sets it.
     */
    volatile boolean skipWbBufFlushForTest;

    MarkDone(GcSupport rt, Barrier barrier, GcWork[] perP, GcWork shared) {
        this.rt = rt;
        this.barrier = barrier;
        this.perP = perP;
        this.shared = shared;
    }

    /**
     * gcMarkDone's ragged barrier; true if any P (or the shared gcWork) had flushed work, i.e.
     * Go's {@code gcMarkDoneFlushed != 0}: the caller re-checks from the top. The coordinator.
     */
    boolean raggedBarrier() {
        gcMarkDoneFlushed.set(0);
        rt.forEachP(gcsim.goroutines.WaitReason.GC_MARK_TERMINATION.toString(), this::flushP);
        synchronized (shared) { // deliberate: the stores of threads without a P (see the class comment)
            collect(shared);
        }
        return gcMarkDoneFlushed.get() != 0;
    }

    /** forEachP's fn: Go's closure in gcMarkDone. On the thread that runs it for P {@code pid}. */
    private void flushP(int pid) {
        // Flush the write barrier buffer, since this may add work to the gcWork.
        if (!skipWbBufFlushForTest) {
            shadedByFlushes.addAndGet(barrier.wbBufFlush1(pid));
        }
        // Flush the gcWork, since this may create global work and set the flushedWork flag.
        collect(perP[pid]);
    }

    private void collect(GcWork gcw) {
        gcw.dispose();
        // Collect the flushedWork flag.
        if (gcw.flushedWork) {
            gcMarkDoneFlushed.incrementAndGet();
            gcw.flushedWork = false;
        }
    }

    /**
     * gcMarkDone's go1.14 check with the world stopped: flushes every P's wbBuf and returns true
     * (restart concurrent mark) as soon as one P's gcWork is not empty; false when mark may
     * terminate, after disposing every (empty) gcWork. The coordinator, world stopped.
     */
    /**
     * The bytes the shared gcWork (stores by threads without a P) blackened this cycle, reset.
     * The cycle thread, world stopped.
     */
    long takeSharedBytesMarked() {
        synchronized (shared) {
            long b = shared.bytesMarked;
            shared.bytesMarked = 0;
            shared.objectsMarked = 0;
            return b;
        }
    }

    boolean workLeftAfterStop() {
        for (int pid = 0; pid < perP.length; pid++) {
            if (!skipWbBufFlushForTest) {
                shadedByFlushes.addAndGet(barrier.wbBufFlush1(pid));
            }
            if (!perP[pid].empty()) {
                return true;
            }
        }
        synchronized (shared) {
            if (!shared.empty()) {
                return true;
            }
        }
        for (GcWork gcw : perP) {
            gcw.dispose();
            gcw.flushedWork = false;
        }
        return false;
    }
}
