package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import gcsim.goroutines.platform.Platform;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The {@link Platform} mapping: park/unpark keep LockSupport's permit
 * semantics in both modes, the deterministic one runs its threads one at a
 * time (locks stay exclusive across baton passes, joins wait for exits,
 * timed parks run on the simulated clock), its watchdog ends a run in which
 * every thread is blocked, and a whole runtime on it is reproducible from
 * the seed alone.
 */
class PlatformTest {
    private static final long WAIT_SECONDS = 30;

    private static Platform det(long seed, AtomicReference<String> deadlock) {
        return Platform.deterministic(seed, new EventLog(16), 0, deadlock::set);
    }

    @Test
    void realUnparkBeforeParkIsAPermit() throws Exception {
        Platform p = Platform.REAL;
        p.unpark(Thread.currentThread());
        p.park(this); // returns at once: the permit
        CountDownLatch parked = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        Thread t = p.newThread(() -> {
            parked.countDown();
            while (!done.get()) {
                p.park(this);
            }
        }, "real-parker");
        t.start();
        parked.await();
        done.set(true);
        p.unpark(t);
        p.join(t);
        assertThat(t.isAlive()).isFalse();
    }

    @Test
    void deterministicUnparkBeforeOrAfterParkWakesTheParker() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            AtomicReference<String> deadlock = new AtomicReference<>();
            Platform p = det(seed, deadlock);
            AtomicBoolean woke = new AtomicBoolean();
            Thread parker = p.newThread(() -> {
                p.park(this); // a single park: the unpark comes before (a permit) or after, by the seed
                woke.set(true);
            }, "parker");
            Thread unparker = p.newThread(() -> {
                p.yield();
                p.unpark(parker);
            }, "unparker");
            parker.start();
            unparker.start();
            p.startRun();
            assertThat(joinBounded(parker)).isTrue();
            assertThat(joinBounded(unparker)).isTrue();
            assertThat(woke).as("seed %d", seed).isTrue();
            assertThat(deadlock.get()).isNull();
        }
    }

    @Test
    void aParkThatNobodyUnparksIsReportedNotHung() throws Exception {
        AtomicReference<String> deadlock = new AtomicReference<>();
        Platform p = det(7, deadlock);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ts.add(p.newThread(() -> p.park(this), "stuck-" + i));
        }
        ts.forEach(Thread::start);
        p.startRun();
        for (Thread t : ts) {
            assertThat(joinBounded(t)).isTrue();
        }
        assertThat(deadlock.get()).contains("no thread can make progress").contains("stuck-0#0 blocked")
                .contains("stuck-2#2 blocked");
    }

    @Test
    void aLockStaysExclusiveWhileItsHolderPassesTheBaton() throws Exception {
        AtomicReference<String> deadlock = new AtomicReference<>();
        Platform p = det(3, deadlock);
        ReentrantLock l = new ReentrantLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ts.add(p.newThread(() -> {
                for (int k = 0; k < 50; k++) {
                    p.lock(l);
                    try {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        p.yield(); // a scheduling point inside the critical section
                        inside.decrementAndGet();
                    } finally {
                        l.unlock();
                    }
                }
            }, "locker-" + i));
        }
        ts.forEach(Thread::start);
        p.startRun();
        for (Thread t : ts) {
            assertThat(joinBounded(t)).isTrue();
        }
        assertThat(maxInside.get()).isEqualTo(1);
        assertThat(deadlock.get()).isNull();
    }

    @Test
    void timedParksRunOnTheSimulatedClockAndJoinWaitsForTheExit() throws Exception {
        AtomicReference<String> deadlock = new AtomicReference<>();
        Platform p = det(5, deadlock);
        AtomicLong slept = new AtomicLong();
        AtomicBoolean sleeperDoneWhenJoined = new AtomicBoolean();
        Thread sleeper = p.newThread(() -> {
            long t0 = p.nanoTime();
            p.parkNanos(this, TimeUnit.HOURS.toNanos(1)); // an hour of simulated time, at once
            slept.set(p.nanoTime() - t0);
        }, "sleeper");
        Thread joiner = p.newThread(() -> {
            try {
                p.join(sleeper);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            sleeperDoneWhenJoined.set(slept.get() != 0);
        }, "joiner");
        sleeper.start();
        joiner.start();
        p.startRun();
        assertThat(joinBounded(joiner)).isTrue();
        assertThat(slept.get()).isGreaterThanOrEqualTo(TimeUnit.HOURS.toNanos(1));
        assertThat(sleeperDoneWhenJoined).isTrue();
        assertThat(deadlock.get()).isNull();
    }

    @Test
    void theOrderOfTurnsIsAFunctionOfTheSeed() throws Exception {
        assertThat(turns(11)).isEqualTo(turns(11));
        assertThat(turns(12)).isEqualTo(turns(12));
        assertThat(turns(11)).isNotEqualTo(turns(12));
    }

    /** Three threads each yield 20 times, logging their name at every turn. */
    private static List<String> turns(long seed) throws InterruptedException {
        AtomicReference<String> deadlock = new AtomicReference<>();
        Platform p = det(seed, deadlock);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "t" + i;
            ts.add(p.newThread(() -> {
                for (int k = 0; k < 20; k++) {
                    log.add(name);
                    p.yield();
                }
            }, name));
        }
        ts.forEach(Thread::start);
        p.startRun();
        for (Thread t : ts) {
            assertThat(joinBounded(t)).isTrue();
        }
        return List.copyOf(log);
    }

    @Test
    void aWholeRuntimeReplaysFromItsSeed() throws Exception {
        String a = runtimeDigest(1);
        assertThat(runtimeDigest(1)).isEqualTo(a);
        assertThat(runtimeDigest(2)).isNotEqualTo(a);
    }

    /** SmokeTest's program on a deterministic runtime; the event log's digest and count. */
    private static String runtimeDigest(long seed) throws Exception {
        Program prog = SmokeTest.program(200);
        EventLog log = new EventLog(16);
        AtomicReference<String> deadlock = new AtomicReference<>();
        Platform p = Platform.deterministic(seed, log, 0, deadlock::set);
        Sched rt = new Sched(SchedConfig.of(2), p);
        rt.setRuntimeEvents(log);
        Interp in = new Interp(rt, new Heap(HeapConfig.of(2)), prog);
        in.start();
        p.startRun();
        assertThat(rt.awaitExit(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(rt.joinMs(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();
        assertThat(deadlock.get()).isNull();
        assertThat(in.allocations()).isEqualTo(50 * 200);
        return log.digest() + " " + log.events();
    }

    private static boolean joinBounded(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return !t.isAlive();
    }
}
