package gcsim.gcmark;

/**
 * Wall-clock marks of a cycle (Go's work.tSweepTerm, tMark, tMarkTerm, tEnd), the cycle thread's.
 * A cycle's phase boundaries. Once each stop is restarted they are set from its {@link
 * CycleRecord.Pause}, as Go sets them around stopTheWorldWithSema (mgc.go, worldsema already
 * held): tSweepTerm is the request, tMark the return of startTheWorldWithSema (gcStart's
 * {@code work.tMark = now}), tMarkTerm the last mark-termination request (gcMarkDone) and
 * tEnd the start of its restart (gcMarkTermination takes {@code work.tEnd} before
 * startTheWorldWithSema), so each pause's parts add up to its phase's wall time.
 */
final class CycleClock {
    long tSweepTerm;
    long tMark;
    long tMarkTerm;
    long tEnd;
    CycleRecord.Pause sweepTermPause = CycleRecord.Pause.NONE;
    CycleRecord.Pause markTermPause = CycleRecord.Pause.NONE;

    CycleClock(long tSweepTerm) {
        this.tSweepTerm = tSweepTerm;
    }

    /** After sweep termination's restart (the cycle thread): its pause and phase bounds. */
    void sweepTermination(CycleRecord.Pause p, long initNanos) {
        sweepTermPause = p;
        if (p != CycleRecord.Pause.NONE) {
            tSweepTerm = initNanos + p.requestNanosSinceInit();
            tMark = tSweepTerm + p.wallNanos();
        }
    }

    /**
     * After mark termination's restart: its pause and phase bounds. In stop-the-world mode
     * the phase began at tMark (the record counts mark as part of it), so only tEnd moves.
     */
    void markTermination(CycleRecord.Pause p, long initNanos, boolean stwMode) {
        markTermPause = p;
        if (p != CycleRecord.Pause.NONE) {
            long request = initNanos + p.requestNanosSinceInit();
            if (!stwMode) {
                tMarkTerm = request;
            }
            tEnd = request + p.timeToStopNanos() + p.stoppedNanos();
        }
    }
}
