package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import gcsim.cli.Fixtures.FakeEngine;
import gcsim.cli.Fixtures.Outcome;
import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcTrace;
import gcsim.process.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gcsim run} with a fake engine: the human report, the JSON report
 * (parsed back, every DESIGN.md key with its type), exit statuses 0/1/3,
 * fatal errors, and the trace file.
 */
class RunReportTest {

    @Test
    void humanModePrintsGctraceLinesThenTheSummary() {
        RunResult result = Fixtures.cleanResult(3);
        Outcome o = Fixtures.run(new FakeEngine(result), "run");
        assertThat(o.status()).as(o.err()).isEqualTo(ExitStatus.OK);
        List<String> lines = o.out().lines().toList();
        for (int i = 0; i < 3; i++) {
            assertThat(lines.get(i)).isEqualTo(GcTrace.line(result.cycles().get(i)));
        }
        assertThat(lines.get(3)).isEmpty();
        assertThat(o.out()).contains(SummaryTable.render(result.cycles()))
                .contains(SummaryTable.footer(result))
                .contains("verification: ok");
        assertThat(o.err()).isEmpty();
    }

    @Test
    void jsonModeStdoutIsExactlyOneObjectWithEveryContractKey() throws Exception {
        RunResult result = Fixtures.cleanResult(2);
        Outcome o = Fixtures.run(new FakeEngine(result), "run", "--json", "--procs", "2", "--seed", "7",
                "--gc-every", "64");
        assertThat(o.status()).as(o.err()).isZero();
        Map<String, Object> root = JsonTree.object(o.out());

        Map<String, Object> config = map(root, "config");
        assertTypes(config, String.class, "scenario", "mode", "preempt", "checkmark");
        assertTypes(config, Long.class, "goroutines", "procs", "workers", "cycles", "seed");
        assertThat(config).containsEntry("scenario", "default").containsEntry("procs", 2L)
                .containsEntry("workers", 0L).containsEntry("seed", 7L).containsEntry("mode", "concurrent")
                .containsEntry("preempt", "async").containsEntry("checkmark", "on")
                .containsEntry("gcEvery", 64L).containsEntry("gcAtSafepoints", false).containsEntry("go", "1.14");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cycles = (List<Map<String, Object>>) root.get("cycles");
        assertThat(cycles).hasSize(2);
        for (int i = 0; i < cycles.size(); i++) {
            Map<String, Object> c = cycles.get(i);
            CycleRecord r = result.cycles().get(i);
            assertTypes(c, Long.class, "n", "stwSweepTermNanos", "concurrentMarkNanos", "stwMarkTermNanos",
                    "markCpuNanos", "heapLiveBytes", "heapGoalBytes", "objectsMarked", "bytesMarked",
                    "stacksScanned", "framesScanned");
            assertTypes(map(c, "suspendG"), Long.class, "calls", "dead", "p50Nanos", "p99Nanos", "maxNanos");
            assertTypes(map(c, "preemptions"), Long.class, "cooperative", "async");
            assertThat(c).containsEntry("n", (long) r.n()).containsEntry("markCpuNanos", r.markCpuNanos())
                    .containsEntry("objectsMarked", r.objectsMarked()).containsEntry("checkmark", "ok")
                    .containsEntry("gctrace", GcTrace.line(r));
            assertThat(map(c, "suspendG")).containsEntry("p99Nanos", r.suspend().p99Nanos());
        }
        assertTypes(map(root, "mutator"), Long.class, "instructions", "allocations", "stackGrowths",
                "stackShrinks", "goroutinesCreated", "goroutinesExited");
        assertThat(map(root, "mutator")).containsEntry("instructions", 9_876_543_210L);
        assertTypes(map(root, "verification"), Long.class, "lostObjects", "useAfterFree");
        assertThat(root).containsEntry("timedOut", false).containsEntry("exitStatus", 0L);

        // The gctrace lines went to stderr, not stdout.
        assertThat(o.err().lines().toList())
                .containsExactly(GcTrace.line(result.cycles().get(0)), GcTrace.line(result.cycles().get(1)));
    }

