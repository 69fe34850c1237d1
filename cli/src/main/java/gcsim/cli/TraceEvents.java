package gcsim.cli;

import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.M;
import gcsim.goroutines.RuntimeEvents;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Feeds a {@code --trace} from the runtime's event stream: per-M tracks
 * with exact "which G ran when" spans (from execute to dropg), each suspendG
 * as a span from request to return on the suspender's track, stack growths
 * and shrinks, G creation/exit and every G status transition as instants on
 * the track of the thread that made them, and GC phase changes on a track
 * of their own.
 *
 * <p>Bounded with the writer's cap. Status transitions are the bulk of the
 * events, so once the trace is {@link #SAMPLE_FROM_PERCENT}% full only every
 * {@link #STATUS_SAMPLE_EVERY}th of them is written (counted, and said in
 * the trace's notes), leaving room for the rarer spans until the cap.
 *
 * <p>Thread safety: called by every runtime thread at once. Per-M state
 * ({@link MTrack}) is touched only by that M's thread; track ids are
 * created once per thread under the writer's lock.
 */
final class TraceEvents implements RuntimeEvents {
    static final int SAMPLE_FROM_PERCENT = 80;
    static final int STATUS_SAMPLE_EVERY = 16;

    private final ChromeTraceWriter trace;
    private final long initNanos;
    private final long sampleFrom;
    private final ConcurrentHashMap<Thread, Integer> otherTracks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<M, MTrack> mTracks = new ConcurrentHashMap<>();
    private final LongAdder statusSeen = new LongAdder();
    private final LongAdder statusSkipped = new LongAdder();
    private final int gcTrack;

    /** An M's track and the G it runs since {@code since} (goid 0: none). The M's thread only. */
    private static final class MTrack {
        final int tid;
        long goid;
        long since;

        MTrack(int tid) {
            this.tid = tid;
        }
    }

    TraceEvents(ChromeTraceWriter trace, long initNanos) {
        this.trace = trace;
        this.initNanos = initNanos;
        this.sampleFrom = trace.maxEvents() / 100 * SAMPLE_FROM_PERCENT;
        this.gcTrack = trace.track("GC phase changes");
    }

    private long now() {
        return System.nanoTime() - initNanos;
    }

    private MTrack mTrack(M mp) {
        return mTracks.computeIfAbsent(mp, m -> new MTrack(trace.track("M" + m.id())));
    }

    /** The track of the calling thread: its M's, or one per other thread (GC workers, the driver). */
    private int currentTrack() {
        M mp = M.getm();
        if (mp != null) {
            return mTrack(mp).tid;
        }
        Thread t = Thread.currentThread();
        return otherTracks.computeIfAbsent(t, th -> trace.track(th.getName()));
    }

    @Override
    public void mRuns(M mp, @Nullable G gp) {
        MTrack t = mTrack(mp);
        long now = now();
        if (t.goid != 0) {
            trace.complete(t.tid, "G" + t.goid, "sched", t.since, Math.max(1, now - t.since), "goid", t.goid);
        }
        t.goid = gp == null ? 0 : gp.goid();
        t.since = now;
    }

    @Override
    public void statusChanged(G gp, int oldval, int newval, @Nullable M mp) {
        statusSeen.increment();
        if (trace.recordedEvents() >= sampleFrom && statusSeen.sum() % STATUS_SAMPLE_EVERY != 0) {
            statusSkipped.increment();
            return;
        }
        int tid = mp != null ? mTrack(mp).tid : currentTrack();
        trace.instant(tid, gname(gp) + " " + GStatus.statusString(oldval) + scan(oldval) + " -> "
                + GStatus.statusString(newval) + scan(newval), "status", now(), "goid", Long.toString(gp.goid()));
    }

    /**
     * "g17"; a G newproc1 has not numbered yet (goid 0: it takes its goid after
     * _Gdead -> _Grunnable, as in Go) is "newg", its name in newproc1, never
     * "g0", which a runtime reader takes for an M's scheduling goroutine.
     */
    private static String gname(G gp) {
        return gp.goid() == 0 ? "newg" : "g" + gp.goid();
    }

    private static String scan(int s) {
        return (s & GStatus.G_SCAN) != 0 ? "+scan" : "";
    }

    @Override
    public void suspendEnd(G gp, boolean dead, boolean stopped, long latencyNanos) {
        long end = now();
        String result = dead ? "dead" : stopped ? "stopped" : "suspended";
        trace.complete(currentTrack(), "suspendG g" + gp.goid() + " (" + result + ")", "suspendG",
                end - latencyNanos, Math.max(1, latencyNanos), "goid", gp.goid());
    }

    @Override
    public void stackCopied(G gp, int kind, long oldSize, long newSize) {
        trace.instant(currentTrack(), (kind == STACK_GROW ? "stack grow g" : "stack shrink g") + gp.goid(),
                "stack", now(), "size", oldSize + " -> " + newSize);
    }

    @Override
    public void goroutineCreated(G gp) {
        trace.instant(currentTrack(), "newproc g" + gp.goid(), "goroutine", now());
    }

    @Override
    public void goroutineExited(G gp) {
        trace.instant(currentTrack(), "goexit g" + gp.goid(), "goroutine", now());
    }

    /** A span "mark worker (mode)" on the worker's M track, inside its G's span. */
    @Override
    public void gcMarkWorkerRun(String mode, long nanos) {
        long d = Math.max(1, nanos);
        trace.complete(currentTrack(), "mark worker (" + mode + ")", "gc", now() - d, d);
    }

    @Override
    public void gcPhase(String phase) {
        trace.instant(gcTrack, phase, "gc", now());
    }

    /**
     * Closes the spans of the Gs still running and notes any sampling in the
     * trace. The engine thread, after the Ms stopped and before the trace is closed.
     */
    void finish() {
        long now = now();
        for (MTrack t : mTracks.values()) {
            if (t.goid != 0) {
                trace.complete(t.tid, "G" + t.goid, "sched", t.since, Math.max(1, now - t.since), "goid", t.goid);
                t.goid = 0;
            }
        }
        long skipped = statusSkipped.sum();
        if (skipped > 0) {
            trace.note("status transition instants sampled near the cap: 1 in " + STATUS_SAMPLE_EVERY
                    + " written once the trace was " + SAMPLE_FROM_PERCENT + "% full; " + skipped + " of "
                    + statusSeen.sum() + " left out");
        }
    }
}
