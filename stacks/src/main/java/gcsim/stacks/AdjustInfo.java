package gcsim.stacks;

/**
 * What copystack tells the holders of stack pointers (Go's {@code adjustinfo}): the old
 * stack's bounds and {@code delta = new.hi - old.hi}. Immutable; one per copystack.
 */
public final class AdjustInfo {
    private final long oldLo;
    private final long oldHi;
    private final long delta;

    AdjustInfo(long oldLo, long oldHi, long delta) {
        this.oldLo = oldLo;
        this.oldHi = oldHi;
        this.delta = delta;
    }

    /** The old stack's lo. */
    public long oldLo() {
        return oldLo;
    }

    /** The old stack's hi. */
    public long oldHi() {
        return oldHi;
    }

    /** {@code new.hi - old.hi}. */
    public long delta() {
        return delta;
    }

    /**
     * Go's {@code adjustpointer}: {@code p + delta} if {@code p} points into the old stack
     * {@code [old.lo, old.hi)}, else {@code p} unchanged.
     */
    public long adjustpointer(long p) {
        return oldLo <= p && p < oldHi ? p + delta : p;
    }
}
