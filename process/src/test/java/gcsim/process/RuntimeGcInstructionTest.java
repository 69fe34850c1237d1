package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.mutator.Program;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mutator's {@code gc} instruction (runtime.GC()) in a whole process: the cycle it has run
 * scans the caller's stack while the caller waits in it ({@code _Gwaiting}), so what only that
 * stack reaches survives, and the caller checks its own data afterwards; one call, one cycle.
 */
@Timeout(120)
class RuntimeGcInstructionTest {
    private static final int ROUNDS = 5;
    private static final int NODES = 200;

    /**
     * main, {@value #ROUNDS} times: builds a list of {@value #NODES} nodes that only its stack
     * holds (nodes allocated outside mark are white), calls gc, walks the list checking every
     * value (a lost node is swept, poisoned, by the time gc returns: GC() finishes the sweep),
     * then returns.
     */
    static Program listThenGc() {
        return Program.builder()
                .type(Workloads.NODE)                     // word 0: next (a pointer); word 1: value
                .func("main", 6, 0).ptrLocals(0, 1)       // 0 head, 1 node; 2 i, 3 n, 4 v, 5 rounds
                    .constant(5, ROUNDS)
                    .label("round").clear(0).constant(2, 0).constant(3, NODES)
                    .label("build")
                    .newobj(1, "node").storew(1, 1, 2).storep(1, 0, 0).mov(0, 1)
                    .addi(2, 2, 1).jlt(2, 3, "build")
                    .clear(1)
                    .gc()                                 // the list is on this stack only
                    .label("check")
                    .addi(2, 2, -1).loadw(4, 0, 1).checkeq(4, 2)
                    .loadp(0, 0, 0).jnz(0, "check")
                    .decjnz(5, "round")
                    .ret().end()
                .entry("main")
                .build();
    }

    @ParameterizedTest(name = "checkmark {0}")
    @ValueSource(booleans = {true, false})
    void theCycleScansTheWaitingCallersStackAndItsDataSurvives(boolean checkmark) throws Exception {
        try (GoProcess run = Processes.of(listThenGc(), 2, 1).autoTrigger(false).checkmark(checkmark)
                .build().start()) {
            assertThat(run.awaitExit(Duration.ofSeconds(60))).as("main returned").isZero();
            assertThat(run.fatalError()).isNull();
            assertThat(run.interpreter().useAfterFree()).isZero();
            assertThat(Processes.cyclesAtLeast(run, ROUNDS)).as("one cycle per gc call").hasSize(ROUNDS)
                    .allMatch(CycleRecord::forced)
                    .allMatch(c -> c.stacksScanned() >= 1)
                    .allMatch(c -> c.checkmark() == (checkmark ? CycleRecord.Checkmark.OK : CycleRecord.Checkmark.OFF));
            assertThat(run.collector().checkmarkFailures()).isEmpty();
        }
    }

    /**
     * The negative control of the test above: with the stack job's scan broken on purpose, the
     * same program loses its list in the first cycle its gc runs, and the mutator's own read
     * of it (checkmark off) or the checkmark (on) says so.
     */
    @ParameterizedTest(name = "checkmark {0}")
    @ValueSource(booleans = {true, false})
    void withoutTheStackScanTheListIsLost(boolean checkmark) throws Exception {
        try (GoProcess run = Processes.of(listThenGc(), 2, 1).autoTrigger(false).checkmark(checkmark)
                .broken(EnumSet.of(ProtocolPiece.STACK_SCAN)).build().start()) {
            if (checkmark) {
                // The checkmark repaired what it found, so the program runs to its end.
                assertThat(run.awaitExit(Duration.ofSeconds(60))).isZero();
                assertThat(Processes.cyclesAtLeast(run, 1)).first().extracting(CycleRecord::checkmark)
                        .isEqualTo(CycleRecord.Checkmark.FAILED);
            } else {
                assertThatThrownBy(() -> run.awaitExit(Duration.ofSeconds(60))).as("the run died")
                        .isInstanceOf(GoThrow.class)
                        .extracting(Throwable::getMessage).isIn("use of freed object", "mutator check failed");
            }
        }
    }

    /** Two goroutines call gc three times each, at once: every call returns after a whole cycle. */
    @Test
    void twoCallersAtOnceShareACycleOrRunTheirOwnAndBothReturn() throws Exception {
        Program p = Program.builder()
                .chan("done", 2, false)
                .func("caller", 2, 0)
                    .constant(0, 3).label("l").gc().decjnz(0, "l").send("done", 1).ret().end()
                .func("main", 1, 0)
                    .spawn("caller").spawn("caller").recv("done", 0).recv("done", 0).ret().end()
                .entry("main")
                .build();
        try (GoProcess run = Processes.of(p, 2, 1).autoTrigger(false).build().start()) {
            assertThat(run.awaitExit(Duration.ofSeconds(60))).isZero();
            // Each call waits for a whole cycle it did not see start; two callers may share one
            // (Go's trigger test: a cycle someone else started is not started twice).
            assertThat(Processes.cyclesAtLeast(run, 3)).hasSizeBetween(3, 6).allMatch(CycleRecord::forced);
            Processes.assertVerified(run);
        }
    }

    /**
     * The command's run ends (its cycles done, the collector closed) while goroutines wait in
     * gc for a cycle they asked for: not a deadlock. (The first version served such requests
     * after close without a cycle, and checkdead then saw every goroutine asleep.)
     */
    @Test
    void aRunThatEndsWhileGoroutinesWaitInGcIsNotADeadlock() {
        String text = """
                gc autotrigger off
                func worker() locals(v)
                l:
                  gc
                  jmp l
                end
                go worker 4
                """;
        for (int i = 0; i < 20; i++) {
            RunResult r = GoProcess.builder().scenarioText("gc-loop", text).procs(2).workers(1).build()
                    .run(3, Duration.ofSeconds(60));
            assertThat(r.fatal()).isNull();
            assertThat(r.timedOut()).isFalse();
            assertThat(r.cycles()).hasSizeGreaterThanOrEqualTo(3);
        }
    }
}
