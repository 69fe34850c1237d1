package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Program;
import gcsim.base.GoThrow;
import gcsim.heap.ObjectType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's own runtime tests, expressed as gcsim programs with Go's expected outcome. */
class GoRuntimeTestsTest {

    /** crash_test.go TestSimpleDeadlock: main does select {}. */
    @Test
    void testSimpleDeadlock() throws Exception {
        Program p = Program.builder().func("main", 0, 0).block().end().build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            assertThatThrownBy(() -> t.await(20)).isInstanceOf(GoThrow.class)
                    .hasMessage("all goroutines are asleep - deadlock!");
            assertThat(Traceback.goroutineheader(t.main)).isEqualTo("goroutine 1 [select (no cases)]:");
        }
    }

    /** crash_test.go TestGoexitDeadlock: two goroutines finish, main calls runtime.Goexit. */
    @Test
    void testGoexitDeadlock() throws Exception {
        Program p = Program.builder()
                .func("F", 1, 0).constant(0, 10).label("l").decjnz(0, "l").ret().end()
                .func("main", 0, 0).spawn("F").spawn("F").goexit().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            assertThatThrownBy(() -> t.await(20)).isInstanceOf(GoThrow.class)
                    .hasMessage("no goroutines (main called runtime.Goexit) - deadlock!");
        }
    }

    /** A goroutine sleeping on a timer is not a deadlock: main sleeps, then exits normally. */
    @Test
    void sleepingIsNotDeadlock() throws Exception {
        Program p = Program.builder().func("main", 0, 0).sleep(20_000).ret().end().build();
        try (TestRt t = new TestRt(p, SchedConfig.of(1)).start()) {
            assertThat(t.await(20)).isZero();
        }
    }

    private static final ObjectType FLAG = ObjectType.scalars("flag", 1);

    /**
     * proc_test.go TestPreemption on one P: two goroutines hand a turn back and
     * forth, each spinning with calls until it is its turn. Only preemption at
     * function calls (sysmon's 10 ms forcePreempt) lets the other run.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void testPreemption(boolean async) throws Exception {
        int n = 3;
        Program p = Program.builder()
                .type(FLAG)
                .chan("c", 0, false)
                .func("preempt", 0, 0).ret().end()
                // worker(x *flag, g int): for i < N { for x.v != g { preempt() }; x.v = 1-g }; c <- true
                .func("worker", 4, 2).ptrArgs(0)
                    .constant(0, n).constant(3, 1)
                    .label("outer")
                    .label("spin").loadw(1, 5, 0).sub(2, 1, 6).jnz(2, "call").jmp("turn")
                    .label("call").call("preempt", -1).jmp("spin")
                    .label("turn").sub(2, 3, 6).storew(5, 0, 2).decjnz(0, "outer")
                    .send("c", 3).ret().end()
                .func("main", 3, 0).ptrLocals(0)
                    .newobj(0, "flag").constant(1, 0).spawn("worker", 0, 1)
                    .constant(1, 1).spawn("worker", 0, 1)
                    .recv("c", 2).recv("c", 2).ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(1).withAsyncPreempt(async)).start()) {
            assertThat(t.await(30)).isZero();
            assertThat(t.rt.stats().preemptionsCooperative() + t.rt.stats().preemptionsAsync()).isGreaterThanOrEqualTo(2 * n - 1);
        }
    }

    /**
     * proc_test.go TestPreemptionAfterSyscall: 8 goroutines on 2 Ps loop on a
     * system call until main, which must still get a P, tells them to stop.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 100, 1000})
    void testPreemptionAfterSyscall(int micros) throws Exception {
        Program p = Program.builder()
                .type(FLAG)
                .chan("c", 8, false)
                .func("worker", 2, 1).ptrArgs(0)
                    .constant(0, 1).send("c", 0)
                    .label("loop").syscall(micros).loadw(1, 3, 0).jnz(1, "done").jmp("loop")
                    .label("done").send("c", 0).ret().end()
                .func("main", 3, 0).ptrLocals(0)
                    .newobj(0, "flag")
                    .constant(1, 8).label("spawn").spawn("worker", 0).decjnz(1, "spawn")
                    .constant(1, 8).label("started").recv("c", 2).decjnz(1, "started")
                    .constant(2, 1).storew(0, 0, 2)
                    .constant(1, 8).label("finished").recv("c", 2).decjnz(1, "finished")
                    .ret().end()
                .build();
        for (int iter = 0; iter < 3; iter++) {
            long start = System.nanoTime();
            try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
                assertThat(t.await(20)).isZero();
            }
            assertThat(System.nanoTime() - start).as("maxDuration 3s").isLessThan(3_000_000_000L);
        }
    }

    /**
     * crash_test.go TestStackOverflow with debug.SetMaxStack(1474560): infinite
     * recursion ends with Go's two lines.
     */
    @Test
    void testStackOverflow() throws Exception {
        Program p = Program.builder()
                .func("f", 8, 0).call("f", -1).ret().end()
                .func("main", 0, 0).call("f", -1).ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(1).withMaxStackSize(1474560)).start()) {
            assertThatThrownBy(() -> t.await(20)).isInstanceOf(GoThrow.class)
                    .hasMessage("stack overflow")
                    .satisfies(e -> assertThat(((GoThrow) e).runtimePrint())
                            .contains("runtime: goroutine stack exceeds 1474560-byte limit")
                            .contains("runtime: sp=").contains("stack=["));
        }
    }

    /**
     * stack_test.go TestStackGrowth's growStack: recursion to depth i for i up
     * to n, each level holding a heap object that it checks after the return
     * (a moved stack must keep its pointers), while another thread suspends
     * and resumes the goroutines over and over.
     */
    @Test
    void testStackGrowthWithConcurrentSuspensions() throws Exception {
        ObjectType box = ObjectType.scalars("box", 1);
        Program p = Program.builder()
                .type(box)
                .chan("done", 0, false)
                // iter(n): b := new(box); b.v = n; if n > 0 { r := iter(n-1); check r == n-1 }; check b.v == n; return n
                .func("iter", 6, 1).ptrLocals(0)
                    .newobj(0, "box").storew(0, 0, 7)
                    .jnz(7, "rec").jmp("chk")
                    .label("rec").addi(1, 7, -1).call("iter", 2, 1).checkeq(2, 1)
                    .label("chk").loadw(3, 0, 0).checkeq(3, 7).ret(7).end()
                .func("grow", 3, 0)
                    .constant(0, 0).constant(1, 300)
                    .label("l").call("iter", 2, 0).checkeq(2, 0).addi(0, 0, 1).jlt(0, 1, "l")
                    .send("done", 0).ret().end()
                .func("main", 2, 0)
                    .constant(0, 4).label("s").spawn("grow").decjnz(0, "s")
                    .constant(0, 4).label("w").recv("done", 1).decjnz(0, "w")
                    .ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger suspensions = new AtomicInteger();
            HelperThreads helpers = new HelperThreads();
            helpers.start("suspender", () -> {
                while (!stop.get() && !t.rt.hasExited()) {
                    for (G gp : t.rt.allgs()) {
                        SuspendGState st = t.suspendGUnlessExited(gp);
                        if (st == null) {
                            return; // the process exited
                        }
                        if (!st.dead()) {
                            assertThat(GStatus.readgstatus(gp) & GStatus.G_SCAN).isNotZero();
                            suspensions.incrementAndGet();
                        }
                        if (!t.resumeGUnlessExited(st)) {
                            return; // the process exited
                        }
                    }
                }
            });
            assertThat(t.await(60)).isZero();
            stop.set(true);
            helpers.joinAll(30);
            assertThat(t.rt.stats().stackGrowths()).isPositive();
            assertThat(suspensions.get()).isPositive();
        }
    }

    /**
     * proc_test.go TestPreemptionGC's shape: 5 goroutines spin with calls on 6
     * Ps; instead of runtime.GC, the test suspends and resumes every G 10
     * times; then it sets stop. Every suspension must complete.
     */
    @Test
    void testPreemptionGcShape() throws Exception {
        Program p = Program.builder()
                .type(FLAG)
                .chan("c", 5, false)
                .func("preempt", 0, 0).ret().end()
                .func("spin", 1, 1).ptrArgs(0)
                    .label("l").call("preempt", -1).loadw(0, 2, 0).jnz(0, "done").jmp("l")
                    .label("done").send("c", 0).ret().end()
                .func("main", 3, 0).ptrLocals(0)
                    .newobj(0, "flag").constant(1, 5).label("s").spawn("spin", 0).decjnz(1, "s")
                    .constant(1, 5).label("w").recv("c", 2).decjnz(1, "w").ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(6).withAsyncPreempt(false)).start()) {
            TestRt.until(() -> t.rt.allgs().length == 6, t.rt);
            int stoppedRunning = 0;
            for (int i = 0; i < 10; i++) {
                for (G gp : t.rt.allgs()) {
                    SuspendGState st = Suspension.suspendG(gp);
                    if (st.stopped()) {
                        stoppedRunning++;
                    }
                    Suspension.resumeG(st);
                }
            }
            assertThat(stoppedRunning).as("running Gs were stopped via preemptStop").isPositive();
            long flag = findFlag(t);
            t.heap.writeWord(flag, 1);
            assertThat(t.await(30)).isZero();
        }
    }

    /** The flag object is main's local 0: read it from main's (suspended) frame. */
    private static long findFlag(TestRt t) {
        SuspendGState st = Suspension.suspendG(t.main);
        try {
            return t.main.stack.read(t.main.sp); // main's frame: local 0 at sp
        } finally {
            Suspension.resumeG(st);
        }
    }
}
