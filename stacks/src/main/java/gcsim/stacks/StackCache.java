package gcsim.stacks;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A per-P cache of free small stacks (Go's {@code mcache.stackcache}): per order, a free
 * list and its size in bytes. It lets stackalloc/stackfree on one P avoid the global
 * pool's lock; {@code stackcacherefill} grabs half a cache's worth from the pool, and
 * {@code stackcacherelease} returns down to half when a list reaches
 * {@link StackConstants#STACK_CACHE_SIZE}.
 *
 * <p>Ownership: used by one thread at a time — the thread owning the P this cache belongs
 * to (in gcsim, the M holding that P). Handing a P to another M publishes the cache through
 * whatever synchronises the hand-off. {@link StackAllocator#stackcacheClear} must run with
 * the P stopped (Go does it at GC start with the world stopped).
 */
public final class StackCache {
    /** Which P this cache belongs to (informational). */
    private final int p;
    /** Free stacks per order, linked through {@link Stack#next}. */
    final @Nullable Stack[] list = new Stack[StackConstants.NUM_STACK_ORDERS];
    /** Bytes on each order's list. */
    final long[] size = new long[StackConstants.NUM_STACK_ORDERS];

    StackCache(int p) {
        this.p = p;
    }

    /** The P index this cache belongs to. */
    public int p() {
        return p;
    }

    /** Bytes of free stacks cached for {@code order} (0..3). The owner only. */
    public long cachedBytes(int order) {
        return size[order];
    }
}
