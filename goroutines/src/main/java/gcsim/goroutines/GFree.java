package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.readgstatus;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.STACK_GUARD;

import gcsim.stacks.Stack;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The free lists of dead Gs for one {@link Sched} (Go's {@code sched.gFree}
 * and gfput / gfget of proc.go): each P keeps a local list
 * ({@code P.gFreeHead}, {@code P.gFreeN}); this class owns the global lists,
 * split as in Go into Gs that still have a stack ({@link #gFreeStack}) and
 * Gs whose stack the GC freed ({@link #gFreeNoStack}).
 *
 * <p><b>Callers and threads.</b> {@link #gfput} runs on the M that owns pp
 * (goexit0); {@link #gfget} on the M that owns pp (newproc);
 * {@link #gfgetGlobal} for a newproc caller without a P (deliberate: in Go the
 * caller always has one). {@link #markrootFreeGStacks} is the GC's "free G
 * stacks" root job, called through {@link Sched#gcSupport()} by a
 * gc-mark worker on any thread.
 *
 * <p><b>Locks.</b> The global lists and {@link #gFreeN} are guarded by
 * {@code sched.lock}; a P's local list only by owning the P. gfput moves half
 * of a local list over 64 to the global list, and gfget refills an empty local
 * list with up to 32, each under {@code sched.lock}.
 * markrootFreeGStacks frees stacks outside the lock (the Gs it took are off
 * every list meanwhile). gfget reads the two global heads without the lock
 * first, as Go does, and checks again under it.
 */
final class GFree {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    // ---- guarded by sched.lock ----
    private @Nullable G gFreeStack;
    private @Nullable G gFreeNoStack;
    private int gFreeN;

    /**
     * Go's startingStackSize (go1.19, 016d755213): the stack size gfput keeps and gfget gives a
     * reused G. {@code FIXED_STACK} until mark termination computes another
     * ({@link #setStartingStackSize}, go1.19 and later only), so under go1.14 and go1.18 it
     * never changes and gfput/gfget do exactly what go1.14's do with {@code _FixedStack}.
     * Written with the world stopped, read by the owners of Ps.
     */
    private volatile int startingStackSize = FIXED_STACK;

    GFree(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Go's {@code startingStackSize = ...} at the end of gcComputeStartingStackSize: the size of
     * the stacks reused Gs get from now on. The collector at mark termination, world stopped.
     */
    void setStartingStackSize(int size) {
        startingStackSize = size;
    }

    /** The stack size reused Gs get (Go's startingStackSize). Any thread. */
    int startingStackSize() {
        return startingStackSize;
    }

    /** Go's gfput: puts a dead G on pp's free list; over 64, half go to the global list. Owner of pp. */
    void gfput(P pp, G gp) {
        if (readgstatus(gp) != G_DEAD) {
            throw Throw.fatal("gfput: bad status (not Gdead)");
        }
        long stksize = gp.stackHi - gp.stackLo;
        if (stksize != startingStackSize) {
            // non-standard stack size - free it.
            Stack s = gp.stack;
            if (s != null) {
                sched.stackAllocator.stackfree(sched.stackcache(), s);
            }
            gp.setStack(null);
            gp.stackguard0 = 0;
        }
        gp.schedlink = pp.gFreeHead;
        pp.gFreeHead = gp;
        pp.gFreeN++;
        if (pp.gFreeN >= 64) {
            sched.platform.lock(sched.lock);
            try {
                while (pp.gFreeN >= 32) {
                    G g1 = popLocalFree(pp);
                    pushGlobalFree(g1);
                }
            } finally {
                sched.lock.unlock();
            }
        }
    }

    private static G popLocalFree(P pp) {
        G gp = pp.gFreeHead;
        if (gp == null) {
            throw Throw.fatal("gfput: free list corrupted");
        }
        pp.gFreeHead = gp.schedlink;
        gp.schedlink = null;
        pp.gFreeN--;
        return gp;
    }

    private void pushGlobalFree(G gp) {
        if (gp.stackLo == 0) {
            gp.schedlink = gFreeNoStack;
            gFreeNoStack = gp;
        } else {
            gp.schedlink = gFreeStack;
            gFreeStack = gp;
        }
        gFreeN++;
    }

    private @Nullable G popGlobalFree() {
        G gp = gFreeStack;
        if (gp != null) {
            gFreeStack = gp.schedlink;
        } else {
            gp = gFreeNoStack;
            if (gp == null) {
                return null;
            }
            gFreeNoStack = gp.schedlink;
        }
        gp.schedlink = null;
        gFreeN--;
        return gp;
    }

    /**
     * Go's markrootFreeGStacks (the GC's "free G stacks" root job): frees the
     * stacks of the dead Gs on the global free list with stacks and moves them
     * to the no-stack list (gfget allocates a new stack on reuse). Any thread;
     * returns how many stacks were freed.
     */
    int markrootFreeGStacks() {
        G list;
        sched.platform.lock(sched.lock);
        try {
            list = gFreeStack;
            gFreeStack = null;
        } finally {
            sched.lock.unlock();
        }
        if (list == null) {
            return 0;
        }
        int n = 0;
        G tail = list;
        for (G gp = list; gp != null; gp = gp.schedlink) {
            Stack s = gp.stack;
            if (s != null) {
                sched.stackAllocator.stackfree(s);
            }
            gp.setStack(null);
            gp.stackguard0 = 0;
            tail = gp;
            n++;
        }
        sched.platform.lock(sched.lock);
        try {
            tail.schedlink = gFreeNoStack;
            gFreeNoStack = list;
        } finally {
            sched.lock.unlock();
        }
        return n;
    }

    /** Go's gfget: a dead G from pp's list, refilled with up to 32 from the global list. Owner of pp. */
    @Nullable G gfget(P pp) {
        if (pp.gFreeHead == null && (gFreeStack != null || gFreeNoStack != null)) {
            sched.platform.lock(sched.lock);
            try {
                while (pp.gFreeN < 32) {
                    G gp = popGlobalFree();
                    if (gp == null) {
                        break;
                    }
                    gp.schedlink = pp.gFreeHead;
                    pp.gFreeHead = gp;
                    pp.gFreeN++;
                }
            } finally {
                sched.lock.unlock();
            }
        }
        if (pp.gFreeHead == null) {
            return null;
        }
        return withStack(popLocalFree(pp));
    }

    /** gfget for a caller without a P (deliberate: Go always has one): the global list only. */
    @Nullable G gfgetGlobal() {
        G gp;
        sched.platform.lock(sched.lock);
        try {
            gp = popGlobalFree();
        } finally {
            sched.lock.unlock();
        }
        return gp == null ? null : withStack(gp);
    }

    private G withStack(G gp) {
        int size = startingStackSize;
        if (gp.stackLo != 0 && gp.stackHi - gp.stackLo != size) {
            // Deallocate old stack. We kept it in gfput because it was the
            // right size when the goroutine was put on the free list, but
            // the right size has changed since then. (go1.19; never true before,
            // when the size is always FIXED_STACK.)
            Stack s = gp.stack;
            if (s != null) {
                sched.stackAllocator.stackfree(sched.stackcache(), s);
            }
            gp.setStack(null);
            gp.stackguard0 = 0;
        }
        if (gp.stackLo == 0) {
            // Stack was deallocated in gfput or just above. Allocate a new one.
            gp.setStack(sched.stackAllocator.stackalloc(sched.stackcache(), size));
            gp.stackguard0 = gp.stackLo + STACK_GUARD;
        }
        return gp;
    }
}
