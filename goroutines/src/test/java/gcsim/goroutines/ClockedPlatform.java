package gcsim.goroutines;

import gcsim.goroutines.platform.Platform;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The JDK platform (threads, locks and parks) with a clock the test
 * sets and counters of the spin and yield hints the runtime gives: a test
 * that drives a G by hand from the suspendG wait hook can then say exactly
 * how long each wait round took and whether it spun (procyield) or gave the
 * CPU away (osyield). {@link #yield} advances the clock by
 * {@link #yieldNanos} (time given away); {@link #atNextSpin} runs once at the
 * next spin hint, {@link #onHint} at every hint; {@link #onParkNanos} stands
 * in for a timed park; {@link #wakeNanos} is what each wakeup costs the waker. Used by one test
 * thread at a time.
 */
final class ClockedPlatform extends Platform.Real {
    final AtomicLong clock = new AtomicLong();
    final AtomicInteger spinHints = new AtomicInteger();
    final AtomicInteger yields = new AtomicInteger();
    volatile long yieldNanos;
    /** Run at each spin hint (then cleared): lets a test act while the runtime busy-waits. */
    volatile @Nullable Runnable atNextSpin;
    /** What {@link #deterministic()} answers (procyield is then one hint). */
    volatile boolean deterministic;
    /**
     * When set, a timed park calls it with the time asked for and returns at
     * once instead of sleeping: the test plays whoever would wake the parker.
     */
    volatile @Nullable LongConsumer onParkNanos;
    /** Threads unparked, in order. */
    final List<Thread> unparked = new CopyOnWriteArrayList<>();
    /**
     * Added to the clock at each unpark and each new runtime thread ({@link #adopt}): what
     * waking a thread costs the waker, so that a test can tell whether a measured window holds
     * a wakeup. 0 (the default): waking costs nothing.
     */
    volatile long wakeNanos;
    /** Told "spin" or "yield" before each hint is counted: lets a test follow and steer a wait. */
    volatile @Nullable Consumer<String> onHint;

    @Override
    public boolean deterministic() {
        return deterministic;
    }

    @Override
    public void parkNanos(Object blocker, long nanos) {
        LongConsumer h = onParkNanos;
        if (h != null) {
            h.accept(nanos);
            return;
        }
        LockSupport.parkNanos(blocker, nanos);
    }

    @Override
    public void unpark(Thread t) {
        unparked.add(t);
        clock.addAndGet(wakeNanos);
        LockSupport.unpark(t);
    }

    @Override
    public void adopt(Thread t) {
        clock.addAndGet(wakeNanos);
        super.adopt(t);
    }

    @Override
    public void onSpinWait() {
        Consumer<String> h = onHint;
        if (h != null) {
            h.accept("spin");
        }
        spinHints.incrementAndGet();
        Runnable r = atNextSpin;
        if (r != null) {
            atNextSpin = null;
            r.run();
        }
        Thread.onSpinWait();
    }

    @Override
    public void yield() {
        Consumer<String> h = onHint;
        if (h != null) {
            h.accept("yield");
        }
        yields.incrementAndGet();
        clock.addAndGet(yieldNanos);
        Thread.yield();
    }

    @Override
    public long nanoTime() {
        return clock.get();
    }

    @Override
    public int nextInt(int bound) {
        return 0;
    }
}
