package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_COPYSTACK;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.casgstatus;
import static gcsim.goroutines.GStatus.readgstatus;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_LIMIT;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;

import gcsim.stacks.AdjustInfo;
import gcsim.stacks.Stack;
import gcsim.stacks.StackCache;
import gcsim.stacks.StackPointerAdjuster;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a goroutine's stack goes through, seen from the G (the goroutine side of
 * stack.go): {@code newstack} (the target of a failed prologue check:
 * preemption or growth), {@code copystack} with the adjustment of pointers held
 * outside frames (channel wait records), and {@code shrinkstack}. Named for
 * that: it is not the stacks module, whose {@link gcsim.stacks.Growth} does the
 * stack mechanics (sizes, copying, adjusting frame pointers) these operations
 * call; here they are bound to a G's status, its M and its channel waits.
 *
 * <p><b>Callers.</b> newstack: the G's own M, from Sched's mcall dispatch.
 * shrinkstack: newstack's preempt path on the G's M, or the collector's
 * scanstack holding the G's scan bit (through
 * {@link gcsim.goroutines.internal.GcGoroutine#shrinkstack}, exported to gc-mark
 * alone). No state of its own: everything lives on the G.
 */
final class GoroutineStacks {
    private GoroutineStacks() {}

    /**
     * Go's newstack, entered when gp's code returned {@link GoCode#MORESTACK}
     * with gp's pc at the call whose prologue failed, its sp the caller's sp
     * and {@code mp.morestackCallBytes} the callee's frame. Returns true when
     * gp continues on mp at once (un-poisoned or grown: Go's gogo), false when
     * it left the M (preemptPark or gopreempt_m). mp's thread.
     */
    static boolean newstack(Sched rt, M mp, G gp) {
        if (mp.curg != gp) {
            throw Throw.fatal("runtime: wrong goroutine in newstack");
        }
        // NOTE: stackguard0 may change underfoot, if another thread is about to try
        // to preempt gp. Read it just once and use that same value now and below.
        boolean preempt = gp.stackguard0 == STACK_PREEMPT;
        // Be conservative about where we preempt. If we're holding locks,
        // mallocing, or preemption is disabled, don't preempt.
        if (preempt && !Suspension.canPreemptM(mp)) {
            // Let the goroutine keep running for now.
            // gp->preempt is set, so it will be preempted next time.
            gp.stackguard0 = gp.stackLo + STACK_GUARD;
            gp.wakeSuspender(); // a parked suspender must renew its request (--suspend park)
            return true;
        }
        Stack old = gp.stack;
        if (old == null || gp.stackLo == 0) {
            throw Throw.fatal("missing stack in newstack");
        }
        long sp = gp.sp;
        if (sp < gp.stackLo) {
            throw Throw.fatal("runtime: newstack sp=" + Throw.hex(sp) + " stack=[" + Throw.hex(gp.stackLo)
                    + ", " + Throw.hex(gp.stackHi) + "]\nruntime: split stack overflow: " + Throw.hex(sp)
                    + " < " + Throw.hex(gp.stackLo), "runtime: split stack overflow");
        }
        if (preempt) {
            if (mp.p == null && mp.locks == 0) {
                throw Throw.fatal("runtime: g is running but p is not set");
            }
            if (gp.preemptShrink) {
                // We're at a synchronous safe point now, so do the pending stack shrink.
                gp.preemptShrink = false;
                shrinkstack(gp);
            }
            rt.preemptionsCooperative.incrementAndGet();
            rt.mcall.scanOwnStackIfAsked(mp, gp);
            if (gp.preemptStop) {
                rt.mcall.preemptPark(mp, gp);
                return false;
            }
            // Act like goroutine called runtime.Gosched.
            rt.mcall.gopreemptM(mp, gp);
            return false;
        }
        // Allocate a bigger segment and move the stack. The goroutine must be
        // executing in order to call newstack, so it must be Grunning (or Gscanrunning).
        casgstatus(gp, G_RUNNING, G_COPYSTACK);
        // The concurrent GC will not scan the stack while we are doing the copy since
        // the gp is in a Gcopystack status.
        java.util.function.Consumer<G> hook = rt.copystackHookForTest; // test seam, per runtime
        if (hook != null) {
            hook.accept(gp); // a test holds the M here, mid copy, while a suspender waits
        }
        Stack nw = rt.growth().newstack(cacheOf(rt), old, gp.pc, sp, mp.morestackCallBytes, adjusterFor(gp));
        install(gp, old, nw);
        reportCopy(rt, gp, RuntimeEvents.STACK_GROW, old);
        rt.stackGrowths.incrementAndGet();
        casgstatus(gp, G_COPYSTACK, G_RUNNING);
        return true;
    }

