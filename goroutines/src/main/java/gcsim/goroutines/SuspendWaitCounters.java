package gcsim.goroutines;

import java.util.concurrent.atomic.LongAdder;

/**
 * How suspendG callers of one {@link Sched} waited for their goroutines to
 * reach a safe point: the figures that compare {@code --suspend spin} with
 * {@code --suspend park} ({@link SuspendWait}). Counters only grow; a reader
 * takes differences (gc-mark does so per cycle, into the JSON's
 * {@code strategies}). Written all by the suspenders themselves; read by
 * anyone. Not the suspendG latencies of a cycle: gc-mark measures those
 * itself ({@code CycleRecord.SuspendLatency}, the JSON's {@code suspendG}).
 */
public final class SuspendWaitCounters {
    /** Busy-wait rounds (procyield or osyield) of spinning suspenders (park's immediate CAS retries are not counted). */
    final LongAdder spins = new LongAdder();
    /** Times a suspender parked (park strategy). */
    final LongAdder parks = new LongAdder();
    /** Parks that ended because the G's side woke the suspender (a status change or a handled signal). */
    final LongAdder wakeups = new LongAdder();
    /** Parks that ended on the safety-net timeout instead of a wakeup (should stay 0 with a moving G). */
    final LongAdder parkTimeouts = new LongAdder();
    /** Busy time of suspendG calls that had to wait: wall time minus time parked or yielded (ns). */
    final LongAdder waitCpuNanos = new LongAdder();
    /** suspendG calls that had to wait at least once (G running, copying or held by another suspender). */
    final LongAdder waitingCalls = new LongAdder();

    SuspendWaitCounters() {}

    /** A consistent-enough copy for reports (each counter read once). Any thread. */
    public Snapshot snapshot() {
        return new Snapshot(spins.sum(), parks.sum(), wakeups.sum(), parkTimeouts.sum(), waitCpuNanos.sum(),
                waitingCalls.sum());
    }

    /** Values of the counters at one moment; {@link #minus} gives the activity between two. */
    public record Snapshot(long spins, long parks, long wakeups, long parkTimeouts, long waitCpuNanos,
            long waitingCalls) {
        public Snapshot minus(Snapshot o) {
            return new Snapshot(spins - o.spins, parks - o.parks, wakeups - o.wakeups,
                    parkTimeouts - o.parkTimeouts, waitCpuNanos - o.waitCpuNanos, waitingCalls - o.waitingCalls);
        }
    }
}
