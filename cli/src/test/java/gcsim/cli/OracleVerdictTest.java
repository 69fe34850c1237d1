package gcsim.cli;

import static gcsim.cli.RunReportTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.base.GoThrow;
import gcsim.cli.Fixtures.FakeEngine;
import gcsim.cli.Fixtures.Outcome;
import gcsim.gcmark.CycleRecord;
import gcsim.process.RunResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which oracle saw what: the verdict line and the JSON's verification keys name the oracles that
 * fired (checkmark, use-after-free, mutator-check, runtime-throw) apart; a run with pieces broken on
 * purpose that no oracle caught says "not caught" and exits 0; a fatal error with --json still
 * leaves exactly one JSON object (the cycles so far and a "fatal" object), exit 1.
 */
class OracleVerdictTest {

    @Test
    void aCleanRunSaysOkWithNothingBrokenAndNoOracleFired() throws Exception {
        Outcome o = Fixtures.run(new FakeEngine(Fixtures.cleanResult(2)), "run", "--json");
        assertThat(o.status()).as(o.err()).isZero();
        Map<String, Object> root = JsonTree.object(o.out());
        assertThat(map(root, "config")).containsEntry("broken", List.of());
        assertThat(map(root, "verification")).containsEntry("verdict", "ok").containsEntry("caughtBy", List.of())
                .containsEntry("lostObjects", 0L).containsEntry("useAfterFree", 0L)
                .containsEntry("mutatorCheckFailures", 0L).containsEntry("runtimeThrows", 0L)
                .containsEntry("checkmarkFailedCycles", 0L).containsEntry("ok", true);
        assertThat(root).containsEntry("fatal", JsonTree.NULL);
    }

    @Test
    void brokenPiecesThatNoOracleCaughtSayNotCaughtAndExitZero() throws Exception {
        RunResult clean = Fixtures.cleanResult(4);
        Outcome text = Fixtures.run(new FakeEngine(clean), "run", "--break", "stack-scan", "--break",
                "deletion-barrier");
        assertThat(text.status()).as(text.err()).isZero();
        // Declaration order, whatever the order on the command line.
        assertThat(text.out()).contains("broken on purpose: deletion-barrier, stack-scan\n")
                .contains("verification: not caught in 4 cycles (0 lost objects, 0 uses after free, 0 checkmark"
                        + " failures); broken: deletion-barrier, stack-scan\n")
                .doesNotContain("verification: ok");

        Outcome json = Fixtures.run(new FakeEngine(clean), "run", "--json", "--break", "deletion-barrier");
        assertThat(json.status()).as(json.err()).isZero();
        Map<String, Object> root = JsonTree.object(json.out());
        assertThat(map(root, "config")).containsEntry("broken", List.of("deletion-barrier"));
        assertThat(map(root, "verification")).containsEntry("verdict", "not caught")
                .containsEntry("caughtBy", List.of()).containsEntry("ok", true);
        assertThat(root).containsEntry("exitStatus", 0L);
    }

