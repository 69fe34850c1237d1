package gcsim.gcmark;

import gcsim.goroutines.WorldStop;
import gcsim.goroutines.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The collector's pause breakdown (gcsim's addition, as HotSpot's safepoint log; Go keeps only
 * work.pauseNS): times the named steps of the work done while the world is stopped and, once the
 * world runs again, joins them with the runtime's {@link WorldStop} (time to stop, last P and M,
 * restart) into a {@link CycleRecord.Pause}.
 *
 * <p>Use: with the world stopped, {@link #begin} before a step and {@link #end} after it; after
 * startTheWorld, {@link #take}. The steps need not cover the stopped time: what they leave is the
 * pause's {@code restNanos}. Only the collector's cycle thread (under startSema) calls it, so it
 * needs no lock; a few small objects per cycle, nothing proportional to goroutines or heap.
 */
final class PauseBreakdown {
    private final Platform platform;
    private final long initNanos;
    private final List<CycleRecord.Step> steps = new ArrayList<>();
    private long stepStart;

    PauseBreakdown(Platform platform, long initNanos) {
        this.platform = platform;
        this.initNanos = initNanos;
    }

    /** Starts a step. The cycle thread, world stopped. */
    void begin() {
        stepStart = platform.nanoTime();
    }

    /** Ends the step begun last, under {@code name} (its JSON key). The cycle thread, world stopped. */
    void end(String name) {
        long now = platform.nanoTime();
        steps.add(new CycleRecord.Step(name, stepStart - initNanos, now - stepStart));
    }

    /** Forgets steps of a stop that did not end a phase (gcMarkDone restarting concurrent mark). */
    void discard() {
        steps.clear();
    }

    /**
     * The pause of the stop {@code w} (the runtime's last one, just restarted) with the steps
     * recorded since the last take or discard, which it clears. The cycle thread, world running.
     */
    CycleRecord.Pause take(@Nullable WorldStop w) {
        if (w == null) {
            steps.clear();
            return CycleRecord.Pause.NONE;
        }
        long stepsNanos = 0;
        for (CycleRecord.Step s : steps) {
            stepsNanos += s.nanos();
        }
        CycleRecord.Pause p = new CycleRecord.Pause(w.requestNanos() - initNanos, w.timeToStopNanos(), w.lastP(),
                w.lastM(), w.stoppedWorkNanos(), steps, w.stoppedWorkNanos() - stepsNanos, w.timeToRestartNanos());
        steps.clear();
        return p;
    }
}