    @Test
    void checkmarkSpellingsInJson() throws Exception {
        for (CycleRecord.Checkmark ck : CycleRecord.Checkmark.values()) {
            RunResult r = Fixtures.result(1, ck, new RunResult.Verification(0, 0), false, "");
            Map<String, Object> root = JsonTree.object(Fixtures.run(new FakeEngine(r), "run", "--json").out());
            @SuppressWarnings("unchecked")
            Map<String, Object> c = ((List<Map<String, Object>>) root.get("cycles")).get(0);
            assertThat(c.get("checkmark")).isEqualTo(ck.json()).isIn("ok", "off", "failed");
        }
    }

    @Test
    void verificationFailuresExitOne() {
        RunResult checkmarkFailed = Fixtures.result(2, CycleRecord.Checkmark.FAILED,
                new RunResult.Verification(0, 0), false, "");
        RunResult lost = Fixtures.result(2, CycleRecord.Checkmark.OK, new RunResult.Verification(3, 0), false, "");
        RunResult uaf = Fixtures.result(2, CycleRecord.Checkmark.OFF, new RunResult.Verification(0, 1), false, "");
        for (RunResult r : List.of(checkmarkFailed, lost, uaf)) {
            Outcome o = Fixtures.run(new FakeEngine(r), "run");
            assertThat(o.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
            assertThat(o.out()).contains("verification: FAILED");
            assertThat(o.err()).contains("gcsim: verification FAILED");
        }
    }

    @Test
    void timeoutExitsThreeWithTheDumpOnStderr() throws Exception {
        String dump = "goroutine 17 [running]:\nmain.spin()\n\tspin.gcs:3\n";
        RunResult r = Fixtures.result(1, CycleRecord.Checkmark.OK, new RunResult.Verification(0, 0), true, dump);
        Outcome human = Fixtures.run(new FakeEngine(r), "run", "--timeout", "5");
        assertThat(human.status()).isEqualTo(ExitStatus.TIMEOUT);
        assertThat(human.err()).contains("--timeout 5s expired").contains(dump);
        assertThat(human.out()).doesNotContain("goroutine 17");

        Outcome json = Fixtures.run(new FakeEngine(r), "run", "--timeout", "5", "--json");
        assertThat(json.status()).isEqualTo(ExitStatus.TIMEOUT);
        assertThat(JsonTree.object(json.out())).containsEntry("timedOut", true).containsEntry("exitStatus", 3L);
        assertThat(json.err()).contains(dump);
    }

    @Test
    void deterministicRunsReportTheirDigestAndAStuckOneExitsThree() throws Exception {
        RunResult clean = Fixtures.cleanResult(1);
        RunResult det = new RunResult(clean.cycles(), clean.mutator(), clean.verification(), false, "",
                new RunResult.Determinism(9, "00112233445566ff", 1234, null, ""));
        Outcome human = Fixtures.run(new FakeEngine(det), "run", "--deterministic", "--seed", "9");
        assertThat(human.status()).isZero();
        assertThat(human.out()).endsWith("determinism: seed 9 digest 00112233445566ff (1234 events)\n");
        Outcome json = Fixtures.run(new FakeEngine(det), "run", "--deterministic", "--seed", "9", "--json");
        assertThat(JsonTree.object(json.out()).get("determinism"))
                .isEqualTo(java.util.Map.of("seed", 9L, "digest", "00112233445566ff", "events", 1234L, "stuck", false));

        RunResult stuck = new RunResult(clean.cycles(), clean.mutator(), clean.verification(), false,
                "goroutine 3 [running]:\n", new RunResult.Determinism(9, "00112233445566ff", 1234,
                        "baton: no thread can make progress (all blocked)", "#1233 g3 runnable -> running on M1\n"));
        Outcome o = Fixtures.run(new FakeEngine(stuck), "run", "--deterministic", "--seed", "9");
        assertThat(o.status()).isEqualTo(ExitStatus.TIMEOUT);
        assertThat(o.err()).contains("gcsim: --deterministic: baton: no thread can make progress (all blocked)",
                "goroutine 3 [running]:", "last events:\n#1233 g3 runnable -> running on M1");
    }

    @Test
    void verificationFailureOutranksTimeout() {
        RunResult r = Fixtures.result(1, CycleRecord.Checkmark.FAILED, new RunResult.Verification(0, 0), true, "g\n");
        assertThat(ExitStatus.of(r)).isEqualTo(ExitStatus.VERIFICATION_FAILED);
    }

    @Test
    void aRuntimeThrowIsAFatalErrorExitOne() {
        Engine engine = (config, listener) -> {
            throw new AssertionError("bad g transition");
        };
        Outcome o = Fixtures.run(engine, "run");
        assertThat(o.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        assertThat(o.err()).startsWith("fatal error: bad g transition\n");
    }

    @Test
    void traceFileHoldsTheGcPhasesAndTheEnginesEvents(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.json");
        RunResult result = Fixtures.cleanResult(2);
        Outcome o = Fixtures.run(new FakeEngine(result), "run", "--trace", file.toString());
        assertThat(o.status()).as(o.err()).isZero();
        List<Map<String, Object>> events = ChromeTraceWriterTest.events(Files.readString(file));
        assertThat(events).filteredOn(e -> "thread_name".equals(e.get("name")))
                .extracting(e -> map(e, "args").get("name")).containsExactly("GC", "M0");
        assertThat(events).filteredOn(e -> "X".equals(e.get("ph"))).extracting(e -> e.get("name"))
                .containsExactly("G1", "gc 1", "sweep termination (STW)", "concurrent mark",
                        "mark termination (STW)", "G1", "gc 2", "sweep termination (STW)", "concurrent mark",
                        "mark termination (STW)");
        CycleRecord c2 = result.cycles().get(1);
        Map<String, Object> mark2 = events.stream()
                .filter(e -> "concurrent mark".equals(e.get("name")) && map(e, "args").get("cycle").equals(2L))
                .findFirst().orElseThrow();
        assertThat((Double) mark2.get("ts")).isEqualTo((c2.startNanosSinceInit() + c2.stwSweepTermNanos()) / 1e3);
        assertThat((Double) mark2.get("dur")).isEqualTo(c2.concurrentMarkNanos() / 1e3);
        assertThat(events).filteredOn(e -> "C".equals(e.get("ph")))
                .extracting(e -> map(e, "args").get("liveBytes")).containsExactly(4L << 20, 4L << 20);
    }

    @Test
    void traceNestsEachStopsTimeToStopStepsAndRestartInItsPhase(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pauses.json");
        CycleRecord c = withPauses(Fixtures.cycle(1, CycleRecord.Checkmark.OK));
        Outcome o = Fixtures.run(new FakeEngine(Fixtures.cleanResult(List.of(c))), "run", "--trace", file.toString());
        assertThat(o.status()).as(o.err()).isZero();
        List<Map<String, Object>> spans = ChromeTraceWriterTest.events(Files.readString(file)).stream()
                .filter(e -> "X".equals(e.get("ph")) && "gc".equals(e.get("cat"))).toList();
        long start = c.startNanosSinceInit();
        long markTermStart = start + c.stwSweepTermNanos() + c.concurrentMarkNanos();
        // Sweep termination's phase already ends after its restart; mark termination's is drawn
        // through its restart (the record's stwMarkTermNanos ends before it, at Go's tEnd).
        assertThat(spans).extracting(e -> e.get("name"), RunReportTest::ts, RunReportTest::dur).containsExactly(
                tuple("gc 1", start / 1e3, (120_000 + 4_500_000 + 95_000 + 25_000) / 1e3),
                tuple("sweep termination (STW)", start / 1e3, 120.0),
                tuple("concurrent mark", (start + 120_000) / 1e3, 4_500.0),
                tuple("mark termination (STW)", markTermStart / 1e3, 120.0),
                tuple("time to stop", start / 1e3, 20.0),
                tuple("finishSweep", (start + 20_000) / 1e3, 30.0),
                tuple("rootPrep", (start + 50_000) / 1e3, 30.0),
                tuple("restart", (start + 90_000) / 1e3, 30.0),
                tuple("time to stop", markTermStart / 1e3, 15.0),
                tuple("checks", (markTermStart + 15_000) / 1e3, 40.0),
                tuple("mcacheFlush", (markTermStart + 55_000) / 1e3, 10.0),
                tuple("sweepStart", (markTermStart + 65_000) / 1e3, 10.0),
                tuple("restart", (markTermStart + 95_000) / 1e3, 25.0));
    }

    /**
     * Fixture cycle 1 with both stops broken down so that each adds up to its phase (sweep
     * termination 120 µs with its restart, mark termination 95 µs before its restart): time to
     * stop, steps and rest, restart.
     */
    private static CycleRecord withPauses(CycleRecord c) {
        long st = c.startNanosSinceInit();
        long mt = st + c.stwSweepTermNanos() + c.concurrentMarkNanos();
        CycleRecord.Pause sweep = new CycleRecord.Pause(st, 20_000, 1, 3, 70_000,
                List.of(new CycleRecord.Step("finishSweep", st + 20_000, 30_000),
                        new CycleRecord.Step("rootPrep", st + 50_000, 30_000)), 10_000, 30_000);
        CycleRecord.Pause mark = new CycleRecord.Pause(mt, 15_000, 0, -1, 80_000,
                List.of(new CycleRecord.Step("checks", mt + 15_000, 40_000),
                        new CycleRecord.Step("mcacheFlush", mt + 55_000, 10_000),
                        new CycleRecord.Step("sweepStart", mt + 65_000, 10_000)), 20_000, 25_000);
        return new CycleRecord(c.n(), c.startNanosSinceInit(), c.cpuUtilisationPercent(), c.stwSweepTermNanos(),
                c.concurrentMarkNanos(), c.stwMarkTermNanos(), c.sweepTermCpuNanos(), c.assistCpuNanos(),
                c.backgroundCpuNanos(), c.idleCpuNanos(), c.markTermCpuNanos(), c.heapStartBytes(),
                c.heapMarkTermBytes(), c.heapLiveBytes(), c.heapGoalBytes(), c.procs(), c.forced(),
                c.objectsMarked(), c.bytesMarked(), c.stacksScanned(), c.framesScanned(), c.suspend(),
                c.cooperativePreemptions(), c.asyncPreemptions(), c.checkmark(), c.assists(), c.roots(),
                c.strategies(), c.workers(), new CycleRecord.Pauses(sweep, mark));
    }

    private static double ts(Map<String, Object> e) {
        return ((Number) e.get("ts")).doubleValue();
    }

    private static double dur(Map<String, Object> e) {
        return ((Number) e.get("dur")).doubleValue();
    }

    @Test
    void traceIsValidJsonEvenWhenTheRunFails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("failed.json");
        Engine engine = (config, listener) -> {
            ChromeTraceWriter t = listener.trace().orElseThrow();
            t.instant(t.track("M0"), "casgstatus", "status", 10, "transition", "_Grunning -> _Gwaiting");
            throw new IllegalStateException("engine broke");
        };
        Outcome o = Fixtures.run(engine, "run", "--trace", file.toString());
        assertThat(o.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        assertThat(o.err()).startsWith("fatal error: engine broke");
        assertThat(ChromeTraceWriterTest.events(Files.readString(file)))
                .extracting(e -> e.get("name")).contains("casgstatus");
    }

    @Test
    void traceCapCanBeSetByASystemProperty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("capped.json");
        System.setProperty(RunSession.TRACE_MAX_EVENTS_PROPERTY, "5");
        try {
            Outcome o = Fixtures.run(new FakeEngine(Fixtures.cleanResult(3)), "run", "--trace", file.toString());
            assertThat(o.status()).isZero();
            assertThat(o.err()).contains("gcsim: trace capped at 5 events");
            Map<String, Object> root = JsonTree.object(Files.readString(file));
            assertThat(map(root, "otherData")).containsEntry("recordedEvents", 5L);
            assertThat((Long) map(root, "otherData").get("droppedEvents")).isPositive();
        } finally {
            System.clearProperty(RunSession.TRACE_MAX_EVENTS_PROPERTY);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    private static void assertTypes(Map<String, Object> m, Class<?> type, String... keys) {
        for (String k : keys) {
            assertThat(m).containsKey(k);
            assertThat(m.get(k)).as(k).isInstanceOf(type);
        }
    }
}
