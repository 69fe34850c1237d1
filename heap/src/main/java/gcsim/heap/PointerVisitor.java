package gcsim.heap;

/**
 * Receives one pointer slot: its address and the pointer value found there. Used by root-block
 * scanning ({@link Globals#scanRootBlock}); called on the scanning thread.
 */
@FunctionalInterface
public interface PointerVisitor {
    void visit(long slotAddr, long value);
}
