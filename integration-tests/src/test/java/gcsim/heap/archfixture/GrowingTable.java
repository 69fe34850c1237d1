package gcsim.heap.archfixture;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Architecture-test fixture: the heap's old type registry, a static table that only grows (ids
 * handed out by a static counter). {@code ArchitectureTest} shows its heap-state rule rejects
 * each of its three fields and accepts the constant table beside them.
 */
public final class GrowingTable {
    static final AtomicInteger NEXT_ID = new AtomicInteger(1);
    static volatile @Nullable Object[] table = new Object[4];
    static final Object[] BY_ID = new Object[4];
    /** A constant primitive table, as Go's size classes: allowed. */
    static final int[] SIZES = {0, 8, 16};

    private GrowingTable() {}

    /** Registers t for ever. */
    public static synchronized int register(Object t) {
        int id = NEXT_ID.getAndIncrement();
        if (id >= table.length) {
            table = Arrays.copyOf(table, table.length * 2);
        }
        table[id] = t;
        BY_ID[id % BY_ID.length] = t;
        return id + SIZES[0];
    }
}
