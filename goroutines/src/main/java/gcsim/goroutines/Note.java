package gcsim.goroutines;

import gcsim.goroutines.platform.Platform;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's {@code note}: a one-time event. After {@link #clear}, exactly one
 * thread may {@link #sleep} and exactly one may {@link #wakeup} (once); once
 * woken, sleep returns and further sleeps return at once. Real blocking
 * (the platform's park/unpark: LockSupport, or the deterministic baton), no spinning.
 */
final class Note {
    private final Platform platform;
    /** 0 = not signalled, 1 = signalled. */
    private volatile int key;
    /** The sleeping thread, published before it re-checks key (Dekker with wakeup). */
    private volatile @Nullable Thread waiter;

    Note(Platform platform) {
        this.platform = platform;
    }

    void clear() {
        key = 0;
    }

    void wakeup() {
        if (key != 0) {
            throw Throw.fatal("notewakeup - double wakeup");
        }
        key = 1;
        Thread w = waiter;
        if (w != null) {
            platform.unpark(w);
        }
    }

    void sleep() {
        waiter = Thread.currentThread();
        while (key == 0) {
            platform.park(this);
        }
        waiter = null;
    }

    /** Sleeps at most ns nanoseconds; returns whether the note was signalled. */
    boolean tsleep(long ns) {
        long deadline = platform.nanoTime() + ns;
        waiter = Thread.currentThread();
        try {
            while (key == 0) {
                long left = deadline - platform.nanoTime();
                if (left <= 0) {
                    return false;
                }
                platform.parkNanos(this, left);
            }
            return true;
        } finally {
            waiter = null;
        }
    }

    boolean signalled() {
        return key != 0;
    }
}
