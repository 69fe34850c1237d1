package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.internal.GcGoroutine;
import org.junit.jupiter.api.Test;

/**
 * The gcWork answers the heap's {@code scanHeldNext} (go on scanning the held object in the
 * heap's chain) exactly when gcDrain's loop would scan that object next with nothing in between:
 * inside the loop, scan work below the flush threshold, no preemption asked, {@code work.full}
 * not empty and room in the current buffer. Each condition alone makes it say no, and only a
 * yes counts the object (greyobject's count, which the loop would otherwise make).
 */
class ScanHeldNextTest {
    private static final long HELD = 0x1000;

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

    /** A drain loop's gcWork with buffers, on a pool with one full buffer, nothing else pending. */
    private static GcWork drainingWithWorkOnThePool(WorkPool pool, PreemptOnly gp) {
        GcWork gcw = GcWork.create(pool);
        gcw.put(8); // takes its buffers
        assertThat(gcw.tryGetFast()).isEqualTo(8);
        GcWork other = GcWork.create(pool);
        other.put(16);
        other.dispose(); // work.full != 0
        assertThat(pool.fullIsEmpty()).isFalse();
        gcw.startDrainLoop(gp);
        return gcw;
    }

    @Test
    void yesWhenTheLoopWouldScanTheHeldObjectNextAndTheObjectIsCounted() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        assertThat(gcw.scanHeldNext(HELD)).isTrue();
        assertThat(gcw.objectsMarked).isEqualTo(1);
        assertThat(gcw.scanHeldNext(HELD + 32)).isTrue();
        assertThat(gcw.objectsMarked).isEqualTo(2);
    }

    @Test
    void noOutsideTheDrainLoop() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        gcw.endDrainLoop();
        assertThat(gcw.scanHeldNext(HELD)).isFalse();
        assertThat(GcWork.create(new WorkPool()).scanHeldNext(HELD)).isFalse();
        assertThat(gcw.objectsMarked).isZero();
    }

    @Test
    void noWhenTheScanWorkIsDueToBeFlushed() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        gcw.scanWork = BgMarkWorker.GC_CREDIT_SLACK;
        assertThat(gcw.scanHeldNext(HELD)).isFalse();
        gcw.scanWork = BgMarkWorker.GC_CREDIT_SLACK - 1;
        assertThat(gcw.scanHeldNext(HELD)).isTrue();
        assertThat(gcw.objectsMarked).isEqualTo(1);
    }

    @Test
    void noWhenTheGIsAskedToPreempt() {
        PreemptOnly gp = new PreemptOnly();
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), gp);
        gp.preempt = true;
        assertThat(gcw.scanHeldNext(HELD)).isFalse();
        assertThat(gcw.objectsMarked).isZero();
    }

    @Test
    void noWhenTheGlobalFullListIsEmpty() {
        WorkPool pool = new WorkPool();
        GcWork gcw = drainingWithWorkOnThePool(pool, new PreemptOnly());
        Workbuf taken = pool.trygetfull();
        assertThat(taken).isNotNull();
        assertThat(pool.fullIsEmpty()).isTrue(); // gcDrain would balance first
        assertThat(gcw.scanHeldNext(HELD)).isFalse();
        assertThat(gcw.objectsMarked).isZero();
    }

    @Test
    void noWhenTheCurrentBufferIsFull() {
        GcWork gcw = drainingWithWorkOnThePool(new WorkPool(), new PreemptOnly());
        for (int i = 1; i <= Workbuf.CAPACITY; i++) {
            assertThat(gcw.putFast(i * 8L)).isTrue();
        }
        assertThat(gcw.putFastHasRoom()).isFalse(); // gcDrain would put the held object first
        assertThat(gcw.scanHeldNext(HELD)).isFalse();
        assertThat(gcw.objectsMarked).isZero();
    }
}
