package gcsim.stacks;

/** Receives stack slots from {@link StackScan#scanstack}, on the scanning thread. */
@FunctionalInterface
public interface StackSlotVisitor {
    /**
     * One possible pointer: the slot's address, its current value (possibly 0 or a
     * non-pointer), and whether it comes from a conservatively scanned frame (then it may be
     * any scalar, and the visitor must check it really points at something).
     */
    void visit(long slotAddr, long value, boolean conservative);
}
