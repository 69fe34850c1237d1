package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of goroutines spawning, exiting, blocking, growing stacks and
 * making system calls while another thread suspends and resumes every G in a
 * loop. Afterwards every G is accounted for and no status has the scan bit.
 */
class StressTest {
    static Program program(int n) {
        ObjectType node = ObjectType.withPointers("node", 2, 0);
        return Program.builder()
                .type(node)
                .chan("done", 0, false)
                // rec(d) *node: x := new(node); x.1 = d; if d > 0 { x.0 = rec(d-1) }; check x.1 == d; return x
                .func("rec", 5, 1).ptrLocals(0, 1).returnsPointer()
                    .newobj(0, "node").storew(0, 1, 6)
                    .jnz(6, "down").jmp("out")
                    .label("down").addi(2, 6, -1).call("rec", 1, 2).storep(0, 0, 1)
                    .label("out").loadw(3, 0, 1).checkeq(3, 6).ret(0).end()
                .func("child", 1, 0).constant(0, 1).send("done", 0).ret().end()
                // worker(i): rec(i % 64); if i%4==0 syscall; if i%3==0 go child(); done <- 1
                .func("worker", 8, 1).ptrLocals(0)
                    .mov(1, 9).constant(2, 64)
                    .label("mod").jlt(1, 2, "modok").sub(1, 1, 2).jmp("mod")
                    .label("modok").call("rec", 0, 1)
                    .constant(3, 3).mov(4, 9).constant(5, 4)
                    .label("m4").jlt(4, 5, "m4ok").sub(4, 4, 5).jmp("m4")
                    .label("m4ok").jnz(4, "nosys").syscall(50).label("nosys")
                    .mov(6, 9).label("m3").jlt(6, 3, "m3ok").sub(6, 6, 3).jmp("m3")
                    .label("m3ok").jnz(6, "nochild").spawn("child").label("nochild")
                    .constant(7, 1).send("done", 7).ret().end()
                .func("main", 4, 0)
                    .constant(0, 0).constant(1, n)
                    .label("s").spawn("worker", 0).addi(0, 0, 1).jlt(0, 1, "s")
                    .constant(2, n + (n + 2) / 3)
                    .label("w").recv("done", 3).decjnz(2, "w")
                    .ret().end()
                .build();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3})
    void thousandsOfGoroutinesWhileEveryGIsSuspendedInALoop(int seed) throws Exception {
        int n = 2000;
        SchedConfig cfg = SchedConfig.of(2).withAsyncPreempt(seed != 2);
        try (TestRt t = new TestRt(program(n), cfg).start()) {
            AtomicLong suspensions = new AtomicLong();
            AtomicLong stopped = new AtomicLong();
            HelperThreads helpers = new HelperThreads();
            helpers.start("suspender", () -> {
                while (!t.rt.hasExited()) {
                    for (G gp : t.rt.allgs()) {
                        SuspendGState st = t.suspendGUnlessExited(gp);
                        if (st == null) {
                            return; // the process exited
                        }
                        suspensions.incrementAndGet();
                        if (st.stopped()) {
                            stopped.incrementAndGet();
                        }
                        if (!st.dead()) {
                            assertThat(readgstatus(gp) & G_SCAN).isNotZero();
                        }
                        if (!t.resumeGUnlessExited(st)) {
                            return; // the process exited
                        }
                    }
                }
            });
            assertThat(t.await(60)).isZero();
            helpers.joinAll(30);
            assertThat(t.rt.joinMs(5000)).isTrue();
            // Main returning ends the process (Go's exit(0)) while goroutines that
            // already sent may not have run their RET yet: those are runnable or running.
            int expected = n + (n + 2) / 3;
            assertThat(t.rt.stats().goroutinesCreated()).isEqualTo(expected + 1);
            // A G can also be left in _Gpreempted: the suspender asked it to stop, it
            // parked in preemptPark, and the process exited before suspendG claimed it
            // ("suspendG: process exited"). One suspender, so at most one such G.
            int live = 0;
            int preempted = 0;
            for (G gp : t.rt.allgs()) {
                int s = readgstatus(gp);
                assertThat(s & G_SCAN).as("scan bit left on %s", gp).isZero();
                if (gp == t.main) {
                    assertThat(s).isEqualTo(G_RUNNING); // main returned: exit(0) on its M
                } else if (s != G_DEAD) {
                    assertThat(s).as("%s blocked for ever", gp).isIn(G_RUNNABLE, G_RUNNING, G_PREEMPTED);
                    if (s == G_PREEMPTED) {
                        preempted++;
                    }
                    live++;
                }
            }
            assertThat(preempted).as("Gs left in _Gpreempted by the one suspender").isLessThanOrEqualTo(1);
            assertThat(t.rt.stats().goroutinesExited() + live).isEqualTo(expected);
            assertThat(suspensions.get()).isPositive();
            assertThat(t.rt.stats().stackGrowths()).isPositive();
        }
    }
}
