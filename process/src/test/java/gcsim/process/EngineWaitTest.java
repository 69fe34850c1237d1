package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the engine waits for its driver, and the bounded timeout dump: a run
 * whose runtime threw ends with the throw even when the driver is stuck in a
 * cycle that can no longer finish (it hung for ever without --timeout), and
 * a dump stuck on a runtime lock cannot keep the command from reporting.
 * Stuck drivers and dumps are threads blocked on a latch, released after
 * each test; no timing decides an outcome except the bounds under test.
 */
class EngineWaitTest {
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseStuckThreads() {
        release.countDown();
    }

    private Thread driver() {
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-driver");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aDriverThatEndsFinishes() throws InterruptedException {
        Thread t = driver();
        release.countDown();
        t.join();
        assertThat(ProcessRun.awaitDriver(t, () -> false, 0, 1_000)).isEqualTo(ProcessRun.DRIVER_FINISHED);
    }

    @Test
    void aStuckDriverAfterARuntimeThrowEndsTheWaitWithoutATimeout() {
        Thread t = driver();
        assertThat(ProcessRun.awaitDriver(t, () -> true, 0, 50)).isEqualTo(ProcessRun.DRIVER_STUCK_AFTER_THROW);
        assertThat(t.isAlive()).isTrue();
    }

    @Test
    void aDriverThatEndsAfterTheThrowFinishesNormally() {
        Thread t = driver();
        AtomicBoolean asked = new AtomicBoolean();
        // The runtime threw; the driver sees the exit and ends (well within the grace).
        int outcome = ProcessRun.awaitDriver(t, () -> {
            asked.set(true);
            release.countDown();
            return true;
        }, 0, TimeUnit.MINUTES.toMillis(5));
        assertThat(asked).isTrue();
        assertThat(outcome).isEqualTo(ProcessRun.DRIVER_FINISHED);
    }

    @Test
    void aStuckDriverWithoutAThrowTimesOut() {
        Thread t = driver();
        assertThat(ProcessRun.awaitDriver(t, () -> false, 1, 50)).isEqualTo(ProcessRun.DRIVER_TIMED_OUT);
    }

    @Test
    void aDumpThatFinishesIsReturned() {
        assertThat(ProcessRun.bounded(() -> "goroutine 1 [running]:\n", 60_000)).isEqualTo("goroutine 1 [running]:\n");
    }

    @Test
    void aStuckDumpGivesWayToTheJavaStacks() {
        String text = ProcessRun.bounded(() -> {
            release.await();
            return "never";
        }, 50);
        assertThat(text).startsWith("\t(the goroutine dump did not finish within 50 ms (a runtime lock is held by a"
                + " stuck thread))\n").contains("runtime threads (Java stacks, for a bug report):")
                .contains("\"gcsim-engine-dump\"").doesNotContain("never");
    }

    @Test
    void aFailedDumpSaysWhy() {
        String text = ProcessRun.bounded(() -> {
            throw new IllegalStateException("stack changed");
        }, 60_000);
        assertThat(text).startsWith("\t(the goroutine dump failed: java.lang.IllegalStateException: stack changed)");
    }
}