    private static @Nullable StackCache cacheOf(Sched rt) {
        return rt.stackcache();
    }

    /** Tells the event listener gp moved off old (gp's bounds are the new stack's). */
    private static void reportCopy(Sched rt, G gp, int kind, Stack old) {
        RuntimeEvents ev = rt.events;
        if (ev != RuntimeEvents.NONE) {
            ev.stackCopied(gp, kind, old.hi() - old.lo(), gp.stackHi - gp.stackLo);
        }
    }

    /** Moves gp onto nw after a copy from old: bounds, sp and the stack guard. */
    private static void install(G gp, Stack old, Stack nw) {
        long delta = nw.hi() - old.hi();
        gp.setStack(nw);
        gp.sp += delta;
        if (gp.syscallsp != 0) {
            gp.syscallsp += delta;
        }
        gp.stackguard0 = gp.stackLo + STACK_GUARD; // NOTE: might clobber a preempt request
    }

    /**
     * Pointers into the stack held outside its frames: the channel wait
     * record's element slot (Go's adjustsudogs).
     */
    private static StackPointerAdjuster adjusterFor(G gp) {
        return (AdjustInfo adj) -> {
            for (Sudog sg = gp.waiting; sg != null; sg = sg.waitlink) {
                sg.elem = adj.adjustpointer(sg.elem);
            }
        };
    }

    /**
     * Go's isShrinkStackSafe: not in a syscall, not at an async safe point, (go1.14.10 and
     * later, {@link GoVersion#parkingOnChan()}) not parking on a channel, and (go1.23-go1.24
     * while the execution tracer is on, go1.25 always) not _Gwaiting only so that a suspendG can
     * take it. "The caller must hold the _Gscan bit for gp or must be running gp itself."
     * Any thread; reads gp's fields only.
     */
    static boolean isShrinkStackSafe(G gp) {
        // --break parking-on-chan (never Go): the parkingOnChan test is left out, reopening
        // Go #40641's window between a channel park's status change and chanparkcommit's
        // unlock; copystack's check below (Go's, from the same fix) then throws. Under a
        // version without the rule (go1.14.1-go1.14.9) neither the test nor the check exists.
        return gp.syscallsp == 0 && !gp.asyncSafePoint
                && (!gp.parkingOnChan || !checksParkingOnChan(gp) || gp.rt.broken(ProtocolPiece.PARKING_ON_CHAN))
                && !pinnedForSuspendG(gp);
    }

    /**
     * go1.23-go1.24's (tracer only) and go1.25's test in isShrinkStackSafe. go1.24's:
     * <pre>
     *   // We also can't copy the stack while tracing is enabled, and
     *   // gp is in _Gwaiting solely to make itself available to the GC.
     *   // In these cases, the G is actually executing on the system
     *   // stack, and the execution tracer may want to take a stack trace
     *   // of the G's stack. Note: it's safe to access gp.waitreason here.
     *   // We're only checking if this is true if we took ownership of the
     *   // G with the _Gscan bit. This prevents the goroutine from transitioning,
     *   // which prevents gp.waitreason from changing.
     *   if traceEnabled() &amp;&amp; readgstatus(gp)&amp;^_Gscan == _Gwaiting &amp;&amp; gp.waitreason.isWaitingForGC() {
     *       return false
     *   }
     * </pre>
     * go1.25 drops {@code traceEnabled() &&} (and the table is renamed isWaitingForSuspendG;
     * its comment there was not read). Not Go: nothing in gcsim takes a traceback of a waiting
     * G's stack (the tracer reads only its status), so here the rule changes which stacks are
     * shrunk and when, not what could go wrong (docs/go-versions.md).
     */
    private static boolean pinnedForSuspendG(G gp) {
        GoVersion v = gp.rt.config.goVersion();
        if (!v.shrinkRefusesTracedWaitingForSuspendG()) {
            return false; // before go1.23
        }
        if (!v.shrinkRefusesWaitingForSuspendG() && !gp.rt.traceEnabled) {
            return false; // go1.23-go1.24, tracer off
        }
        return (readgstatus(gp) & ~G_SCAN) == G_WAITING && gp.waitreason.isWaitingForSuspendG();
    }

    /** Whether gp's runtime has Go's parkingOnChan rule (go1.14.10 and later). */
    private static boolean checksParkingOnChan(G gp) {
        return gp.rt.config.goVersion().parkingOnChan();
    }

