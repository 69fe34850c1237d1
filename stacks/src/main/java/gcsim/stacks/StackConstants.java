package gcsim.stacks;

/**
 * Go's stack layout constants (go1.14 {@code runtime/stack.go} for linux/amd64), by
 * their Go names in Java case.
 *
 * <p>The per-goroutine {@code stackguard0} points {@link #STACK_GUARD} bytes above the
 * bottom of the stack. Every function that is not {@code nosplit} compares its stack
 * pointer with it in its prologue ({@link Prologue}); a function with a frame of at most
 * {@link #STACK_SMALL} bytes may protrude that far below the guard, so the bottom
 * {@link #STACK_LIMIT} bytes remain for chains of {@code nosplit} functions.
 *
 * <p>Constants only; no instances.
 */
public final class StackConstants {
    private StackConstants() {}

    /** {@code sys.PtrSize}: bytes per word and per pointer. */
    public static final int PTR_SIZE = 8;

    /** {@code _StackSystem}: extra bytes below the guard for OS needs; 0 on linux. */
    public static final int STACK_SYSTEM = 0;

    /** {@code _StackMin}: the minimum size of stack used by Go code (2 KiB). */
    public static final int STACK_MIN = 2048;

    /**
     * {@code _FixedStack}: {@code _StackMin + _StackSystem} rounded up to a power of 2;
     * the smallest stack ever allocated, and the size of stack-pool order 0.
     */
    public static final int FIXED_STACK = roundUpToPowerOf2(STACK_MIN + STACK_SYSTEM);

    /**
     * {@code _StackBig}: functions with frames larger than this use the wraparound-safe
     * prologue (see {@link Prologue}).
     */
    public static final int STACK_BIG = 4096;

    /**
     * {@code _StackGuard}: the stack guard is a pointer this many bytes above the bottom of
     * the stack. go1.14 uses 896 ({@code 896*sys.StackGuardMultiplier + _StackSystem});
     * later Go (1.17+) uses 928.
     */
    public static final int STACK_GUARD = 896 + STACK_SYSTEM;

    /**
     * {@code _StackSmall}: after a stack split check the SP may be this many bytes below
     * the stack guard (saves an instruction in the check for tiny frames).
     */
    public static final int STACK_SMALL = 128;

    /** {@code _StackLimit}: the most bytes a chain of NOSPLIT functions may use (768). */
    public static final int STACK_LIMIT = STACK_GUARD - STACK_SYSTEM - STACK_SMALL;

    /**
     * {@code stackPreempt}: {@code uintptrMask & -1314} (0x...fade). Stored into
     * {@code g.stackguard0} to make every prologue check fail; greater than any real sp
     * when compared unsigned.
     */
    public static final long STACK_PREEMPT = 0xffff_ffff_ffff_fadeL;

    /** {@code stackFork}: {@code uintptrMask & -1234}; stackguard0 while a thread forks. */
    public static final long STACK_FORK = 0xffff_ffff_ffff_fb2eL;

    /** {@code minLegalPointer}: a non-zero pointer below this is invalid. */
    public static final long MIN_LEGAL_POINTER = 4096;

    /** {@code _NumStackOrders}: stack-pool orders 2, 4, 8 and 16 KiB on linux/amd64. */
    public static final int NUM_STACK_ORDERS = 4;

    /** {@code _StackCacheSize}: bytes of each per-P cache order (and of a pool span). */
    public static final int STACK_CACHE_SIZE = 32 * 1024;

    /** {@code _PageShift}: the heap's page size is 8 KiB. */
    public static final int PAGE_SHIFT = 13;

    /** {@code _PageSize}. */
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    /**
     * Go's maximum goroutine stack size on 64-bit ({@code maxstacksize = 1000000000},
     * set by {@code runtime.main}); settable per {@link Growth#setMaxStack}.
     */
    public static final long DEFAULT_MAX_STACK_SIZE = 1_000_000_000L;

    private static int roundUpToPowerOf2(int n) {
        return Integer.highestOneBit(n - 1) << 1;
    }
}
