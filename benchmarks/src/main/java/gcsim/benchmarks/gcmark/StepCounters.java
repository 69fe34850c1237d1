package gcsim.benchmarks.gcmark;

import gcsim.gcmark.CycleRecord;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link PauseStepBenchmarks}' auxiliary counters: per iteration, the sums over its cycles of
 * each stop's parts as {@link CycleRecord#pauses()} gives them, in nanoseconds ({@code st}:
 * sweep termination, {@code mt}: mark termination); divide by {@code cycles}. A step is read by
 * its name: {@code finishSweep} goes to {@code stFinishSweepNs}; a name without a counter of its
 * own goes to {@code stOtherStepsNs} / {@code mtOtherStepsNs}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class StepCounters {
    public long cycles;

    public long stTimeToStopNs;
    public long stFinishSweepNs;
    public long stRootPrepNs;
    public long stOtherStepsNs;
    public long stRestNs;
    public long stRestartNs;
    public long stWholeNs;

    public long mtTimeToStopNs;
    public long mtChecksNs;
    public long mtCheckmarkNs;
    public long mtSweepStartNs;
    public long mtOtherStepsNs;
    public long mtRestNs;
    public long mtRestartNs;
    public long mtWholeNs;

    @Setup(Level.Iteration)
    public void reset() {
        cycles = 0;
        stTimeToStopNs = stFinishSweepNs = stRootPrepNs = stOtherStepsNs = stRestNs = stRestartNs = stWholeNs = 0;
        mtTimeToStopNs = mtChecksNs = mtCheckmarkNs = mtSweepStartNs = mtOtherStepsNs = 0;
        mtRestNs = mtRestartNs = mtWholeNs = 0;
    }

    void add(CycleRecord r) {
        cycles++;
        CycleRecord.Pause st = r.pauses().sweepTermination();
        stTimeToStopNs += st.timeToStopNanos();
        stRestNs += st.restNanos();
        stRestartNs += st.restartNanos();
        stWholeNs += st.wallNanos();
        for (CycleRecord.Step s : st.steps()) {
            switch (s.name()) {
                case "finishSweep" -> stFinishSweepNs += s.nanos();
                case "rootPrep" -> stRootPrepNs += s.nanos();
                default -> stOtherStepsNs += s.nanos();
            }
        }
        CycleRecord.Pause mt = r.pauses().markTermination();
        mtTimeToStopNs += mt.timeToStopNanos();
        mtRestNs += mt.restNanos();
        mtRestartNs += mt.restartNanos();
        mtWholeNs += mt.wallNanos();
        for (CycleRecord.Step s : mt.steps()) {
            switch (s.name()) {
                case "checks" -> mtChecksNs += s.nanos();
                case "checkmark" -> mtCheckmarkNs += s.nanos();
                case "sweepStart" -> mtSweepStartNs += s.nanos();
                default -> mtOtherStepsNs += s.nanos();
            }
        }
    }
}
