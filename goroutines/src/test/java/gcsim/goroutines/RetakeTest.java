package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Program;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * sysmon's retake of a P from a system call against the M coming back from
 * it. Go pretends one more M is running (incidlelocked(-1)) before the CAS:
 * "Otherwise the M from which we retake can exit the syscall, increment
 * nmidle and report deadlock." gcsim once lacked it: about 1 in 60 tiny runs
 * under load died of "checkdead: runnable g" with the retaken P idle but on
 * no list and Gs in its queue.
 */
class RetakeTest {
    @Test
    void theMComingBackFromTheSyscallGoesIdleWhileSysmonHandsOffItsPWithoutADeadlockReport() throws Exception {
        Program p = Program.builder()
                .chan("done", 1, false)
                .func("spin", 1, 0).constant(0, 1).send("done", 0).ret().end()
                .func("main", 2, 0)
                    .spawn("spin") // runnable on the P while main is in the syscall: retake hands it off
                    .syscall(10_000)
                    .recv("done", 1).ret().end()
                .build();
        AtomicBoolean fired = new AtomicBoolean();
        // sysmon backs off to 10 ms ticks and needs two ticks to retake: on a loaded
        // machine one run may miss the syscall, so run again until one retake happened.
        for (int attempt = 0; attempt < 20 && !fired.get(); attempt++) {
            try (TestRt t = new TestRt(p, SchedConfig.of(1).withAsyncPreempt(false))) {
                Sched rt = t.rt;
                rt.setRetakeHookForTest(() -> {
                    if (!fired.compareAndSet(false, true)) {
                        return;
                    }
                    // Hold sysmon between its CAS and handoffp until main's M has come back
                    // from the syscall, found its P taken and gone idle (or the process died).
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (rt.runningMs() != 0 && !rt.hasExited() && System.nanoTime() < deadline) {
                        Thread.yield();
                    }
                });
                t.start();
                assertThat(t.await(30)).isZero();
                assertThat(rt.fatalError()).isNull();
            }
        }
        assertThat(fired).as("sysmon retook the P during a syscall in one of 20 runs").isTrue();
    }
}
