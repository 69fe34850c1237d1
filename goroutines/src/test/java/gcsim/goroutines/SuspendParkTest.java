package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.heap.ObjectType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --suspend park} against {@code spin}: several suspenders race for
 * one running G; each suspension is exclusive, the G keeps making progress
 * between them, and in park mode the parks end because the G's side woke
 * them (counted by the parkers), not by the safety-net timeout. A lost
 * wake-up would show as timeouts (or, without the net, as the JUnit timeout).
 */
class SuspendParkTest {
    private static final ObjectType CELL = ObjectType.scalars("cell", 2);
    private static final int SUSPENDERS = 4;
    private static final int ROUNDS = 150;

    /** worker(c): for { c.count++; preempt() } — safe points at every call. */
    private static Program worker() {
        return Program.builder()
                .type(CELL)
                .func("preempt", 0, 0).ret().end()
                .func("worker", 1, 1).ptrArgs(0)
                    .label("l").loadw(0, 2, 1).addi(0, 0, 1).storew(2, 1, 0).call("preempt", -1).jmp("l").end()
                .func("main", 1, 0).ptrLocals(0)
                    .newobj(0, "cell").spawn("worker", 0).block().end()
                .entry("main")
                .build();
    }

    @ParameterizedTest(name = "park={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void severalSuspendersOnOneRunningGoroutine(boolean park) throws Exception {
        SchedConfig cfg = SchedConfig.of(2).withSuspendSleeps(park);
        try (TestRt t = new TestRt(worker(), cfg).start()) {
            long cell = t.mainLocal0();
            TestRt.until(() -> t.rt.allgs().length > 1 && readgstatus(t.rt.allgs()[1]) == G_RUNNING, t.rt);
            G gp = t.rt.allgs()[1];
            SuspendStats.Snapshot before = t.rt.suspendStats().snapshot();
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger stalls = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(SUSPENDERS);
            List<Thread> ts = new ArrayList<>();
            for (int k = 0; k < SUSPENDERS; k++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < ROUNDS; i++) {
                            long count = t.heap.readWord(cell + 8);
                            SuspendGState st = Suspension.suspendG(gp);
                            if (holders.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            long held = t.heap.readWord(cell + 8);
                            Thread.onSpinWait();
                            if (t.heap.readWord(cell + 8) != held) {
                                stalls.incrementAndGet(); // the G ran while suspended
                            }
                            holders.decrementAndGet();
                            Suspension.resumeG(st);
                            // Let the G run again before the next round (progress, no sleeps).
                            while (t.heap.readWord(cell + 8) == count && !t.rt.hasExited()) {
                                Thread.onSpinWait();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "suspender-" + k);
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) {
                th.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(overlaps.get()).as("two suspenders held the G at once").isZero();
            assertThat(stalls.get()).as("the G ran while suspended").isZero();
            assertThat(t.rt.fatalError()).isNull();
            assertThat(readgstatus(gp) & G_SCAN).as("scan bit left behind").isZero();
            SuspendStats.Snapshot d = t.rt.suspendStats().snapshot().minus(before);
            assertThat(d.waitingCalls()).as("some suspensions had to wait").isPositive();
            if (park) {
                assertThat(d.spins()).isZero();
                assertThat(d.parks()).isPositive();
                // Wakeups come from the G's side: nearly every park ends that way. A few
                // safety-net timeouts are tolerated only because the machine is shared
                // (a descheduled M); a lost wake-up protocol would make them the rule.
                assertThat(d.wakeups()).isPositive();
                assertThat(d.wakeups() * 10).as("parks %d wakeups %d timeouts %d", d.parks(), d.wakeups(),
                        d.parkTimeouts()).isGreaterThanOrEqualTo(d.parks() * 9 - 10);
                assertThat(d.parkTimeouts() * 20).isLessThanOrEqualTo(d.parks());
            } else {
                assertThat(d.parks()).isZero();
                assertThat(d.spins()).isPositive();
            }
        }
    }
}
