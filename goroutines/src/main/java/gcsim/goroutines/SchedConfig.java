package gcsim.goroutines;

/**
 * Settings of one simulated process.
 *
 * @param gomaxprocs   number of Ps (GOMAXPROCS)
 * @param asyncPreempt whether preemption requests also "signal" the M so tight
 *                     loops are preempted at async safe points (Go 1.14); off is
 *                     GODEBUG=asyncpreemptoff=1
 * @param sysmon       whether to run sysmon (retakes Ps from syscalls, preempts Gs
 *                     running over 10 ms, wakes Ms for expired timers)
 * @param maxStackSize Go's maxstacksize in bytes (1 GB by default)
 * @param suspendSleeps the suspendG wait strategy ({@code --suspend}): false is
 *                     {@code spin}, Go's loop (procyield for 10 µs, then osyield);
 *                     true is {@code park} (the seed's TODO "Don't busy wait"): a
 *                     suspender that must wait parks at once until the G's side
 *                     (a status change, or its M handling the signal) wakes it
 */
public record SchedConfig(int gomaxprocs, boolean asyncPreempt, boolean sysmon, long maxStackSize,
        boolean suspendSleeps) {
    public SchedConfig {
        if (gomaxprocs < 1) {
            throw new IllegalArgumentException("gomaxprocs must be >= 1: " + gomaxprocs);
        }
        if (maxStackSize < 2048) {
            throw new IllegalArgumentException("maxStackSize too small: " + maxStackSize);
        }
    }

    /** GOMAXPROCS n, async preemption and sysmon on, 1 GB stacks. */
    public static SchedConfig of(int gomaxprocs) {
        return new SchedConfig(gomaxprocs, true, true, 1_000_000_000L, false);
    }

    public SchedConfig withAsyncPreempt(boolean on) {
        return new SchedConfig(gomaxprocs, on, sysmon, maxStackSize, suspendSleeps);
    }

    public SchedConfig withSysmon(boolean on) {
        return new SchedConfig(gomaxprocs, asyncPreempt, on, maxStackSize, suspendSleeps);
    }

    public SchedConfig withSuspendSleeps(boolean on) {
        return new SchedConfig(gomaxprocs, asyncPreempt, sysmon, maxStackSize, on);
    }

    public SchedConfig withMaxStackSize(long bytes) {
        return new SchedConfig(gomaxprocs, asyncPreempt, sysmon, bytes, suspendSleeps);
    }
}