    /**
     * Go's shrinkstack: halves gp's stack when it uses less than a quarter.
     * The caller owns gp's stack: it holds the scan bit (suspendG), or gp is
     * its own running user G (newstack).
     */
    static void shrinkstack(G gp) {
        if (gp.stackLo == 0) {
            throw Throw.fatal("missing stack in shrinkstack");
        }
        int s = readgstatus(gp);
        if ((s & G_SCAN) == 0) {
            // We don't own the stack via _Gscan. We could still own it if this is our
            // own user G and we're on the system stack.
            M mp = M.getm();
            if (!(mp != null && gp == mp.curg && s == G_RUNNING)) {
                throw Throw.fatal("bad status in shrinkstack");
            }
        }
        if (!isShrinkStackSafe(gp)) {
            throw Throw.fatal("shrinkstack at bad time");
        }
        if (gp.gcBgMarkWorker) {
            // We're not allowed to shrink the gcBgMarkWorker
            // stack (see gcBgMarkWorker for explanation).
            return;
        }
        Stack old = gp.stack;
        if (old == null) {
            throw Throw.fatal("missing stack in shrinkstack");
        }
        int oldsize = (int) (gp.stackHi - gp.stackLo);
        int newsize = oldsize / 2;
        // Don't shrink the allocation below the minimum-sized stack allocation.
        if (newsize < FIXED_STACK) {
            return;
        }
        // Compute how much of the stack is currently in use and only shrink the stack
        // if gp is using less than a quarter of its current stack.
        long avail = gp.stackHi - gp.stackLo;
        long used = gp.stackHi - gp.sp + STACK_LIMIT;
        if (used >= avail / 4) {
            return;
        }
        Sched rt = gp.rt;
        // Go's copystack (go1.15, the fix for #40641; the model shrinks only here):
        // gp.activeStackChans is set by chanparkcommit just before it clears parkingOnChan,
        // so parkingOnChan set means activeStackChans is not, and Go would adjust the
        // sudogs without the channel lock while gp still parks: it refuses. Only a shrink
        // that isShrinkStackSafe should have refused gets here (--break parking-on-chan).
        if (gp.parkingOnChan && checksParkingOnChan(gp)) {
            throw Throw.fatal("racy sudog adjustment due to parking on channel");
        }
        // A G blocked on a channel (activeStackChans): its partner copies to/from our stack
        // under the channel lock, so hold it while moving the stack (Go's syncadjustsudogs).
        // Otherwise Go adjusts the wait record without the lock (adjustsudogs): safe while
        // nobody else can reach the record, which go1.14.10's parkingOnChan makes true.
        // Before copystack reads activeStackChans: chanparkcommit may set it (and unlock)
        // on gp's M meanwhile, which decides whether the adjustment below is locked.
        rt.platform.schedulingPoint("copystack: before reading activeStackChans");
        Sudog sg = gp.waiting;
        Sudog locked = sg != null && gp.activeStackChans ? sg : null;
        if (locked != null) {
            rt.platform.lock(locked.c.lock);
        }
        try {
            StackPointerAdjuster adjust = sg == null || locked != null ? adjusterFor(gp) : racyAdjusterFor(rt, gp);
            Stack nw = rt.growth().copystack(cacheOf(rt), old, gp.pc, gp.sp, newsize, adjust);
            install(gp, old, nw);
            reportCopy(rt, gp, RuntimeEvents.STACK_SHRINK, old);
        } finally {
            if (locked != null) {
                locked.c.lock.unlock();
            }
        }
        rt.stackShrinks.incrementAndGet();
    }

    /**
     * Go's adjustsudogs without the channel lock, reached only without parkingOnChan
     * (go1.14.1-go1.14.9): gp parks on a channel but chanparkcommit has not run, so
     * once it unlocks, a partner may read the record's elem, copy, and clear it while
     * this read-modify-write of elem goes on. A clear between the read and the write is
     * lost, and gp's releaseSudog throws "runtime: sudog with non-nil elem" (Go #40641).
     */
    private static StackPointerAdjuster racyAdjusterFor(Sched rt, G gp) {
        return (AdjustInfo adj) -> {
            for (Sudog sg = gp.waiting; sg != null; sg = sg.waitlink) {
                long p = sg.elem;
                // Not Go: a yield inside the unsynchronized read-modify-write (of the real
                // thread: a race amplifier, so the partner's clear can land in it as it does on
                // Go's wider machines; in the deterministic mode a pass of the baton, the
                // scheduling point "copystack: adjusting a wait record"). Only this version's
                // path has it.
                rt.platform.yield();
                sg.elem = adj.adjustpointer(p);
            }
        };
    }

    /** Whether gp is in _Gcopystack (for tests and dumps). */
    static boolean inCopystack(G gp) {
        return readgstatus(gp) == G_COPYSTACK;
    }
}
