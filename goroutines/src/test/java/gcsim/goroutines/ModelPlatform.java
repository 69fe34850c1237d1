package gcsim.goroutines;

import gcsim.goroutines.platform.Platform;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform for model checking ({@link SuspendProtocolModelCheckTest}): the
 * JDK's blocking calls, but a clock that never moves and parks without a
 * timeout. A suspender parked by {@code --suspend park} then returns only
 * when someone wakes it, so a lost wake-up is a deadlock that Lincheck
 * reports, instead of a 10 ms safety net quietly covering it. Used by the
 * model-checked threads of one test invocation; owns nothing.
 */
final class ModelPlatform extends Platform.Real {
    /** Untimed on purpose: only a wake-up (or a spurious return) ends the park. */
    @Override
    public void parkNanos(Object blocker, long nanos) {
        LockSupport.park(blocker);
    }

    @Override
    public boolean tryAcquire(Semaphore s, long nanos) {
        s.acquireUninterruptibly();
        return true;
    }

    /** Time stands still: no wait of the runtime ever times out. */
    @Override
    public long nanoTime() {
        return 0;
    }

    @Override
    public int nextInt(int bound) {
        return 0;
    }
}
