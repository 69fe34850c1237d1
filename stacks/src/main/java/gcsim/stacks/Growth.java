package gcsim.stacks;

import static gcsim.base.GoThrow.hex;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.MIN_LEGAL_POINTER;
import static gcsim.stacks.StackConstants.PTR_SIZE;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_LIMIT;

import gcsim.base.GoThrow;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Moving stacks, after go1.14 {@code runtime/stack.go}: the growth path of
 * {@code newstack}, {@code copystack} with {@code adjustframe}/{@code adjustpointers}, and
 * {@code shrinkstack}'s mechanics and size rule.
 *
 * <p>What stays with the caller (the goroutines module), as in Go's callers of these
 * functions: the G status protocol ({@code _Grunning → _Gcopystack → _Grunning} around
 * growth; owning the stack through the scan bit for shrinking), the preemption branch of
 * newstack (stackguard0 == stackPreempt), refusing to copy in a system call ("stack growth
 * not allowed in system call"), deciding whether shrinking is safe now
 * ({@link #isShrinkStackSafe}), and installing the returned stack: {@code g.stack = new},
 * {@code g.stackguard0 = new.lo + StackGuard}, {@code sp += new.hi - old.hi}.
 *
 * <p>Conservative frames: copystack adjusts pointers by the stack maps only; a conservative
 * (asyncPreempt) frame has none, and the frame it interrupted is adjusted by its map at the
 * interrupted pc, which may be imprecise. That is why Go refuses to shrink at an async safe
 * point (and never grows there); gcsim's callers must do the same.
 *
 * <p>Thread safety: {@link #setMaxStack} and {@link #setGcshrinkstackoff} are volatile
 * settings; the other methods run on the thread owning the stack being moved, with that
 * thread's {@link StackCache} (or none), and may run for different stacks in parallel.
 */
public final class Growth {
    /**
     * gcsim's ceiling on stack size (Go 1.17+'s {@code maxstackceiling}): simulated stacks are
     * Java arrays, and sizes are powers of two held in an {@code int}.
     */
    public static final long MAX_STACK_CEILING = 1L << 30;

    private final StackAllocator allocator;
    private final FuncTab functab;
    /** Go's {@code maxstacksize}: written by setMaxStack, read by newstack. */
    private volatile long maxstacksize = StackConstants.DEFAULT_MAX_STACK_SIZE;
    /** Go's {@code debug.gcshrinkstackoff}. */
    private volatile boolean gcshrinkstackoff;

    /** Growth for stacks from {@code allocator} whose frames are described by {@code functab}. */
    public Growth(StackAllocator allocator, FuncTab functab) {
        this.allocator = allocator;
        this.functab = functab;
    }

    /** Go's {@code debug.SetMaxStack}: sets the maximum stack size in bytes, returns the previous one. */
    public long setMaxStack(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("max stack " + bytes);
        }
        long old = maxstacksize;
        maxstacksize = bytes;
        return old;
    }

    /** The maximum stack size in bytes (default 1,000,000,000). */
    public long maxStack() {
        return maxstacksize;
    }

    /** Go's {@code GODEBUG=gcshrinkstackoff=1}: when on, shrinkstack never shrinks. */
    public void setGcshrinkstackoff(boolean off) {
        gcshrinkstackoff = off;
    }

    // ---- newstack ----

    /**
     * newstack's size computation: doubles {@code oldSize} (at least once) until it reaches
     * {@code needed} bytes — the bytes in use plus the pending frame plus StackGuard (Go
     * 1.15+'s loop; go1.14 doubles once and re-enters morestack until the frame fits, which
     * ends at the same size). Throws Go's "stack overflow", preceded by
     * "runtime: goroutine stack exceeds N-byte limit", above the maximum. Pure; any thread.
     */
    public int newstackSize(int oldSize, long needed) {
        long newsize = computeNewSize(oldSize, needed);
        if (newsize > maxstacksize || newsize > MAX_STACK_CEILING) {
            throw stackOverflow("");
        }
        return (int) newsize;
    }

    /**
     * The growth path of Go's {@code newstack}: the frame at {@code (pc, sp)} on {@code old}
     * is about to call a function needing {@code callBytes} below {@code sp}
     * ({@link FrameLayout#callBytes}); moves the stack to one big enough (see
     * {@link #newstackSize}) and returns it. The old stack is freed. The caller owns the G
     * (status {@code _Gcopystack}) and installs the result (see the class comment).
     */
    public Stack newstack(@Nullable StackCache c, Stack old, long pc, long sp, int callBytes,
            StackPointerAdjuster extra) {
        if (sp < old.lo) {
            throw new GoThrow("runtime: split stack overflow",
                    "runtime: split stack overflow: " + hex(sp) + " < " + hex(old.lo) + "\n");
        }
        long needed = (old.hi - sp) + callBytes + STACK_GUARD;
        long newsize = computeNewSize(old.size(), needed);
        if (newsize > maxstacksize || newsize > MAX_STACK_CEILING) {
            throw stackOverflow("runtime: sp=" + hex(sp) + " " + old + "\n");
        }
        return copystack(c, old, pc, sp, (int) newsize, extra);
    }

    private static long computeNewSize(int oldSize, long needed) {
        long newsize = (long) oldSize * 2;
        while (newsize < needed) {
            newsize *= 2;
        }
        return newsize;
    }

    private GoThrow stackOverflow(String spLine) {
        long max = maxstacksize;
        long limit = max < MAX_STACK_CEILING ? max : MAX_STACK_CEILING;
        return new GoThrow("stack overflow",
                "runtime: goroutine stack exceeds " + limit + "-byte limit\n" + spLine);
    }

    // ---- copystack ----

    /** {@link #copystack(StackCache, Stack, long, long, int, StackPointerAdjuster)} using the global pool. */
    public Stack copystack(Stack old, long pc, long sp, int newSize, StackPointerAdjuster extra) {
        return copystack(null, old, pc, sp, newSize, extra);
    }

    /**
     * Go's {@code copystack}: allocates a {@code newSize}-byte stack (from cache {@code c},
     * owned by the calling thread, or the global pool), calls {@code extra} for pointers held
     * outside the frames, copies the used part {@code [sp, old.hi)} to the top of it, adjusts every pointer slot of every frame (by the stack maps at each
     * frame's pc) that points into {@code [old.lo, old.hi)} by {@code new.hi - old.hi}, and
     * frees the old stack. The innermost frame is at {@code (pc, sp)}; in the new stack it
     * is at {@code sp + (new.hi - old.hi)}. Throws "invalid pointer found on stack" for a
     * locals pointer slot holding 0 &lt; v &lt; 4096. Returns the new stack, which the caller owns.
     */
    public Stack copystack(@Nullable StackCache c, Stack old, long pc, long sp, int newSize,
            StackPointerAdjuster extra) {
        FrameWalk.checkStart(old, sp);
        long used = old.hi - sp;
        if (used > newSize) {
            throw new GoThrow("copystack: new stack too small",
                    "runtime: used=" + used + " newsize=" + newSize + "\n");
        }
        Stack nw = allocator.stackalloc(c, newSize);
        long delta = nw.hi - old.hi;
        AdjustInfo adjinfo = new AdjustInfo(old.lo, old.hi, delta);
        // Adjust structures outside the stack that point into it (sudogs), before the copy as
        // in Go: a channel partner that writes to the old stack before the copy is carried over.
        extra.adjust(adjinfo);
        // Copy the stack to the new location.
        System.arraycopy(old.words, old.indexUnchecked(sp), nw.words, nw.indexUnchecked(sp + delta),
                (int) (used >> 3));
        // Adjust pointers in the new stack.
        adjustframes(nw, pc, sp + delta, adjinfo);
        allocator.stackfree(c, old);
        return nw;
    }

    /**
     * gentraceback over the new stack with adjustframe as the callback. A conservative
     * function's frame (asyncPreempt) has no maps and is skipped; see the class comment.
     */
    private void adjustframes(Stack s, long pc, long sp, AdjustInfo adjinfo) {
        FrameWalk.walk(functab, s, pc, sp, Integer.MAX_VALUE, (f, framePc, frameSp, lr, conservative) -> {
            if (!f.conservative()) {
                adjustframe(s, frameSp, f, f.stackMapAt(FuncTab.pcIndex(framePc)), adjinfo);
            }
            return true;
        });
    }

    /** Go's {@code adjustframe}: locals (with the invalid-pointer check), then args (without, as Go). */
    private static void adjustframe(Stack s, long sp, FuncInfo f, StackMap m, AdjustInfo adjinfo) {
        int i = s.indexUnchecked(sp);
        adjustpointers(s, i, sp, m.locals, adjinfo, f);
        if (m.args.length != 0) {
            long argp = FrameLayout.argp(sp, f);
            adjustpointers(s, i + f.frameWords + 1, argp, m.args, adjinfo, null);
        }
    }

    /**
     * Go's {@code adjustpointers}: for each pointer word {@code off} of the block at
     * {@code scanp} (word index {@code i}), rewrite it if it points into the old stack.
     * {@code f} non-null enables Go's junk-pointer check (Go passes a valid funcInfo for
     * locals only).
     */
    private static void adjustpointers(Stack s, int i, long scanp, int[] offs, AdjustInfo adjinfo,
            @Nullable FuncInfo f) {
        long[] w = s.words;
        long minp = adjinfo.oldLo();
        long maxp = adjinfo.oldHi();
        long delta = adjinfo.delta();
        for (int off : offs) {
            long p = w[i + off];
            if (f != null && 0 < p && p < MIN_LEGAL_POINTER) {
                // Looks like a junk value in a pointer slot. Live analysis wrong?
                throw new GoThrow("invalid pointer found on stack", "runtime: bad pointer in frame "
                        + f.name() + " at " + hex(scanp + (long) off * PTR_SIZE) + ": " + hex(p) + "\n");
            }
            if (minp <= p && p < maxp) {
                w[i + off] = p + delta;
            }
        }
    }

    // ---- shrinkstack ----

    /**
     * Go's {@code isShrinkStackSafe}: shrinking needs precise pointer maps for every frame,
     * so it is unsafe in a system call (the syscall may hold pointers into the stack) and at
     * an asynchronous safe point (no precise maps for the interrupted frame). The goroutines
     * module supplies both facts.
     */
    public static boolean isShrinkStackSafe(boolean inSyscall, boolean atAsyncSafePoint) {
        return !inSyscall && !atAsyncSafePoint;
    }

    /**
     * The shrink rule: half of {@code s}'s size if that is at least {@code _FixedStack} and
     * the G uses less than a quarter of its stack (used = {@code hi - sp + StackLimit}, which
     * counts the guard space nosplit functions may need); 0 when the stack stays as it is.
     */
    public static int shrinkSize(Stack s, long sp) {
        int oldsize = s.size();
        int newsize = oldsize / 2;
        // Don't shrink the allocation below the minimum-sized stack allocation.
        if (newsize < FIXED_STACK) {
            return 0;
        }
        long avail = oldsize;
        long used = s.hi - sp + STACK_LIMIT;
        if (used >= avail / 4) {
            return 0;
        }
        return newsize;
    }

    /**
     * Go's {@code shrinkstack} mechanics: if {@link #shrinkSize} allows, copies the stack
     * (innermost frame at {@code (pc, sp)}) to one half the size and returns it; else returns
     * {@code s} itself (compare identities to tell). The caller must own the stack (scan bit,
     * or its own G on the system stack — Go's "bad status in shrinkstack" check is the
     * caller's) and must have decided it is safe: {@code shrinkSafe} is
     * {@link #isShrinkStackSafe}'s answer, and false throws "shrinkstack at bad time" as Go
     * does. Whether to shrink now or set {@code preemptShrink} is the caller's decision.
     */
    public Stack shrinkstack(@Nullable StackCache c, Stack s, long pc, long sp, boolean shrinkSafe,
            StackPointerAdjuster extra) {
        if (!shrinkSafe) {
            throw new GoThrow("shrinkstack at bad time");
        }
        if (gcshrinkstackoff) {
            return s;
        }
        int newsize = shrinkSize(s, sp);
        if (newsize == 0) {
            return s;
        }
        return copystack(c, s, pc, sp, newsize, extra);
    }
}
