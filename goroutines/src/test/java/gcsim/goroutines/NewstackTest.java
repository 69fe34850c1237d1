package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import gcsim.stacks.StackConstants;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** newstack's paths: un-poison when the M cannot be preempted, preemptShrink, preemptStop, growth. */
class NewstackTest {

    @Test
    void poisonedGuardOnAnUnpreemptibleMIsUnpoisonedAndTheGKeepsRunning() throws Exception {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        AtomicLong guardAfter = new AtomicLong();
        AtomicBoolean preemptKept = new AtomicBoolean();
        rt.start(new GoCode() {
            int step;

            @Override
            public int run(M mp, G gp) {
                if (step++ == 0) {
                    mp.locks++; // holding a runtime lock: canPreemptM is false
                    gp.preempt = true;
                    gp.stackguard0 = StackConstants.STACK_PREEMPT;
                    mp.morestackCallBytes = 16;
                    return MORESTACK;
                }
                guardAfter.set(gp.stackguard0);
                preemptKept.set(gp.preempt);
                mp.locks--;
                return EXIT;
            }
        }, null);
        assertThat(rt.awaitExit(20, TimeUnit.SECONDS)).isZero();
        assertThat(preemptKept).isTrue(); // "gp->preempt is set, so it will be preempted next time"
        assertThat(guardAfter.get()).isNotEqualTo(StackConstants.STACK_PREEMPT);
        rt.shutdown();
    }

    @Test
    void preemptShrinkShrinksAtTheNextSynchronousSafePoint() throws Exception {
        ObjectType cell = ObjectType.scalars("cell", 2);
        Program p = Program.builder()
                .type(cell)
                .chan("done", 0, false)
                .func("deep", 8, 1).jnz(9, "down").ret()
                    .label("down").addi(0, 9, -1).call("deep", -1, 0).ret().end()
                .func("leaf", 0, 0).ret().end()
                .func("w", 2, 1).ptrArgs(0)
                    .constant(0, 500).call("deep", -1, 0).constant(1, 1).storew(3, 1, 1)
                    .label("l").call("leaf", -1).loadw(1, 3, 0).jnz(1, "x").jmp("l")
                    .label("x").send("done", 1).ret().end()
                .func("main", 2, 0).ptrLocals(0).newobj(0, "cell").spawn("w", 0).recv("done", 1).ret().end()
                .build();
        // Synchronous preemption only: an async-preempted G never enters newstack.
        try (TestRt t = new TestRt(p, SchedConfig.of(2).withAsyncPreempt(false)).start()) {
            long c = t.mainLocal0();
            TestRt.until(() -> t.heap.readWord(c + 8) == 1, t.rt); // w is back in its loop
            G w = t.rt.allgs()[1];
            long before = w.stackHi - w.stackLo;
            assertThat(before).isGreaterThanOrEqualTo(32 * 1024);
            for (int i = 0; i < 100 && w.stackHi - w.stackLo == before; i++) {
                w.preemptShrink = true;
                SuspendGState st = Suspension.suspendG(w);
                Suspension.resumeG(st);
            }
            assertThat(w.stackHi - w.stackLo).isLessThan(before);
            assertThat(t.rt.stats().stackShrinks()).isPositive();
            t.heap.writeWord(c, 1);
            assertThat(t.await(20)).isZero();
        }
    }

    /**
     * w grows its stack 400 frames deep, returns and blocks for ever on a channel: a waiting G
     * with an underused stack a stack job may shrink. Also GoVersionRulesTest's.
     */
    static Program deepThenBlocked() {
        return Program.builder()
                .chan("never", 0, false)
                .func("deep", 8, 1).jnz(9, "down").ret()
                    .label("down").addi(0, 9, -1).call("deep", -1, 0).ret().end()
                .func("w", 1, 0).constant(0, 400).call("deep", -1, 0).recv("never", 0).ret().end()
                // main sleeps for ever (a timer is always pending), so the process never
                // deadlocks once w blocks: Go's checkdead would rightly end it otherwise.
                .func("main", 1, 0).spawn("w").label("l").sleep(1000).jmp("l").end()
                .build();
    }

    @Test
    void shrinkstackBySuspenderHalvesAnUnderusedStack() throws Exception {
        Program p = deepThenBlocked();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            TestRt.until(() -> t.rt.allgs().length == 2 && readgstatus(t.rt.allgs()[1]) == G_WAITING, t.rt);
            G w = t.rt.allgs()[1];
            long size = w.stackHi - w.stackLo;
            SuspendGState st = Suspension.suspendG(w);
            assertThat(GoroutineStacks.isShrinkStackSafe(w)).isTrue();
            GoroutineStacks.shrinkstack(w);
            long shrunk = w.stackHi - w.stackLo;
            assertThat(shrunk).isEqualTo(size / 2);
            assertThat(w.waiting).isNotNull();
            assertThat(w.waiting.elem).isBetween(w.stackLo, w.stackHi); // the wait record moved too
            assertThat(Traceback.traceback(w)).contains("w(...)");
            Suspension.resumeG(st);
        }
    }

    /**
     * A nosplit function has no prologue: a loop calling only nosplit functions
     * has no synchronous safe point, so (without async preemption) suspendG
     * stops the G only at the first splittable call after the loop.
     */
    @Test
    void nosplitCallsAreNotSafePoints() throws Exception {
        Program p = Program.builder()
                .chan("never", 0, false)
                .func("ns", 1, 0).nosplit().addi(0, 0, 1).ret().end()
                .func("split", 0, 0).ret().end()
                .func("w", 2, 0)
                    .constant(0, 3_000_000).label("l").call("ns", -1).decjnz(0, "l")
                    .label("after").call("split", -1).jmp("after").end()
                .func("main", 1, 0).spawn("w").recv("never", 0).ret().end()
                .build();
        SchedConfig cfg = SchedConfig.of(2).withAsyncPreempt(false).withSysmon(false);
        try (TestRt t = new TestRt(p, cfg).start()) {
            TestRt.until(() -> t.rt.allgs().length == 2 && readgstatus(t.rt.allgs()[1]) == G_RUNNING, t.rt);
            G w = t.rt.allgs()[1];
            SuspendGState st = Suspension.suspendG(w);
            long counter = w.stack.read(w.sp); // w's local 0: the nosplit loop's counter
            assertThat(counter).as("stopped only after the nosplit loop").isZero();
            assertThat(Traceback.traceback(w)).contains("w(...)").doesNotContain("ns(...)");
            Suspension.resumeG(st);
        }
    }
}
