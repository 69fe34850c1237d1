package gcsim.goroutines;

import gcsim.goroutines.internal.GcGoroutine;
import gcsim.goroutines.internal.GcSupport;
import org.checkerframework.checker.initialization.qual.NotOnlyInitialized;
import org.checkerframework.checker.initialization.qual.UnderInitialization;

/**
 * The runtime's implementations of the collector's views
 * ({@code gcsim.goroutines.internal}: {@link GcSupport} per runtime,
 * {@link GcGoroutine} per G). The internal package declares what the collector
 * may do without naming any type of this package; this class binds it to
 * {@link Sched} and {@link G}, whose package-private state it may touch. Each
 * method forwards to the runtime function named in its comment, with that
 * function's caller and thread rules.
 */
final class GcViews {
    private GcViews() {}

    /** One per {@link Sched}, made with it ({@link Sched#gcSupport()}). */
    static final class Runtime extends GcSupport {
        // The Sched is still being constructed when it makes its view; the view reads it only
        // once the collector calls it (after construction).
        private final @NotOnlyInitialized Sched rt;

        Runtime(@UnderInitialization Sched rt) {
            this.rt = rt;
        }

        @Override
        public void enterGcCycle() {
            rt.liveness.enterExternal();
        }

        @Override
        public void exitGcCycle() {
            rt.liveness.exitExternal();
        }

        @Override
        public void fatal(Throwable t) {
            rt.processExit.fatal(t);
        }

        @Override
        public void forEachP(String waitReason, java.util.function.IntConsumer fn) {
            rt.forEachP.forEachP(WaitReason.byGoString(waitReason), p -> fn.accept(p.id));
        }

        @Override
        public boolean drainShouldYield() {
            M mp = M.getm();
            P pp = mp == null ? null : mp.p;
            return rt.stw.gcwaiting || (pp != null && pp.wantsSafePointFn());
        }

        @Override
        public int markrootFreeGStacks() {
            return rt.gfree.markrootFreeGStacks();
        }

        @Override
        public void setStartingStackSize(int size) {
            rt.gfree.setStartingStackSize(size);
        }

        @Override
        public int startingStackSize() {
            return rt.gfree.startingStackSize();
        }

        @Override
        public void setGcBlackenEnabled(boolean enabled) {
            rt.gcBlackenEnabled = enabled;
        }

        @Override
        public void schedEnableUser(boolean enable) {
            rt.userScheduling.setEnabled(enable);
        }

        @Override
        public boolean pollWork() {
            if (rt.globrunq.runqsize != 0) {
                return true;
            }
            M mp = M.getm();
            P pp = mp == null ? null : mp.p;
            return pp != null && !pp.runqempty();
        }

        @Override
        public void wakeIdleP() {
            if (rt.mps.npidle.get() != 0 && rt.mps.nmspinning.get() == 0) {
                rt.mps.wakep();
            }
        }

        @Override
        public void kickLocalRunq() {
            M mp = M.getm();
            P pp = mp == null ? null : mp.p;
            if (pp == null) {
                return;
            }
            rt.platform.lock(rt.lock);
            try {
                for (G gp; (gp = pp.runqget()) != null; ) {
                    rt.globrunq.globrunqput(gp);
                }
            } finally {
                rt.lock.unlock();
            }
        }
    }

    /** One per {@link G}, made with it ({@link G#gc()}). */
    static final class Goroutine extends GcGoroutine {
        // As Runtime's: the G is under construction when it makes its view.
        private final @NotOnlyInitialized G gp;

        Goroutine(@UnderInitialization G gp) {
            this.gp = gp;
        }

        @Override
        public boolean preempt() {
            return gp.preempt;
        }

        @Override
        public void setPreemptShrink(boolean v) {
            gp.preemptShrink = v;
        }

        @Override
        public boolean requestSelfScan() {
            return Suspension.requestSelfScan(gp);
        }

        @Override
        public boolean isShrinkStackSafe() {
            return GoroutineStacks.isShrinkStackSafe(gp);
        }

        @Override
        public void shrinkstack() {
            GoroutineStacks.shrinkstack(gp);
        }

        @Override
        public void enterWaitingAssist() {
            enterWaiting(WaitReason.GC_ASSIST_MARKING);
        }

        @Override
        public void enterWaitingScan() {
            enterWaiting(WaitReason.GARBAGE_COLLECTION_SCAN);
        }

        @Override
        public void enterWaitingMarkWorker() {
            // go1.14's gcBgMarkWorker sets no wait reason: the one its gopark left stays.
            enterWaiting(gp.waitreason);
        }

        @Override
        public void enterWaitingGarbageCollection() {
            enterWaiting(WaitReason.GARBAGE_COLLECTION);
        }

        /** {@code casgstatus(gp, _Grunning, _Gwaiting); gp.waitreason = reason}; gp is the calling M's G. */
        private void enterWaiting(WaitReason reason) {
            M mp = M.getm();
            if (mp == null || mp.curg != gp) {
                throw new IllegalStateException("enterWaiting: not on the M running " + gp);
            }
            gp.waitreason = reason;
            GStatus.casgstatus(gp, GStatus.G_RUNNING, GStatus.G_WAITING);
        }

        @Override
        public void noteBlockedAtCycleStart(long tstart) {
            int status = GStatus.readgstatus(gp); // we are not in a scan state
            if ((status == GStatus.G_WAITING || status == GStatus.G_SYSCALL) && gp.waitsince == 0) {
                gp.waitsince = tstart;
            }
        }

        @Override
        public long waitsince() {
            return gp.waitsince;
        }

        @Override
        public void exitWaiting() {
            GStatus.casgstatus(gp, GStatus.G_WAITING, GStatus.G_RUNNING);
            gp.waitreason = WaitReason.ZERO;
        }
    }
}
