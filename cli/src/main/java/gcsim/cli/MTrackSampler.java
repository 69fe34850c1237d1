package gcsim.cli;

import gcsim.goroutines.G;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The per-M tracks of a {@code --trace}: which G each M ran when, sampled.
 * A sampler thread looks at every M's {@code curg} about every
 * {@link #PERIOD_NANOS} and, when it changed, closes a span "G&lt;goid&gt;" on
 * that M's track. Deliberately sampled rather than hooked into the scheduler
 * (the goroutines module has no tracing hook, and a span per schedule would
 * swamp the trace): switches shorter than the period are not shown, and a
 * span's edges are accurate to one period.
 *
 * <p>Started by the engine when a trace is present; {@link #stop()} (engine
 * thread) ends the thread and closes the open spans, before the command
 * closes the trace.
 */
final class MTrackSampler implements Runnable {
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Sched rt;
    private final ChromeTraceWriter trace;
    private final long initNanos;
    private @Nullable Thread thread; // set by start(), engine thread
    // Sampler thread only:
    private final Map<M, Track> tracks = new IdentityHashMap<>();
    private volatile boolean stopped;

    /** What an M's track shows now: the G it has been running since {@code since} (0 goid: none). */
    private static final class Track {
        final int tid;
        long goid;
        long since;

        Track(int tid) {
            this.tid = tid;
        }
    }

    MTrackSampler(Sched rt, ChromeTraceWriter trace, long initNanos) {
        this.rt = rt;
        this.trace = trace;
        this.initNanos = initNanos;
    }

    /** Starts the sampler thread. Engine thread, once. */
    void start() {
        Thread th = new Thread(this, "gcsim-engine-mtracks");
        th.setDaemon(true);
        thread = th;
        th.start();
    }

    /** Ends the sampling and closes the open spans. Engine thread; returns when the sampler thread ended. */
    void stop() {
        stopped = true;
        Thread th = thread;
        if (th == null) {
            return;
        }
        LockSupport.unpark(th);
        try {
            th.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            sample(System.nanoTime() - initNanos);
            LockSupport.parkNanos(PERIOD_NANOS);
        }
        long now = System.nanoTime() - initNanos;
        for (Track t : tracks.values()) {
            close(t, now);
        }
    }

    private void sample(long now) {
        List<M> ms = rt.allMs();
        for (int i = 0; i < ms.size(); i++) {
            M mp = ms.get(i);
            Track t = tracks.computeIfAbsent(mp, m -> new Track(trace.track("M" + tracks.size())));
            G gp = mp.curg();
            long goid = gp == null ? 0 : gp.goid();
            if (goid != t.goid) {
                close(t, now);
                t.goid = goid;
                t.since = now;
            }
        }
    }

    private void close(Track t, long now) {
        if (t.goid != 0) {
            trace.complete(t.tid, "G" + t.goid, "sched", t.since, Math.max(1, now - t.since));
        }
    }
}
