package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults injected on purpose with the runtime's own test seams
 * ({@link Sched#setSuspendWaitHookForTest}, {@link Sched#setCopystackHookForTest};
 * per runtime, so no other test sees them) and latches, on a real runtime: a G
 * that exits while a suspender waits for it, one that grows its stack while
 * a suspender waits, syscall entry and exit racing suspendG. Afterwards
 * every G is accounted for: with the world stopped, no G has the scan bit
 * and the live Gs are exactly those created and not exited.
 */
@Timeout(60)
class SuspendFaultsTest {
    private static final ObjectType CELL = ObjectType.scalars("cell", 2);

    /** main: c := new(cell); go worker(c); sleep for ever (a timer keeps the process alive). */
    private static Program.Builder withMain(Program.Builder b) {
        return b.func("main", 1, 0).ptrLocals(0)
                .newobj(0, "cell").spawn("worker", 0)
                .label("m").sleep(1000).jmp("m").end();
    }

    private static G worker(TestRt t) {
        TestRt.until(() -> t.rt.allgs().length > 1 && readgstatus(t.rt.allgs()[1]) != G_DEAD, t.rt);
        return t.rt.allgs()[1];
    }

    /** With the world stopped: no scan bit anywhere; live Gs == created - exited. */
    static void assertEveryGAccountedFor(Sched rt) {
        rt.stopTheWorld("test: account for every G");
        try {
            assertThat(rt.unaccountedGs()).isNull();
        } finally {
            rt.startTheWorld();
        }
    }

    /**
     * The worker spins without a safe point (cooperative preemption only) until
     * c.stop is set, then returns. The suspender posts its request, and while it
     * waits the test sets c.stop: the G exits instead of stopping, and suspendG
     * reports it dead (nothing to resume).
     */
    @Test
    void gExitsWhileBeingSuspended() throws Exception {
        Program p = withMain(Program.builder().type(CELL)
                .func("worker", 1, 1).ptrArgs(0)
                    .label("spin").loadw(0, 2, 0).jnz(0, "out").jmp("spin")
                    .label("out").ret().end())
                .build();
        SchedConfig cfg = SchedConfig.of(2).withAsyncPreempt(false).withSysmon(false);
        try (TestRt t = new TestRt(p, cfg).start()) {
            long cell = t.mainLocal0();
            G gp = worker(t);
            TestRt.until(() -> readgstatus(gp) == G_RUNNING, t.rt);
            AtomicBoolean injected = new AtomicBoolean();
            t.rt.setSuspendWaitHookForTest((g, s) -> {
                if (g == gp && s == G_RUNNING && gp.preemptStop && injected.compareAndSet(false, true)) {
                    t.heap.writeWord(cell, 1); // the fault: the G leaves its loop and exits
                    TestRt.until(() -> readgstatus(gp) == G_DEAD, t.rt);
                }
            });
            SuspendGState st = Suspension.suspendG(gp);
            assertThat(injected).isTrue();
            assertThat(st.dead()).as("suspendG saw the G exit").isTrue();
            assertThat(st.g()).isNull();
            Suspension.resumeG(st); // nothing to resume
            assertThat(readgstatus(gp)).isEqualTo(G_DEAD);
            assertThat(gp.preemptStop).as("goexit0 cleared the request").isFalse();
            assertThat(t.rt.stats().goroutinesExited()).isEqualTo(1);
            assertEveryGAccountedFor(t.rt);
        }
    }

    /**
     * The worker's M is held in newstack with the G in _Gcopystack; a
     * suspender starts and waits (the wait hook sees copystack); the copy
     * finishes; the suspender then stops the G on its new, bigger stack.
     */
    @Test
    void gGrowsItsStackWhileASuspenderWaits() throws Exception {
        Program p = withMain(Program.builder().type(CELL)
                .func("deep", 8, 1).jnz(9, "down").ret()
                    .label("down").addi(0, 9, -1).call("deep", -1, 0).ret().end()
                .func("worker", 2, 1).ptrArgs(0)
                    .label("l").constant(0, 100).call("deep", -1, 0).loadw(1, 3, 0).jnz(1, "out").jmp("l")
                    .label("out").ret().end())
                .build();
        CountDownLatch inCopy = new CountDownLatch(1);
        CountDownLatch suspenderWaits = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<G> copying = new AtomicReference<>();
        try (TestRt t = new TestRt(p, SchedConfig.of(2))) {
            t.rt.setCopystackHookForTest(g -> {
                if (copying.compareAndSet(null, g)) {
                    inCopy.countDown();
                    await(release);
                }
            });
            t.rt.setSuspendWaitHookForTest((g, s) -> {
                if (s == G_COPYSTACK) {
                    suspenderWaits.countDown();
                }
            });
            t.start();
            long cell = t.mainLocal0();
            await(inCopy);
            G gp = copying.get();
            long before = gp.stackHi - gp.stackLo;
            assertThat(readgstatus(gp)).isEqualTo(G_COPYSTACK);
            AtomicReference<SuspendGState> result = new AtomicReference<>();
            Thread suspender = new Thread(() -> result.set(Suspension.suspendG(gp)), "suspender");
            suspender.start();
            await(suspenderWaits);
            release.countDown();
            suspender.join(20_000);
            SuspendGState st = result.get();
            assertThat(st).as("suspendG returned").isNotNull();
            assertThat(st.dead()).isFalse();
            assertThat(readgstatus(gp) & G_SCAN).isNotZero();
            assertThat(gp.stackHi - gp.stackLo).as("stopped on the grown stack").isGreaterThan(before);
            assertThat(Traceback.traceback(gp)).contains("worker(...)");
            Suspension.resumeG(st);
            t.rt.setCopystackHookForTest(null);
            t.heap.writeWord(cell, 1);
            TestRt.until(() -> readgstatus(gp) == G_DEAD, t.rt);
            assertThat(t.rt.stats().stackGrowths()).isPositive();
            assertEveryGAccountedFor(t.rt);
        }
    }

    /**
     * The worker enters and leaves syscalls in a loop while the test suspends
     * it at least 300 times: suspendG stops it in place in _Gsyscall (exitsyscall then
     * waits out the scan bit) or at a safe point, and it makes no progress
     * while held.
     */
    @Test
    void syscallEntryAndExitRaceSuspendG() throws Exception {
        Program p = withMain(Program.builder().type(CELL)
                .func("leaf", 0, 0).ret().end()
                .func("worker", 2, 1).ptrArgs(0)
                    .label("l").syscall(300).loadw(0, 3, 1).addi(0, 0, 1).storew(3, 1, 0).call("leaf", -1)
                    .loadw(1, 3, 0).jnz(1, "out").jmp("l")
                    .label("out").ret().end())
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            long cell = t.mainLocal0();
            G gp = worker(t);
            int inSyscall = 0;
            // 300 suspensions, and on until 10 of them caught the G inside a syscall (bounded).
            // Every other one first waits until the G is in a syscall: on a loaded machine a
            // suspension right after resumeG would otherwise keep finding the G still runnable,
            // waiting for an M (once, 5,000 of them never caught it in a syscall).
            for (int i = 0; i < 300 || inSyscall < 10 && i < 5_000; i++) {
                if ((i & 1) == 1) {
                    awaitStatus(gp, G_SYSCALL, t.rt);
                }
                SuspendGState st = Suspension.suspendG(gp);
                int s = readgstatus(gp);
                assertThat(s).isIn(G_SCANSYSCALL, G_SCANWAITING, G_SCANRUNNABLE);
                if (s == G_SCANSYSCALL) {
                    inSyscall++;
                }
                long count = t.heap.readWord(cell + 8);
                for (int k = 0; k < 2_000; k++) {
                    Thread.onSpinWait(); // give exitsyscall time to try (and wait)
                }
                assertThat(t.heap.readWord(cell + 8)).as("no progress while suspended").isEqualTo(count);
                assertThat(readgstatus(gp)).isEqualTo(s);
                Suspension.resumeG(st);
            }
            assertThat(inSyscall).as("some suspensions caught the G in a syscall").isPositive();
            t.heap.writeWord(cell, 1);
            TestRt.until(() -> readgstatus(gp) == G_DEAD, t.rt);
            assertEveryGAccountedFor(t.rt);
        }
    }

    /**
     * The accounting check bites (on a runtime that was never started, so no
     * world to stop): a G holding the scan bit, and a G that died without
     * goexit0, are both reported.
     */
    @Test
    void accountingReportsAScanBitAndALostG() {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        G gp = rt.newproc((mp, g) -> GoCode.EXIT, null);
        assertThat(rt.unaccountedGs()).isNull();
        assertThat(castogscanstatus(gp, G_RUNNABLE, G_SCANRUNNABLE)).isTrue();
        assertThat(rt.unaccountedGs()).contains("left with the scan bit");
        casfromGscanstatus(gp, G_SCANRUNNABLE, G_RUNNABLE);
        casgstatus(gp, G_RUNNABLE, G_DEAD); // dead, but not through goexit0
        assertThat(rt.unaccountedGs()).isEqualTo("0 live Gs, but created - exited = 1");
        rt.shutdown();
    }

    /** Polls (yielding) until gp is in status s; gives up quietly after 2 s (the test then counts what it caught). */
    private static void awaitStatus(G gp, int s, Sched rt) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (readgstatus(gp) != s && System.nanoTime() < deadline && !rt.hasExited()) {
            Thread.yield();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            assertThat(l.await(20, TimeUnit.SECONDS)).as("latch").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
