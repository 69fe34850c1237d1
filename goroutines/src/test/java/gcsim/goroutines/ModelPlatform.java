package gcsim.goroutines;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A platform for model checking ({@link SuspendProtocolModelCheckTest}): the
 * JDK's blocking calls, but a clock that never moves and parks without a
 * timeout. A suspender parked by {@code --suspend park} then returns only
 * when someone wakes it, so a lost wake-up is a deadlock that Lincheck
 * reports, instead of a 10 ms safety net quietly covering it. Used by the
 * model-checked threads of one test invocation; owns nothing.
 */
final class ModelPlatform extends Platform {
    @Override
    public boolean deterministic() {
        return false;
    }

    @Override
    public void park(Object blocker) {
        LockSupport.park(blocker);
    }

    /** Untimed on purpose: only a wake-up (or a spurious return) ends the park. */
    @Override
    public void parkNanos(Object blocker, long nanos) {
        LockSupport.park(blocker);
    }

    @Override
    public void unpark(Thread t) {
        LockSupport.unpark(t);
    }

    @Override
    public void onSpinWait() {
        Thread.onSpinWait();
    }

    @Override
    public void yield() {
        Thread.yield();
    }

    @Override
    public void lock(ReentrantLock l) {
        l.lock();
    }

    @Override
    public void acquire(Semaphore s) {
        s.acquireUninterruptibly();
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

    @Override
    void adopt(Thread t) {
    }

    @Override
    void enter() {
    }

    @Override
    void leave() {
    }

    @Override
    public void join(Thread t) throws InterruptedException {
        t.join();
    }

    @Override
    void instructionBoundary() {
    }

    @Override
    public void startRun() {
    }

    @Override
    public @Nullable Baton baton() {
        return null;
    }
}
