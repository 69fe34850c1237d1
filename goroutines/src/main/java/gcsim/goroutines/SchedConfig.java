package gcsim.goroutines;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of one simulated process.
 *
 * @param gomaxprocs   number of Ps (GOMAXPROCS)
 * @param preempt      {@link PreemptMode#ASYNC}: preemption requests also "signal"
 *                     the M so tight loops are preempted at async safe points
 *                     (Go 1.14); {@link PreemptMode#COOPERATIVE} is
 *                     GODEBUG=asyncpreemptoff=1
 * @param sysmon       whether to run sysmon (retakes Ps from syscalls, preempts Gs
 *                     running over 10 ms, wakes Ms for expired timers)
 * @param maxStackSize Go's maxstacksize in bytes (1 GB by default)
 * @param suspendWait  the suspendG wait strategy ({@code --suspend}):
 *                     {@link SuspendWait#SPIN}, Go's loop (procyield for 10 µs,
 *                     then osyield), or {@link SuspendWait#PARK} (go1.14's
 *                     suspendG TODO "Don't busy wait"): a suspender that must
 *                     wait parks at once until the G's side (a status change,
 *                     or its M handling the signal) wakes it
 * @param broken       protocol pieces broken on purpose ({@code --break}); empty
 *                     in every normal run (see {@link ProtocolPiece})
 * @param goVersion    the Go release whose rules the runtime follows ({@code --go};
 *                     {@link GoVersion#DEFAULT}, gcsim's model, unless told otherwise)
 */
public record SchedConfig(int gomaxprocs, PreemptMode preempt, boolean sysmon, long maxStackSize,
        SuspendWait suspendWait, Set<ProtocolPiece> broken, GoVersion goVersion) {
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

    /** The settings before versions existed: {@link GoVersion#DEFAULT}. */
    public SchedConfig(int gomaxprocs, PreemptMode preempt, boolean sysmon, long maxStackSize,
            SuspendWait suspendWait, Set<ProtocolPiece> broken) {
        this(gomaxprocs, preempt, sysmon, maxStackSize, suspendWait, broken, GoVersion.DEFAULT);
    }

    /** GOMAXPROCS n, async preemption and sysmon on, 1 GB stacks. */
    public static SchedConfig of(int gomaxprocs) {
        return new SchedConfig(gomaxprocs, PreemptMode.ASYNC, true, 1_000_000_000L, SuspendWait.SPIN,
                EnumSet.noneOf(ProtocolPiece.class));
    }

    /** Whether async (signal) preemption is on: {@code preempt() == ASYNC}. */
    public boolean asyncPreempt() {
        return preempt == PreemptMode.ASYNC;
    }

    /** Whether a waiting suspender parks: {@code suspendWait() == PARK}. */
    public boolean suspendSleeps() {
        return suspendWait == SuspendWait.PARK;
    }

    public SchedConfig withPreempt(PreemptMode mode) {
        return new SchedConfig(gomaxprocs, mode, sysmon, maxStackSize, suspendWait, broken, goVersion);
    }

    /** {@code on}: {@link PreemptMode#ASYNC}; off: {@link PreemptMode#COOPERATIVE}. */
    public SchedConfig withAsyncPreempt(boolean on) {
        return withPreempt(on ? PreemptMode.ASYNC : PreemptMode.COOPERATIVE);
    }

    public SchedConfig withSysmon(boolean on) {
        return new SchedConfig(gomaxprocs, preempt, on, maxStackSize, suspendWait, broken, goVersion);
    }

    public SchedConfig withSuspendWait(SuspendWait wait) {
        return new SchedConfig(gomaxprocs, preempt, sysmon, maxStackSize, wait, broken, goVersion);
    }

    /** {@code on}: {@link SuspendWait#PARK}; off: {@link SuspendWait#SPIN}. */
    public SchedConfig withSuspendSleeps(boolean on) {
        return withSuspendWait(on ? SuspendWait.PARK : SuspendWait.SPIN);
    }

    public SchedConfig withMaxStackSize(long bytes) {
        return new SchedConfig(gomaxprocs, preempt, sysmon, bytes, suspendWait, broken, goVersion);
    }

    /** The same settings with {@code pieces} broken on purpose (an ablation; never Go's behaviour). */
    public SchedConfig withBroken(Set<ProtocolPiece> pieces) {
        return new SchedConfig(gomaxprocs, preempt, sysmon, maxStackSize, suspendWait, pieces, goVersion);
    }

    /** The same settings following {@code version}'s rules. */
    public SchedConfig withGoVersion(GoVersion version) {
        return new SchedConfig(gomaxprocs, preempt, sysmon, maxStackSize, suspendWait, broken, version);
    }
}
