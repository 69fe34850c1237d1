package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.G;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.GcHooks;
import gcsim.goroutines.M;
import gcsim.goroutines.MutatorSupport;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.WaitReason;
import gcsim.goroutines.mutator.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mark assists as go1.14's (mgcmark.go gcAssistAlloc/gcDrainN, mgc.go gcResetMarkState, proc.go
 * goexit0): the drain stops when the assisting G is asked to preempt, every G's credit is reset at
 * the start of a cycle, and a dead G's credit is flushed to background credit and zeroed.
 */
@Timeout(120)
class AssistTest {

    /**
     * Many parked Gs (stack root jobs without heap behind them) and {@code allocators} allocating
     * ones (assists), spawned after the sleepers, so their stack jobs come last.
     */
    private static Program sleepersAndAllocators(int sleepers, int allocators) {
        return Program.builder()
                .type(Workloads.GARBAGE)
                .func("sleeper", 1, 0).block().end()
                .func("one", 1, 0).ptrLocals(0).newobj(0, "garbage").ret().end()
                .func("alloc", 1, 0).label("loop").call("one", -1).jmp("loop").end()
                .func("main", 1, 0)
                    .constant(0, sleepers)
                    .label("s").spawn("sleeper").decjnz(0, "s")
                    .constant(0, allocators)
                    .label("a").spawn("alloc").decjnz(0, "a")
                    .block()
                    .end()
                .entry("main")
                .build();
    }

    /** main spawns, for ever, short-lived Gs that allocate a little and exit (so dead Gs are reused). */
    private static Program shortLived() {
        return Program.builder()
                .type(Workloads.GARBAGE)
                .func("one", 1, 0).ptrLocals(0).newobj(0, "garbage").ret().end()
                .func("short", 2, 0)
                    .constant(1, 30)
                    .label("l").call("one", -1).decjnz(1, "l")
                    .ret().end()
                .func("main", 1, 0)
                    .label("forever").spawn("short").call("one", -1).gosched().jmp("forever")
                    .end()
                .entry("main")
                .build();
    }

