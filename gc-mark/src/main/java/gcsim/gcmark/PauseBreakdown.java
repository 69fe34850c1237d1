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
 *
 * <p>Cost: {@link #begin} and {@link #end} allocate nothing and call nothing but the clock: they
 * run with the world stopped, once per cycle, in code HotSpot interprets for hundreds of cycles
 * unless the launcher's compile commands compile it (docs/benchmarks.md, "The stopped path
 * compiled"), and interpreted each allocation or first call of a method costs about a microsecond. The steps are kept in fixed
 * arrays and become {@link CycleRecord.Step}s in {@link #take}, after the restart.
 */
final class PauseBreakdown {
    /** More named steps than any one stop has (sweep termination 2, mark termination 3). */
    private static final int MAX_STEPS = 8;

    private final Platform platform;
    private final long initNanos;
    private final String[] stepNames = new String[MAX_STEPS];
    private final long[] stepStarts = new long[MAX_STEPS];
    private final long[] stepNanos = new long[MAX_STEPS];
    private int nsteps;
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
        int i = nsteps;
        if (i == MAX_STEPS) {
            throw new IllegalStateException("more than " + MAX_STEPS + " steps in one stop");
        }
        stepNames[i] = name;
        stepStarts[i] = stepStart - initNanos;
        stepNanos[i] = now - stepStart;
        nsteps = i + 1;
    }

    /** Forgets steps of a stop that did not end a phase (gcMarkDone restarting concurrent mark). */
    void discard() {
        nsteps = 0;
    }

    /**
     * The pause of the stop {@code w} (the runtime's last one, just restarted) with the steps
     * recorded since the last take or discard, which it clears. The cycle thread, world running.
     */
    CycleRecord.Pause take(@Nullable WorldStop w) {
        if (w == null) {
            nsteps = 0;
            return CycleRecord.Pause.NONE;
        }
        List<CycleRecord.Step> steps = new ArrayList<>(nsteps);
        long stepsNanos = 0;
        for (int i = 0; i < nsteps; i++) {
            steps.add(new CycleRecord.Step(stepNames[i], stepStarts[i], stepNanos[i]));
            stepsNanos += stepNanos[i];
        }
        nsteps = 0;
        return new CycleRecord.Pause(w.requestNanos() - initNanos, w.timeToStopNanos(), w.lastP(),
                w.lastM(), w.stoppedWorkNanos(), steps, w.stoppedWorkNanos() - stepsNanos, w.timeToRestartNanos());
    }
}
