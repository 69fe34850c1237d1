package gcsim.heap.internal;

/**
 * The hook the heap's {@code writePointer} calls before every pointer store (Go's write barrier,
 * {@code gcWriteBarrier} / {@code wbBuf}). The heap only declares it; the collector installs an
 * implementation while it marks ({@link HeapGcSupport#setWriteBarrier}; dependency inversion: the
 * heap never depends on gc-mark).
 *
 * <p>Called on the mutator thread that stores, BEFORE the store, with the value currently in the
 * slot and the value about to be written. It must not store into {@code slot} itself.
 */
@FunctionalInterface
public interface WriteBarrier {
    void writePointer(long slot, long oldValue, long newValue);
}