    @Test
    void aBrokenRunTheCheckmarkCaughtSaysWhichOracleSawWhat() throws Exception {
        RunResult caught = Fixtures.result(3, CycleRecord.Checkmark.FAILED, new RunResult.Verification(7, 0), false,
                "");
        Outcome text = Fixtures.run(new FakeEngine(caught), "run", "--break", "deletion-barrier");
        assertThat(text.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        assertThat(text.out()).contains("verification: FAILED (7 lost objects, 0 uses after free, 3 checkmark"
                + " failures): caught by checkmark (7 objects unmarked, in 3 cycles); broken: deletion-barrier\n");
        assertThat(text.err()).contains("caught by checkmark");

        Map<String, Object> v = map(JsonTree.object(Fixtures.run(new FakeEngine(caught), "run", "--json",
                "--break", "deletion-barrier").out()), "verification");
        assertThat(v).containsEntry("verdict", "failed").containsEntry("caughtBy", List.of("checkmark"))
                .containsEntry("lostObjects", 7L).containsEntry("checkmarkFailedCycles", 3L);
    }

    /** Each cycle says how many objects its own checkmark found unmarked; null when the engine did not say. */
    @Test
    void eachCycleCarriesItsCheckmarksUnmarkedCount() throws Exception {
        RunResult r = Fixtures.result(3, CycleRecord.Checkmark.FAILED,
                new RunResult.Verification(5, 0, 0, 0, List.of(0L, 5L, 0L)), false, "");
        assertThat(unmarkedPerCycle(r)).containsExactly(0L, 5L, 0L);
        assertThat(unmarkedPerCycle(Fixtures.cleanResult(2))).containsExactly(JsonTree.NULL, JsonTree.NULL);
    }

    private static List<Object> unmarkedPerCycle(RunResult r) throws Exception {
        List<?> cycles = (List<?>) JsonTree.object(Fixtures.run(new FakeEngine(r), "run", "--json").out()).get("cycles");
        return cycles.stream().map(c -> ((Map<?, ?>) c).get("checkmarkUnmarked")).map(Object.class::cast).toList();
    }

    @Test
    void eachOracleIsNamedApart() {
        RunResult r = Fixtures.result(2, CycleRecord.Checkmark.OK, new RunResult.Verification(0, 2, 0, 0), false, "")
                .withFatal(new RunResult.Fatal("use of freed object", 5L, "fatal error: use of freed object\n"));
        assertThat(r.caughtBy()).containsExactly("use-after-free");
        assertThat(SummaryTable.footer(r)).contains("caught by use-after-free (2 reads of freed memory)");

        RunResult check = Fixtures.result(2, CycleRecord.Checkmark.OFF, new RunResult.Verification(0, 0, 1, 0), false,
                "").withFatal(new RunResult.Fatal("mutator check failed", 5L, "fatal error: mutator check failed\n"));
        assertThat(check.caughtBy()).containsExactly("mutator-check");
        assertThat(check.verdict(true)).isEqualTo("failed");

        RunResult thrown = Fixtures.result(1, CycleRecord.Checkmark.OK, new RunResult.Verification(0, 0, 0, 1), false,
                "").withFatal(new RunResult.Fatal("bad g transition", null, "fatal error: bad g transition\n"));
        assertThat(thrown.caughtBy()).containsExactly("runtime-throw");
        assertThat(SummaryTable.footer(thrown)).contains("caught by runtime-throw (fatal error: bad g transition)");
        assertThat(ExitStatus.of(thrown)).isEqualTo(ExitStatus.VERIFICATION_FAILED);
    }

    @Test
    void aFatalResultPrintsGosReportOnStderrAndOneJsonObjectOnStdout() throws Exception {
        String report = "gcsim: f at 3: 1 != 2\nfatal error: mutator check failed\n\ngoroutine 7 [running]:\n"
                + "f(...)\n\tpc=0x100000003 [3] sp=0x7f0000003fe8\n";
        RunResult r = Fixtures.result(2, CycleRecord.Checkmark.OK, new RunResult.Verification(0, 0, 1, 0), false, "")
                .withFatal(new RunResult.Fatal("mutator check failed", 7L, report));
        Outcome text = Fixtures.run(new FakeEngine(r), "run");
        assertThat(text.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        assertThat(text.err()).isEqualTo(report);
        assertThat(text.out()).contains("verification: FAILED").contains("caught by mutator-check (1 failed checks)");

        Outcome json = Fixtures.run(new FakeEngine(r), "run", "--json");
        assertThat(json.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        Map<String, Object> root = JsonTree.object(json.out());
        assertThat(map(root, "fatal")).containsEntry("message", "mutator check failed").containsEntry("goroutine", 7L)
                .containsEntry("lines", report.lines().toList());
        assertThat(root).containsEntry("exitStatus", 1L);
        assertThat((List<?>) root.get("cycles")).hasSize(2);
    }

    /** An engine that reports a cycle and then throws: stdout is still one object with that cycle. */
    @Test
    void aThrowOutOfTheEngineStillLeavesOneJsonObjectWithTheCyclesSoFar() throws Exception {
        RunResult one = Fixtures.cleanResult(1);
        Engine throwing = (config, listener) -> {
            listener.cycleFinished(one.cycles().get(0));
            throw new GoThrow("mutator check failed", "gcsim: f at 3: 1 != 2");
        };
        Outcome o = Fixtures.run(throwing, "run", "--json");
        assertThat(o.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        Map<String, Object> root = JsonTree.object(o.out());
        assertThat((List<?>) root.get("cycles")).hasSize(1);
        assertThat(map(root, "fatal")).containsEntry("message", "mutator check failed")
                .containsEntry("goroutine", JsonTree.NULL)
                .containsEntry("lines", List.of("gcsim: f at 3: 1 != 2", "fatal error: mutator check failed"));
        assertThat(map(root, "verification")).containsEntry("caughtBy", List.of("mutator-check"))
                .containsEntry("verdict", "failed");
        // After the gctrace line (stderr with --json): the throw as Go prints it, no Java trace.
        assertThat(o.err()).endsWith("\ngcsim: f at 3: 1 != 2\nfatal error: mutator check failed\n")
                .doesNotContain("\tat ");

        Engine buggy = (config, listener) -> {
            throw new IllegalStateException("engine broke");
        };
        Outcome bug = Fixtures.run(buggy, "run", "--json");
        assertThat(bug.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        assertThat(map(JsonTree.object(bug.out()), "fatal")).containsEntry("message", "engine broke");
        assertThat(bug.err()).startsWith("fatal error: engine broke"); // with the Java trace: a gcsim bug
    }
}
