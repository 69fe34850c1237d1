package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.internal.GcGoroutine;
import org.junit.jupiter.api.Test;

/**
 * The gcWork answers the heap's {@code scanNext} (go on scanning in the heap's chain) with the
 * object gcDrain's loop would scan next with nothing in between, exactly when the loop would:
 * inside the loop, scan work below the flush threshold, no preemption asked and {@code
 * work.full} not empty; then the held object when the current buffer has room for it (counted:
 * greyobject's count, which the loop would otherwise make), and with none held the current
 * buffer's top (popped: the loop's tryGetFast). Each condition alone makes it answer 0 and
 * change nothing.
 */
class ScanNextTest {
    private static final long HELD = 0x1000;
    private static final long TOP = 0x2000;

    /** A G's GC view whose only state is gp.preempt. */
    private static final class PreemptOnly extends GcGoroutine {
        boolean preempt;

        @Override
        public boolean preempt() {
            return preempt;
        }

        @Override
        public void setPreemptShrink(boolean v) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean requestSelfScan() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isShrinkStackSafe() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void shrinkstack() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void enterWaitingAssist() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void enterWaitingScan() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void enterWaitingMarkWorker() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void enterWaitingGarbageCollection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void exitWaiting() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void noteBlockedAtCycleStart(long tstart) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long waitsince() {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * A drain loop's gcWork with buffers and {@code TOP} on its current buffer, on a pool with one
     * full buffer, nothing else pending.
     */
    private static GcWork drainingWithWorkOnThePool(WorkPool pool, PreemptOnly gp) {
        GcWork gcw = GcWork.create(pool);
        gcw.put(TOP); // takes its buffers
        GcWork other = GcWork.create(pool);
        other.put(16);
        other.dispose(); // work.full != 0
        assertThat(pool.fullIsEmpty()).isFalse();
        gcw.startDrainLoop(gp);
        return gcw;
    }

    /** Neither the count nor the buffer changed: TOP is still the only object on it. */
    private static void assertUnchanged(GcWork gcw) {
        assertThat(gcw.objectsMarked).isZero();
        assertThat(gcw.tryGetFast()).isEqualTo(TOP);
        assertThat(gcw.tryGetFast()).isZero();
    }

    @Test
    void theHeldObjectIsNextAndCountedWhenTheLoopWouldScanItNext() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        assertThat(gcw.scanNext(HELD)).isEqualTo(HELD);
        assertThat(gcw.objectsMarked).isEqualTo(1);
        assertThat(gcw.scanNext(HELD + 32)).isEqualTo(HELD + 32);
        assertThat(gcw.objectsMarked).isEqualTo(2);
        assertThat(gcw.tryGetFast()).isEqualTo(TOP); // nothing popped
    }

    @Test
    void withNothingHeldTheBuffersTopIsPoppedAndNotCounted() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        gcw.put(TOP + 32);
        assertThat(gcw.scanNext(0)).isEqualTo(TOP + 32);
        assertThat(gcw.scanNext(0)).isEqualTo(TOP);
        assertThat(gcw.objectsMarked).isZero(); // counted when greyed
        assertThat(gcw.scanNext(0)).isZero(); // the buffer is empty: the loop's tryGet moves buffers
    }

    @Test
    void zeroOutsideTheDrainLoop() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        gcw.endDrainLoop();
        assertThat(gcw.scanNext(HELD)).isZero();
        assertThat(gcw.scanNext(0)).isZero();
        assertThat(GcWork.create(new WorkPool()).scanNext(HELD)).isZero();
        assertUnchanged(gcw);
    }

    @Test
    void zeroWhenTheScanWorkIsDueToBeFlushed() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        gcw.scanWork = BgMarkWorker.GC_CREDIT_SLACK;
        assertThat(gcw.scanNext(HELD)).isZero();
        assertThat(gcw.scanNext(0)).isZero();
        assertUnchanged(gcw);
        gcw.put(TOP);
        gcw.scanWork = BgMarkWorker.GC_CREDIT_SLACK - 1;
        assertThat(gcw.scanNext(HELD)).isEqualTo(HELD);
        assertThat(gcw.scanNext(0)).isEqualTo(TOP);
    }

    @Test
    void zeroWhenTheGIsAskedToPreempt() {
        PreemptOnly gp = new PreemptOnly();
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), gp);
        gp.preempt = true;
        assertThat(gcw.scanNext(HELD)).isZero();
        assertThat(gcw.scanNext(0)).isZero();
        assertUnchanged(gcw);
    }

    @Test
    void zeroWhenTheGlobalFullListIsEmpty() {
        WorkPool pool = new WorkPool();
        GcWork gcw = drainingWithWorkOnThePool(pool, new PreemptOnly());
        Workbuf taken = pool.trygetfull();
        assertThat(taken).isNotNull();
        assertThat(pool.fullIsEmpty()).isTrue(); // gcDrain would balance first
        assertThat(gcw.scanNext(HELD)).isZero();
        assertThat(gcw.scanNext(0)).isZero();
        assertUnchanged(gcw);
    }

    @Test
    void zeroForAHeldObjectWhenTheCurrentBufferIsFull() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        for (int i = 2; i <= Workbuf.CAPACITY; i++) {
            assertThat(gcw.putFast(TOP + i * 8L)).isTrue();
        }
        assertThat(gcw.putFastHasRoom()).isFalse(); // gcDrain would put the held object first
        assertThat(gcw.scanNext(HELD)).isZero();
        assertThat(gcw.objectsMarked).isZero();
        assertThat(gcw.scanNext(0)).isEqualTo(TOP + Workbuf.CAPACITY * 8L); // a pop needs no room
    }
}
