package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Go's own runtime tests that call runtime.GC() from goroutines, ported as gcsim programs with
 * the mutator's {@code gc} instruction and Go's expected outcome (the ones that need no
 * collector are goroutines' {@code GoRuntimeTestsTest}). Each is bounded by the process's own
 * waits ({@link GoProcess#awaitExit}, {@link GoProcess#run}'s timeout), never by a sleep.
 */
@Timeout(180)
class GoRuntimeGcTestsTest {
    private static final ObjectType FLAG = ObjectType.scalars("flag", 1);

    /**
     * go1.14.6 src/runtime/proc_test.go TestPreemptionGC:
     * <pre>
     * // Test that pending GC preempts running goroutines.
     * P := 5
     * N := 10
     * defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(P + 1))
     * var stop uint32
     * for i := 0; i &lt; P; i++ {
     *     go func() {
     *         for atomic.LoadUint32(&amp;stop) == 0 {
     *             preempt()
     *         }
     *     }()
     * }
     * for i := 0; i &lt; N; i++ {
     *     runtime.Gosched()
     *     runtime.GC()
     * }
     * atomic.StoreUint32(&amp;stop, 1)
     * </pre>
     * {@code stop} is a word of a heap object the spinners get as their argument; the heap
     * trigger is off so every cycle is one of main's runtime.GC() calls. The spinners reach a
     * safe point at each call of preempt, so both preemption modes must finish.
     */
    @ParameterizedTest
    @EnumSource(PreemptMode.class)
    void testPreemptionGC(PreemptMode preempt) throws Exception {
        int procs = 5;
        int n = 10;
        Program prog = Program.builder()
                .type(FLAG)
                .func("preempt", 0, 0).ret().end()
                .func("spin", 1, 1).ptrArgs(0)             // slot 0 v; slot 2 stop
                    .label("l").loadw(0, 2, 0).jnz(0, "done").call("preempt", -1).jmp("l")
                    .label("done").ret().end()
                .func("main", 3, 0).ptrLocals(0)           // 0 stop; 1 i; 2 one
                    .newobj(0, "flag")
                    .constant(1, procs).label("go").spawn("spin", 0).decjnz(1, "go")
                    .constant(1, n).label("gc").gosched().gc().decjnz(1, "gc")
                    .constant(2, 1).storew(0, 0, 2)
                    .ret().end()
                .entry("main")
                .build();
        try (GoProcess run = Processes.of(prog, procs + 1, 1).autoTrigger(false).preempt(preempt)
                .build().start()) {
            assertThat(run.awaitExit(Duration.ofSeconds(120))).as("main returned: no deadlock").isZero();
            assertThat(Processes.cyclesAtLeast(run, n)).hasSize(n).allMatch(CycleRecord::forced);
            Processes.assertVerified(run);
        }
    }

    /**
     * go1.14.6 src/runtime/testdata/testprog/preempt.go AsyncPreempt (run by
     * crash_test.go TestAsyncPreempt), as gcsim code:
     * <pre>
     * runtime.GOMAXPROCS(1)
     * debug.SetGCPercent(-1)
     * var ready, ready2 uint32
     * go func() { for { atomic.StoreUint32(&amp;ready, 1); dummy(); dummy() } }()
     * go func() { atomic.AddUint32(&amp;ready2, 1); frameless() }()
     * go func() { atomic.AddUint32(&amp;ready2, 1); for { } }()
     * for atomic.LoadUint32(&amp;ready) == 0 || atomic.LoadUint32(&amp;ready2) &lt; 2 {
     *     runtime.Gosched()
     * }
     * // Run a GC, which will have to stop the goroutine for STW and
     * // for stack scanning. If this doesn't work, the test will
     * // deadlock and timeout.
     * runtime.GC()
     * println("OK")
     *
     * //go:noinline
     * func frameless() { for i := int64(0); i &lt; 1&lt;&lt;62; i++ { out += i * i * i * i * i * 12345 } }
     * //go:noinline
     * func dummy() {}
     * </pre>
     * GOMAXPROCS 1 and the heap trigger off ({@code SetGCPercent(-1)}); main returning 0 is
     * "OK". {@code dummy} is a small frameless leaf, which Go's linker marks NOSPLIT (no
     * prologue, so the loop calling it has no synchronous safe point): nosplit here. Two
     * deliberate differences: {@code ready2}'s two atomic adds are two words (a load, add,
     * store here is not atomic, and with one P an async preemption between them could lose
     * one); {@code frameless} has no frame (its loop counter and sum are its argument
     * words) but is NOT marked nosplit: our nosplit is also the compiler's //go:nosplit,
     * which makes a whole function an unsafe point for asynchronous preemption (go1.14
     * plive.go: issafepoint is false in a NoSplit function except at calls), so a nosplit
     * frameless loop could never be stopped, in Go as here; Go's frameless gets the
     * linker's NOSPLIT only, which leaves it async-preemptible. Its one prologue, at the
     * call, is not in its loop.
     */
    static Program asyncPreempt() {
        return Program.builder()
                .type(ObjectType.scalars("ready", 3))      // word 0 ready; words 1, 2: ready2's two adds
                .func("dummy", 0, 0).nosplit().ret().end()
                .func("spinner", 1, 1).ptrArgs(0)          // slot 0 one; slot 2 ready
                    .constant(0, 1)
                    .label("l").storew(2, 0, 0).call("dummy", -1).call("dummy", -1).jmp("l").end()
                .func("frameless", 0, 2)                   // no frame: slot 1 i, slot 2 out
                    .label("l").add(2, 2, 1).addi(1, 1, 1).jmp("l").end()
                .func("framelessG", 2, 1).ptrArgs(0)       // slots 0, 1 scalars; slot 3 ready
                    .constant(0, 1).storew(3, 1, 0).constant(1, 0).call("frameless", -1, 1, 1).ret().end()
                .func("emptyLoop", 1, 1).ptrArgs(0)        // slot 0 one; slot 2 ready
                    .constant(0, 1).storew(2, 2, 0)
                    .label("l").jmp("l").end()
                .func("main", 2, 0).ptrLocals(0)           // 0 ready; 1 v
                    .newobj(0, "ready")
                    .spawn("spinner", 0).spawn("framelessG", 0).spawn("emptyLoop", 0)
                    .label("wait").gosched()
                    .loadw(1, 0, 0).jnz(1, "r1").jmp("wait")
                    .label("r1").loadw(1, 0, 1).jnz(1, "r2").jmp("wait")
                    .label("r2").loadw(1, 0, 2).jnz(1, "gc").jmp("wait")
                    .label("gc").gc()
                    .ret().end()                           // println("OK")
                .entry("main")
                .build();
    }

    @Test
    void asyncPreemptCompletesWithAsyncPreemption() throws Exception {
        try (GoProcess run = Processes.of(asyncPreempt(), 1, 1).autoTrigger(false).preempt(PreemptMode.ASYNC)
                .build().start()) {
            assertThat(run.awaitExit(Duration.ofSeconds(120))).as("OK").isZero();
            assertThat(Processes.cyclesAtLeast(run, 1)).hasSize(1).allMatch(CycleRecord::forced);
            assertThat(run.runtime().stats().preemptionsAsync()).as("stopped by the signal").isPositive();
            Processes.assertVerified(run);
        }
    }

    /**
     * The negative control (GODEBUG=asyncpreemptoff=1): the spinner never reaches a
     * synchronous safe point, so once main yields to it nothing else runs on the one P again,
     * and a cycle asked for from then on never even starts (the collector's coordinator
     * goroutine, which would stop the world, waits for the P). The process's own timeout ends
     * the run with its report: the goroutines still running, the spinner among them. (A cycle
     * asked for before main yields can run at main's first Gosched: the cycle is asked for once
     * a spinner holds the P.)
     */
    @Test
    void asyncPreemptDoesNotCompleteWithCooperativePreemption() {
        GoProcess p = Processes.of(asyncPreempt(), 1, 1).autoTrigger(false).preempt(PreemptMode.COOPERATIVE)
                .build().start();
        Processes.untilAWorkerRuns(p);
        RunResult r = p.run(1, Duration.ofSeconds(3));
        assertThat(r.timedOut()).as("the run timed out: %s", r).isTrue();
        assertThat(r.cycles()).isEmpty();
        assertThat(r.goroutineDump()).containsPattern("goroutine \\d+ \\[running\\]:")
                .contains("spinner(");
    }

    /**
     * go1.14.6 src/runtime/proc_test.go TestStopTheWorldDeadlock:
     * <pre>
     * var stop = make(chan bool, 1)
     * func perpetuumMobile() {
     *     select {
     *     case &lt;-stop:
     *     default:
     *         go perpetuumMobile()
     *     }
     * }
     * maxprocs := runtime.GOMAXPROCS(3)
     * compl := make(chan bool, 2)
     * go func() { for i := 0; i != 1000; i += 1 { runtime.GC() }; compl &lt;- true }()
     * go func() { for i := 0; i != 1000; i += 1 { runtime.GOMAXPROCS(3) }; compl &lt;- true }()
     * go perpetuumMobile()
     * &lt;-compl
     * &lt;-compl
     * stop &lt;- true
     * runtime.GOMAXPROCS(maxprocs)
     * </pre>
     * Differences, each deliberate: 100 runtime.GC() calls instead of 1000 (each is a whole
     * cycle, about 25 ms here beside perpetuumMobile's churn: 1000 would take half a minute). The process runs
     * with GOMAXPROCS 3 from the start, so the test's first GOMAXPROCS(3) and the last
     * restore are not needed; and in go1.14.6 GOMAXPROCS(n) returns before stopTheWorld when
     * n is the current value (debug.go: {@code if n <= 0 || n == ret { return ret }}), so the
     * second goroutine's 1000 calls never stop the world there either: each is a call of a
     * function that reads gomaxprocs ({@code gomaxprocs}, whose prologue is the call's
     * synchronous safe point; sched.lock around the read is not modelled). The
     * non-blocking receive from {@code stop} is a word of a heap object passed down the
     * chain ({@code select} with a default is not in the instruction set).
     */
    @Test
    void testStopTheWorldDeadlock() throws Exception {
        Program prog = Program.builder()
                .type(FLAG)
                .chan("compl", 2, false)
                .func("perpetuumMobile", 1, 1).ptrArgs(0)   // slot 0 v; slot 2 stop
                    .loadw(0, 2, 0).jnz(0, "stop").spawn("perpetuumMobile", 2)
                    .label("stop").ret().end()
                .func("gcLoop", 2, 0)                       // 0 i; 1 true
                    .constant(0, 100).label("l").gc().decjnz(0, "l")
                    .constant(1, 1).send("compl", 1).ret().end()
                .func("gomaxprocs", 1, 0).constant(0, 3).ret(0).end()
                .func("gomaxprocsLoop", 3, 0)               // 0 i; 1 ret; 2 true
                    .constant(0, 1000).label("l").call("gomaxprocs", 1).decjnz(0, "l")
                    .constant(2, 1).send("compl", 2).ret().end()
                .func("main", 2, 0).ptrLocals(0)            // 0 stop; 1 v
                    .newobj(0, "flag")
                    .spawn("gcLoop").spawn("gomaxprocsLoop").spawn("perpetuumMobile", 0)
                    .recv("compl", 1).recv("compl", 1)
                    .constant(1, 1).storew(0, 0, 1)             // stop <- true
                    .ret().end()
                .entry("main")
                .build();
        try (GoProcess run = Processes.of(prog, 3, 1).build().start()) {
            assertThat(run.awaitExit(Duration.ofSeconds(150))).as("no deadlock").isZero();
            assertThat(Processes.cyclesAtLeast(run, 100)).hasSizeGreaterThanOrEqualTo(100);
            assertThat(run.runtime().stats().goroutinesCreated()).as("perpetuumMobile kept going").isGreaterThan(100);
            Processes.assertVerified(run);
        }
    }
}
