package gcsim.goroutines;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

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
 * @param broken       protocol pieces broken on purpose ({@code --break}); empty
 *                     in every normal run (see {@link ProtocolPiece})
 */
public record SchedConfig(int gomaxprocs, boolean asyncPreempt, boolean sysmon, long maxStackSize,
        boolean suspendSleeps, Set<ProtocolPiece> broken) {
    public SchedConfig {
        broken = broken.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(ProtocolPiece.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(broken));
        if (gomaxprocs < 1) {
            throw new IllegalArgumentException("gomaxprocs must be >= 1: " + gomaxprocs);
        }
        if (maxStackSize < 2048) {
            throw new IllegalArgumentException("maxStackSize too small: " + maxStackSize);
        }
    }

    /** GOMAXPROCS n, async preemption and sysmon on, 1 GB stacks. */
    public static SchedConfig of(int gomaxprocs) {
        return new SchedConfig(gomaxprocs, true, true, 1_000_000_000L, false, EnumSet.noneOf(ProtocolPiece.class));
    }

    public SchedConfig withAsyncPreempt(boolean on) {
        return new SchedConfig(gomaxprocs, on, sysmon, maxStackSize, suspendSleeps, broken);
    }

    public SchedConfig withSysmon(boolean on) {
        return new SchedConfig(gomaxprocs, asyncPreempt, on, maxStackSize, suspendSleeps, broken);
    }

    public SchedConfig withSuspendSleeps(boolean on) {
        return new SchedConfig(gomaxprocs, asyncPreempt, sysmon, maxStackSize, on, broken);
    }

    public SchedConfig withMaxStackSize(long bytes) {
        return new SchedConfig(gomaxprocs, asyncPreempt, sysmon, bytes, suspendSleeps, broken);
    }

    /** The same settings with {@code pieces} broken on purpose (an ablation; never Go's behaviour). */
    public SchedConfig withBroken(Set<ProtocolPiece> pieces) {
        return new SchedConfig(gomaxprocs, asyncPreempt, sysmon, maxStackSize, suspendSleeps, pieces);
    }
}
