package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_IDLE;
import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.casgstatus;
import static gcsim.goroutines.GStatus.readgstatus;
import static gcsim.stacks.StackConstants.FIXED_STACK;
import static gcsim.stacks.StackConstants.STACK_GUARD;

import gcsim.stacks.FrameLayout;
import gcsim.stacks.FuncInfo;
import gcsim.stacks.FuncTab;
import gcsim.stacks.Stack;
import gcsim.stacks.StackConstants;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Every G of one runtime (Go's {@code allgs}) and the making of new ones
 * (proc.go's {@code newproc1}, {@code malg}, {@code allgadd}); the reuse of
 * dead Gs ({@code gfput}/{@code gfget}) is {@link GFree}'s. A G, once made,
 * stays in allgs for ever: the GC's stack jobs and the dumps walk it.
 *
 * <p><b>Callers and threads.</b> newproc: any thread ({@link Sched#newproc}:
 * a G's M running {@code go}, the embedder starting the process, a test); it
 * puts the new G on the caller's P or, without one, the global queue.
 * allgs: any thread (a snapshot).
 *
 * <p><b>State and locks.</b> {@code allgs} and its length are guarded by
 * {@code allglock} (a leaf: channel locks -> sched.lock -> allglock); the
 * length is also volatile. The goid generator is an atomic.
 */
final class AllGs {
    // The Sched is still being constructed when it makes its parts; they read it only once
    // it runs (see Sched's constructor).
    private final @NotOnlyInitialized Sched sched;

    private final AtomicLong goidgen = new AtomicLong();
    private final Object allglock = new Object();
    private G[] allgs = new G[64];
    private volatile int allglen;

    AllGs(@UnderInitialization Sched sched) {
        this.sched = sched;
    }

    /**
     * Go's {@code newproc}: creates a goroutine running {@code code} and puts
     * it on the caller's P's run queue (runnext), or the global queue when
     * the caller has no P. {@code init} runs first, while the G is still
     * _Gdead and owned by the caller, to lay out its first frame. Any thread.
     */
    G newproc(GoCode code, @Nullable GInit init) {
        return newproc1(code, init, false, false);
    }

    /**
     * newproc for a goroutine the runtime starts for itself (Go's {@code go gcBgMarkWorker(p)}
     * from gcBgMarkStartWorkers): {@code system} Gs are not counted as created (Go's
     * {@code sched.ngsys} instead), {@code markWorker} ones also keep their stack size.
     */
    G newproc1(GoCode code, @Nullable GInit init, boolean system, boolean markWorker) {
        M mp = M.getm();
        P pp = mp == null ? null : mp.p;
        G newg = pp != null ? sched.gfree.gfget(pp) : sched.gfree.gfgetGlobal();
        if (newg == null) {
            newg = malg(FIXED_STACK);
            casgstatus(newg, G_IDLE, G_DEAD);
            allgadd(newg); // publishes with status _Gdead so the GC does not look at the stack
        }
        if (newg.stackHi == 0) {
            throw Throw.fatal("newproc1: newg missing stack");
        }
        if (readgstatus(newg) != G_DEAD) {
            throw Throw.fatal("newproc1: new g is not Gdead");
        }
        newg.code = code;
        newg.sp = newg.stackHi;
        newg.pc = 0;
        newg.isMain = false;
        newg.systemGoroutine = system;
        newg.gcBgMarkWorker = markWorker;
        if (init != null) {
            init.init(newg);
        }
        casgstatus(newg, G_DEAD, G_RUNNABLE);
        newg.goid = goidgen.incrementAndGet();
        if (system) {
            sched.ngsys.incrementAndGet();
        } else {
            sched.goroutinesCreated.incrementAndGet();
        }
        RuntimeEvents events = sched.events;
        if (events != RuntimeEvents.NONE) {
            events.goroutineCreated(newg);
        }
        if (pp == null && system && sched.mainStarted) {
            // Deliberate: Go's gcBgMarkStartWorkers runs on a G with a P and the worker goes
            // to that P's runnext, running at once while the caller sleeps on bgMarkReady.
            // Without a P: the head of the global queue, an idle P woken for it, or else the
            // worker's own P preempted so that it reschedules soon (see globrunqputheadSystem).
            sched.runSystemSoon(newg);
            return newg;
        }
        if (pp == null) {
            // Deliberate: Go's caller always has a P. Without one, inject the G.
            if (sched.mainStarted) {
                sched.injectglist(newg);
            } else {
                sched.globrunq.globrunqputLocked(newg);
            }
            return newg;
        }
        pp.runqput(newg, true);
        if (sched.mps.npidle.get() != 0 && sched.mps.nmspinning.get() == 0 && sched.mainStarted) {
            sched.mps.wakep();
        }
        return newg;
    }

    /**
     * Go's {@code go gcBgMarkWorker(p)}: a system goroutine running the collector's {@code code}
     * whose stack holds {@code runtime.gcBgMarkWorker}'s frame above goexit, as Go's newproc1
     * lays out the entry frame (scanned, unwound and dumped like any outermost frame). Any thread.
     */
    G newBgMarkWorker(GoCode code) {
        return newSystemGoroutine(code, gcBgMarkWorkerFuncId(), true);
    }

    /**
     * Go's {@code go forcegchelper()} (proc.go's init): the system goroutine that runs the
     * collector's stop-the-world phases on an M holding a P (see gc-mark's GcCoordinator); its
     * stack holds {@code runtime.forcegchelper}'s frame above goexit. Any thread.
     */
    G newForcegcHelper(GoCode code) {
        return newSystemGoroutine(code, forcegchelperFuncId(), false);
    }

    private G newSystemGoroutine(GoCode code, int funcId, boolean markWorker) {
        long pc = FuncTab.pcOf(funcId, 0);
        FuncInfo f = sched.functab().funcOf(pc);
        return newproc1(code, newg -> {
            Stack st = newg.stack;
            if (st == null) {
                throw Throw.fatal("newproc1: newg missing stack");
            }
            newg.sp = FrameLayout.pushOutermost(st, f);
            newg.pc = pc;
        }, true, markWorker);
    }

    /** The function id of {@code runtime.gcBgMarkWorker}, registered the first time; -1 until then (guarded by this). */
    private int gcBgMarkWorkerFuncId = -1;
    /** The function id of {@code runtime.forcegchelper}, registered the first time; -1 until then (guarded by this). */
    private int forcegchelperFuncId = -1;

    private synchronized int gcBgMarkWorkerFuncId() {
        if (gcBgMarkWorkerFuncId < 0) {
            // go1.14's frame: the worker's G and P pointers and its parkInfo pointer (runtime
            // memory, not heap objects the GC marks: no pointer map), and the _p_ argument.
            gcBgMarkWorkerFuncId = sched.functab().register(FuncInfo.builder("runtime.gcBgMarkWorker")
                    .frameSize(4 * StackConstants.PTR_SIZE).argSize(StackConstants.PTR_SIZE).build());
        }
        return gcBgMarkWorkerFuncId;
    }

    private synchronized int forcegchelperFuncId() {
        if (forcegchelperFuncId < 0) {
            // go1.14's forcegchelper has no arguments and keeps no heap pointers in its frame.
            forcegchelperFuncId = sched.functab().register(FuncInfo.builder("runtime.forcegchelper")
                    .frameSize(2 * StackConstants.PTR_SIZE).build());
        }
        return forcegchelperFuncId;
    }

    /** Go's malg: a new G with a stack of the given size, status _Gidle. */
    G malg(int stacksize) {
        G newg = new G(sched);
        Stack s = sched.stackAllocator.stackalloc(sched.stackcache(), stacksize);
        newg.setStack(s);
        newg.stackguard0 = newg.stackLo + STACK_GUARD;
        newg.initStatus(G_IDLE);
        return newg;
    }

    @SuppressWarnings("nullness") // allgs[0, allglen) are non-null; the tail is spare capacity
    private void allgadd(G gp) {
        if (readgstatus(gp) == G_IDLE) {
            throw Throw.fatal("allgadd: bad status Gidle");
        }
        synchronized (allglock) {
            int n = allglen;
            if (n == allgs.length) {
                allgs = Arrays.copyOf(allgs, n * 2);
            }
            allgs[n] = gp;
            allglen = n + 1;
        }
    }

    /** A snapshot of every G ever created (Go's allgs), in creation order. Any thread. */
    @SuppressWarnings("nullness") // allgs[0, allglen) are non-null
    G[] allgs() {
        synchronized (allglock) {
            return Arrays.copyOf(allgs, allglen);
        }
    }

    /** allgs without copying it: see {@link AllGsSnapshot}. Any thread; O(1). */
    AllGsSnapshot snapshot() {
        synchronized (allglock) {
            return new AllGsSnapshot(allgs, allglen);
        }
    }
}