    /**
     * gcDrainN's {@code for !gp.preempt && ...}: an assist taking stack jobs is asked to preempt
     * by a stop-the-world (preemptall) in the middle of one; it must take no further job, so the
     * stop-the-world waits for one job, not the whole assist.
     *
     * <p>How it is made to decide every time. One allocating G, so one assist; its first stack
     * job (scan hook, on its M) fires only while at least two jobs are unclaimed, starts a
     * stop-the-world on another thread and returns once that has set gcwaiting and the G's
     * preempt. A background worker goroutine is held at its next stack job until then, so the
     * jobs left are the assist's to take or leave. The stop-the-world cannot finish while
     * the assist runs (its P is running), and the G runs again only after startTheWorld: so every
     * stack job the assisting G takes before {@code stwDone} belongs to the preempted assist.
     * With the {@code !gp.preempt} stop there is none (the loop tests it right after the job;
     * nothing clears it meanwhile: only a suspendG of the assisting G would, and its stack job,
     * the last, is not among those the held worker can be in); without it the assist takes all
     * the jobs left, at least one.
     */
    @Test
    void anAssistAskedToPreemptTakesNoFurtherRootJob() {
        AtomicBoolean fired = new AtomicBoolean();
        AtomicReference<G> assisting = new AtomicReference<>();
        AtomicBoolean stwDone = new AtomicBoolean();
        AtomicInteger jobsAfterPreempt = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> stoppers = new ArrayList<>();
        AtomicReference<MarkRun> runRef = new AtomicReference<>();
        // Go's controller on 2 Ps: fractional workers, which stop draining when preempted (a
        // dedicated worker's second drain would not, and would take the jobs left itself).
        try (MarkRun run = MarkRun.start(sleepersAndAllocators(400, 1), SchedConfig.of(2),
                GcConfig.defaults(0).withAutoTrigger(false), gc -> gc.setScanHookForTest(scanned -> {
                    M mp = M.getm();
                    G self = mp == null ? null : mp.curg();
                    if (self != null && self.isGcBgMarkWorker() && fired.get()) {
                        // A background worker goroutine: hold it until the assist has seen the
                        // stop-the-world's preemption (the worker holds its P meanwhile, so the
                        // world cannot stop yet); released, it sees its own preempt and stops
                        // draining, so the jobs left are the preempted assist's to take or leave.
                        // Bounded, for liveness only.
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                        while (assisting.get() == null && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                            Thread.yield();
                        }
                        return;
                    }
                    G a = mp == null ? null : mp.curg();
                    if (a == null || a.waitreason() != WaitReason.GC_ASSIST_MARKING) {
                        return; // a background worker's job, or a G scanning itself
                    }
                    if (a == assisting.get() && !stwDone.get()) {
                        jobsAfterPreempt.incrementAndGet(); // the preempted assist went on
                        return;
                    }
                    MarkRun r = runRef.get();
                    Assist.Mark m = r.gc().assistForTest().currentMark();
                    if (m == null || m.work().markrootJobs - m.work().markrootNext.get() < 2
                            || !fired.compareAndSet(false, true)) {
                        return; // too late in this cycle's jobs (try the next cycle), or done
                    }
                    Thread t = new Thread(() -> {
                        try {
                            r.rt().stopTheWorld("assist test");
                            stwDone.set(true);
                            r.rt().startTheWorld();
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    }, "assist-test-stw");
                    stoppers.add(t);
                    t.start();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                    // Both: preempt alone may be an earlier request (sysmon's retake), after which a
                    // Gosched would let the G run on and assist anew before the world stops.
                    while (!(r.rt().gcwaiting() && a.gc().preempt()) && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                        Thread.yield();
                    }
                    assisting.set(a);
                }))) {
            runRef.set(run);
            for (int i = 0; i < 20 && !fired.get(); i++) {
                run.cycles(1);
            }
            assertThat(fired).as("an assist took a stack job with jobs left").isTrue();
            run.until(stwDone::get);
            assertThat(assisting.get()).as("the assisting G saw gcwaiting and preempt").isNotNull();
            assertThat(jobsAfterPreempt).as("stack jobs the preempted assist took after preempt").hasValue(0);
            run.cycles(1);
            run.assertVerified();
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertThat(failure.get()).isNull();
    }

    /** gcResetMarkState's {@code gp.gcAssistBytes = 0}: credit and debt do not carry into the next cycle. */
    @Test
    void everyGsCreditIsResetAtTheStartOfACycle() {
        AtomicInteger calls = new AtomicInteger();
        List<String> leaked = new ArrayList<>();
        AtomicReference<MarkRun> runRef = new AtomicReference<>();
        try (MarkRun run = MarkRun.start(sleepersAndAllocators(20, 2), SchedConfig.of(2),
                GcConfig.defaults(1).withAutoTrigger(false), gc -> gc.setMarkTerminationHookForTest(pool -> {
                    G[] allgs = runRef.get().rt().allgs();
                    if (calls.incrementAndGet() == 1) { // world stopped, assists off: plant credit and debt
                        for (int i = 0; i < allgs.length; i++) {
                            allgs[i].gc().setAssistBytes(i % 2 == 0 ? 1L << 50 : -(1L << 50));
                        }
                    } else {
                        for (G gp : allgs) {
                            if (Math.abs(gp.gc().assistBytes()) >= 1L << 49) {
                                leaked.add(gp + " " + gp.gc().assistBytes());
                            }
                        }
                    }
                }))) {
            runRef.set(run);
            run.cycles(2);
            assertThat(calls).hasValue(2);
            assertThat(leaked).as("credit or debt carried over from the previous cycle").isEmpty();
            run.assertVerified();
        }
    }

    /** goexit0: Gs that exit during mark (churn goroutines) are dead with no credit and no debt. */
    @Test
    void deadGsKeepNoCreditOrDebt() {
        List<String> leaked = new ArrayList<>();
        AtomicInteger dead = new AtomicInteger();
        AtomicReference<MarkRun> runRef = new AtomicReference<>();
        try (MarkRun run = MarkRun.start(shortLived(), SchedConfig.of(2),
                GcConfig.defaults(1).withAutoTrigger(false), gc -> gc.setMarkTerminationHookForTest(pool -> {
                    for (G gp : runRef.get().rt().allgs()) {
                        if (gp.status() == GStatus.G_DEAD) {
                            dead.incrementAndGet();
                            if (gp.gc().assistBytes() != 0) {
                                leaked.add(gp + " " + gp.gc().assistBytes());
                            }
                        }
                    }
                }))) {
            runRef.set(run);
            for (int i = 0; i < 40 && (i < 3 || dead.get() == 0); i++) {
                run.cycles(1); // until a mark termination saw dead Gs (how many die per cycle varies)
            }
            assertThat(dead.get()).as("Gs died during the cycles").isPositive();
            assertThat(leaked).as("dead Gs with credit or debt").isEmpty();
            run.assertVerified();
        }
    }

    /** goexit0's "Flush assist credit to the global pool": positive credit becomes bgScanCredit during mark. */
    @Test
    void goexitFlushesPositiveCreditToBackgroundCredit() {
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<MarkRun> runRef = new AtomicReference<>();
        try (MarkRun run = MarkRun.start(sleepersAndAllocators(20, 2), SchedConfig.of(2),
                GcConfig.defaults(1).withAutoTrigger(false), gc -> gc.setScanHookForTest(scanned -> {
                    if (!done.compareAndSet(false, true)) {
                        return;
                    }
                    // During mark, on the G whose stack job runs (its scanner owns it): as goexit0 would.
                    MarkRun r = runRef.get();
                    Assist assist = r.gc().assistForTest();
                    GcHooks hooks = MutatorSupport.gcHooks(r.rt());
                    long bytes = 1L << 40;
                    long expected = (long) (assist.assistWorkPerByte() * bytes);
                    long before = assist.bgScanCredit();
                    scanned.gc().setAssistBytes(bytes);
                    if (hooks != null) {
                        hooks.goexit(scanned);
                    }
                    long gained = assist.bgScanCredit() - before;
                    seen.set("expected=" + expected + " gained=" + gained + " left=" + scanned.gc().assistBytes()
                            + " ok=" + (expected > 0 && gained > expected / 2 && scanned.gc().assistBytes() == 0));
                }))) {
            runRef.set(run);
            run.cycles(1);
            assertThat(seen.get()).isNotNull().endsWith("ok=true");
            run.assertVerified();
        }
    }
}
