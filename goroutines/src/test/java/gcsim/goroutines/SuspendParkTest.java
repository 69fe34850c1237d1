package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import gcsim.goroutines.platform.Platform;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.ObjectType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --suspend park} against {@code spin}: several suspenders race for
 * one running G; each suspension is exclusive, the G keeps making progress
 * between them, and in park mode every park ends because the G's side woke
 * it (counted by the parkers), never by the safety-net timeout. A lost
 * wake-up would show as a timeout.
 *
 * <p>Deterministic mode ({@link Platform#deterministic}): the suspenders and
 * the Ms pass one baton and the clock is simulated, so the counts are a
 * function of the seed and a loaded machine cannot turn a descheduled M into
 * a safety-net timeout. The bounds are exact (no tolerated ratio).
 */
class SuspendParkTest {
    private static final ObjectType CELL = ObjectType.scalars("cell", 2);
    private static final int SUSPENDERS = 4;
    private static final int ROUNDS = 150;
    private static final long WAIT_SECONDS = 60;

    /**
     * worker(c): for { c.count++; preempt(); if c.stop != 0 { break } }; done <- 1
     * (safe points at every call); main: c := new(cell); go worker(c); <-done.
     */
    private static Program worker() {
        return Program.builder()
                .type(CELL)
                .chan("done", 0, false)
                .func("preempt", 0, 0).ret().end()
                .func("worker", 1, 1).ptrArgs(0)
                    .label("l").loadw(0, 2, 1).addi(0, 0, 1).storew(2, 1, 0).call("preempt", -1)
                    .loadw(0, 2, 0).jnz(0, "out").jmp("l")
                    .label("out").send("done", 0).ret().end()
                .func("main", 2, 0).ptrLocals(0)
                    .newobj(0, "cell").spawn("worker", 0).recv("done", 1).ret().end()
                .entry("main")
                .build();
    }

    @ParameterizedTest(name = "park={0} seed={1}")
    @CsvSource({"true, 1", "true, 2", "false, 1"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void severalSuspendersOnOneRunningGoroutine(boolean park, long seed) throws Exception {
        EventLog log = new EventLog(16);
        AtomicReference<String> deadlock = new AtomicReference<>();
        Platform pl = Platform.deterministic(seed, log, 0, deadlock::set);
        Sched rt = new Sched(SchedConfig.of(2).withSuspendSleeps(park), pl);
        rt.setRuntimeEvents(log);
        Heap heap = new Heap(HeapConfig.of(2));
        Interp interp = new Interp(rt, heap, worker());
        G main = interp.start();
        SuspendWaitCounters.Snapshot before = rt.suspendWaitCounters().snapshot();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger stalls = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < SUSPENDERS; k++) {
            // Participants of the baton: every wait is pl.onSpinWait (a pass), never a JDK spin.
            Thread th = pl.newThread(() -> {
                try {
                    long cell = awaitCell(pl, rt, main, heap);
                    G gp = awaitRunning(pl, rt);
                    for (int i = 0; i < ROUNDS; i++) {
                        long count = heap.readWord(cell + 8);
                        SuspendGState st = Suspension.suspendG(gp);
                        if (holders.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        long held = heap.readWord(cell + 8);
                        pl.onSpinWait();
                        if (heap.readWord(cell + 8) != held) {
                            stalls.incrementAndGet(); // the G ran while suspended
                        }
                        holders.decrementAndGet();
                        Suspension.resumeG(st);
                        // Let the G run again before the next round (progress, no sleeps).
                        while (heap.readWord(cell + 8) == count && !rt.hasExited()) {
                            pl.onSpinWait();
                        }
                    }
                    if (finished.incrementAndGet() == SUSPENDERS) {
                        heap.writeWord(cell, 1); // the last one out stops the worker
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    rt.shutdown();
                }
            }, "suspender-" + k);
            th.start();
            ts.add(th);
        }
        pl.startRun();
        int code = rt.awaitExit(WAIT_SECONDS, TimeUnit.SECONDS);
        for (Thread th : ts) {
            th.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        assertThat(failure.get()).as("a suspender failed").isNull();
        assertThat(deadlock.get()).as("baton watchdog").isNull();
        assertThat(code).as("exit code").isZero();
        assertThat(rt.joinMs(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();
        assertThat(finished.get()).isEqualTo(SUSPENDERS);
        assertThat(overlaps.get()).as("two suspenders held the G at once").isZero();
        assertThat(stalls.get()).as("the G ran while suspended").isZero();
        assertThat(rt.fatalError()).isNull();
        for (G g : rt.allgs()) {
            assertThat(readgstatus(g) & GStatus.G_SCAN).as("scan bit left on %s", g).isZero();
        }
        SuspendWaitCounters.Snapshot d = rt.suspendWaitCounters().snapshot().minus(before);
        assertThat(d.waitingCalls()).as("some suspensions had to wait").isPositive();
        if (park) {
            assertThat(d.spins()).isZero();
            assertThat(d.parks()).isPositive();
            // Every park ends by a wake-up from the G's side: the G always moves here,
            // and time is simulated, so the safety net never has to fire.
            assertThat(d.parkTimeouts()).as("parks %d wakeups %d timeouts %d", d.parks(), d.wakeups(),
                    d.parkTimeouts()).isZero();
            assertThat(d.wakeups()).isPositive();
        } else {
            assertThat(d.parks()).isZero();
            assertThat(d.spins()).isPositive();
        }
    }

    /** Main's local 0 once it holds the cell (main's first NEW); a participant, waiting on the baton. */
    private static long awaitCell(Platform pl, Sched rt, G main, Heap heap) {
        for (;;) {
            gcsim.stacks.Stack s = main.stack;
            long sp = main.sp;
            if (s != null && s.contains(sp)) {
                long v = s.read(sp);
                if (v != 0 && heap.findObject(v) == v) {
                    return v;
                }
            }
            check(rt);
            pl.onSpinWait();
        }
    }

    /** The worker G once it runs; a participant, waiting on the baton. */
    private static G awaitRunning(Platform pl, Sched rt) {
        for (;;) {
            G[] gs = rt.allgs();
            if (gs.length > 1 && readgstatus(gs[1]) == G_RUNNING) {
                return gs[1];
            }
            check(rt);
            pl.onSpinWait();
        }
    }

    private static void check(Sched rt) {
        if (rt.hasExited()) {
            throw new AssertionError("process exited: " + rt.fatalError(), rt.fatalError());
        }
    }
}
