package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.cli.Fixtures.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gcsim bench} with runs: tiny runs in this JVM ({@code --same-jvm}, the real engine),
 * one bench of child processes, and {@code --merge} over reports on disk (made by hand, or by
 * the {@code --emit-commands} lines run one by one).
 */
class BenchRunTest {
    static final String[] TINY = {"--scenario", "default", "--goroutines", "20", "--cycles", "3"};

    static Outcome bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(Arrays.asList(TINY));
        all.addAll(Arrays.asList(args));
        return Fixtures.run(Engines::builtIn, all.toArray(new String[0]));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> objects(Object list) {
        return (List<Map<String, Object>>) list;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object map) {
        return (Map<String, Object>) map;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void jsonHasTheOuterShapeEveryRunsReportAndASummaryPerMeasure() throws IOException {
        Outcome r = bench("--same-jvm", "--reps", "2", "--vary", "preempt=async,cooperative", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        Map<String, Object> json = JsonTree.object(r.out());
        assertThat(json.keySet()).startsWith("gcsimBench", "axes", "baseline");
        assertThat(json.get("gcsimBench")).isEqualTo(1L);
        assertThat(json.get("axes")).isEqualTo(Map.of("preempt", List.of("async", "cooperative")));
        assertThat(json.get("baseline")).isEqualTo("preempt=async");
        List<Map<String, Object>> cells = objects(json.get("cells"));
        assertThat(cells).extracting(c -> c.get("name")).containsExactly("preempt=async", "preempt=cooperative");
        for (Map<String, Object> cell : cells) {
            String preempt = (String) object(cell.get("settings")).get("preempt");
            assertThat((List<?>) cell.get("commands")).hasSize(2).allSatisfy(argv -> {
                List<?> words = (List<?>) argv;
                assertThat(words.subList(0, 2)).isEqualTo(List.of("./gcsim", "run"));
                assertThat(words.get(words.size() - 1)).isEqualTo("--json");
                assertThat(String.join(" ", words.stream().map(String::valueOf).toList()))
                        .contains("--preempt " + preempt);
            });
            assertThat(objects(cell.get("runs"))).hasSize(2).allSatisfy(run -> {
                assertThat(object(run.get("config")).get("preempt")).isEqualTo(preempt);
                assertThat((List<?>) run.get("cycles")).hasSize(3);
            });
            Map<String, Object> summary = object(cell.get("summary"));
            assertThat(summary.keySet()).containsExactlyElementsOf(
                    BenchStats.MEASURES.stream().map(BenchStats.Measure::key).toList());
            for (Object s : summary.values()) {
                assertThat(object(s).keySet()).contains("median", "ciLow", "ciHigh", "ratioToBaseline", "unit");
                assertThat(object(s).get("unit")).isEqualTo("ns");
            }
        }
        Map<String, Object> basePause = object(object(cells.get(0).get("summary")).get("pausePerCycle"));
        assertThat(basePause.get("ratioToBaseline")).isEqualTo(1.0);
        assertThat((double) basePause.get("ciLow")).isLessThanOrEqualTo((double) basePause.get("median"));
    }

    /** Stack jobs that skip the scan: with this seed the run loses objects (found with gcsim hunt over 1..60). */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFailedRunIsShownKeptAndMakesTheBenchExitOne() throws IOException {
        String[] failing = {"bench", "--scenario", Path.of("..", "examples", "linked-lists.gcs").toString(),
            "--break", "stack-scan", "--goroutines", "2", "--procs", "2", "--cycles", "1", "--deterministic",
            "--seed", "1", "--warmup-cycles", "0", "--reps", "1", "--same-jvm"};
        Outcome text = Fixtures.run(Engines::builtIn, failing);
        assertThat(text.status()).as(text.err()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        assertThat(text.out()).containsPattern("\\nall \\(baseline\\) +0/1 FAILED 1 ")
                .contains("FAILED: all run 1: exit 1 (verification failed): gcsim: verification FAILED: ");
        List<String> withJson = new ArrayList<>(Arrays.asList(failing));
        withJson.add("--json");
        Outcome json = Fixtures.run(Engines::builtIn, withJson.toArray(new String[0]));
        assertThat(json.status()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        Map<String, Object> cell = objects(JsonTree.object(json.out()).get("cells")).get(0);
        assertThat(objects(cell.get("runs")).get(0).get("exitStatus")).isEqualTo(1L);
        assertThat(objects(cell.get("runs")).get(0)).containsKeys("config", "cycles");
        Map<String, Object> failure = objects(cell.get("failures")).get(0);
        assertThat(failure.get("exitStatus")).isEqualTo(1L);
        assertThat(failure.get("rep")).isEqualTo(1L);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void emittedCommandsRunOneByOneThenMergedGiveTheSameTableShape(@TempDir Path dir) throws IOException {
        String[] axes = {"--vary", "preempt=async,cooperative", "--reps", "1"};
        Outcome emitted = bench(concat(axes, "--emit-commands", "--runs-dir", dir.toString()));
        assertThat(emitted.status()).as(emitted.err()).isZero();
        for (String line : emitted.out().lines().toList()) {
            String[] parts = line.split(" > ");
            String[] args = parts[0].substring("./gcsim ".length()).split(" ");
            try (OutputStream file = Files.newOutputStream(Path.of(parts[1]));
                 PrintStream out = new PrintStream(file, true, StandardCharsets.UTF_8);
                 PrintStream err = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
                assertThat(Main.execute(args, out, err)).isZero();
            }
        }
        Outcome merged = Fixtures.runWithoutEngine("bench", "--merge", dir.toString());
        Outcome direct = bench(concat(axes, "--same-jvm"));
        assertThat(merged.status()).as(merged.err()).isZero();
        assertThat(direct.status()).as(direct.err()).isZero();
        assertThat(shape(merged.out())).isEqualTo(shape(direct.out())).hasSize(11);
        assertThat(merged.out()).contains("preempt=async (baseline)").contains("preempt=cooperative  ");
    }

    /** Each line's first column (the cell names, the titles), and its number of columns. */
    static List<String> shape(String table) {
        return table.lines().map(l -> l.split(" {2,}")[0] + " / " + l.split(" {2,}").length).toList();
    }

    static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(Arrays.asList(a));
        all.addAll(Arrays.asList(b));
        return all.toArray(new String[0]);
    }

    /** A run report with the config keys given (scenario default unless given), two cycles, an exit status. */
    static String report(int exitStatus, String... config) {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("scenario", "default");
        c.put("preempt", "async");
        for (int i = 0; i < config.length; i += 2) {
            c.put(config[i], config[i + 1]);
        }
        StringBuilder cfg = new StringBuilder();
        c.forEach((k, v) -> cfg.append(cfg.length() == 0 ? "" : ", ").append('"').append(k).append("\": ")
                .append(v.equals("null") ? "null" : "\"" + v + "\""));
        String pause = "{\"timeToStopNanos\": 10, \"stoppedNanos\": 20, \"restartNanos\": 30}";
        String cycle = "{\"pauses\": {\"sweepTermination\": " + pause + ", \"markTermination\": " + pause + "},"
                + " \"objectsMarked\": 4, \"markCpuNanos\": 100}";
        return "{\"config\": {" + cfg + "}, \"cycles\": [" + cycle + ", " + cycle + "], \"exitStatus\": "
                + exitStatus + "}\n";
    }

    @Test
    void mergeGroupsReportsByConfigAndShowsAFailedRun(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a1.json"), report(0, "trace", "null"));
        Files.writeString(dir.resolve("a2.json"), report(0, "trace", "t.json"));
        Files.writeString(dir.resolve("b1.json"), report(1, "preempt", "cooperative", "trace", "null"));
        Files.writeString(dir.resolve("notes.txt"), "not read");
        Outcome r = Fixtures.runWithoutEngine("bench", "--merge", dir.toString(), "--json",
                "--baseline", "preempt=cooperative");
        assertThat(r.status()).as(r.err()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        Map<String, Object> json = JsonTree.object(r.out());
        assertThat(json.get("axes")).isEqualTo(Map.of("preempt", List.of("async", "cooperative")));
        assertThat(json.get("baseline")).isEqualTo("preempt=cooperative");
        List<Map<String, Object>> cells = objects(json.get("cells"));
        assertThat(cells).extracting(c -> ((List<?>) c.get("runs")).size()).containsExactly(2, 1);
        assertThat((List<?>) cells.get(0).get("commands")).first().isEqualTo(List.of("./gcsim", "run",
                "--scenario", "default", "--preempt", "async", "--json"));
        assertThat(objects(cells.get(1).get("failures"))).extracting(f -> f.get("exitStatus")).containsExactly(1L);
        // Warm-up 1 of 2 cycles: pause = 2 stops x 60 ns.
        assertThat(object(object(cells.get(0).get("summary")).get("pausePerCycle")).get("median")).isEqualTo(120.0);

        Outcome text = Fixtures.runWithoutEngine("bench", "--merge", dir.toString());
        assertThat(text.out()).contains("FAILED: preempt=cooperative run 1: exit 1 (verification failed): ")
                .containsPattern("\\npreempt=cooperative +0/1 FAILED 1 ");
    }

    @Test
    void mergeRefusesOtherScenariosWithoutForceAndFilesThatAreNotReports(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.json"), report(0));
        Files.writeString(dir.resolve("b.json"), report(0, "scenario", "churn"));
        BenchCommandTest.assertBadInput(Fixtures.runWithoutEngine("bench", "--merge", dir.toString()),
                "reports of different scenarios (default, churn); compare them with --force");
        Outcome forced = Fixtures.runWithoutEngine("bench", "--merge", dir.toString(), "--force", "--json");
        assertThat(forced.status()).as(forced.err()).isZero();
        assertThat(JsonTree.object(forced.out()).get("axes")).isEqualTo(Map.of("scenario", List.of("default",
                "churn")));

        Path hunt = dir.resolve("c.json");
        Files.writeString(hunt, "{\"seedsTried\": 3, \"failures\": []}\n");
        BenchCommandTest.assertBadInput(Fixtures.runWithoutEngine("bench", "--merge", dir.toString(), "--force"),
                hunt + ": not a gcsim run report (it has no config and cycles)");
        Files.writeString(hunt, "{\"config\": ");
        BenchCommandTest.assertBadInput(Fixtures.runWithoutEngine("bench", "--merge", dir.toString(), "--force"),
                hunt + ": not a gcsim run report (not one JSON object)");
        Files.delete(hunt);
        Files.delete(dir.resolve("a.json"));
        Files.delete(dir.resolve("b.json"));
        BenchCommandTest.assertBadInput(Fixtures.runWithoutEngine("bench", "--merge", dir.toString()),
                "--merge: no *.json file in");
    }

    /** The default: every run a JVM of its own (this JVM's java and class path). */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void childProcessRunsGiveTheSameShape() throws IOException {
        Outcome r = Fixtures.runWithoutEngine(concat(concat(new String[] {"bench"}, TINY), "--reps", "1", "--vary",
                "suspend=spin,park", "--json"));
        assertThat(r.status()).as(r.err()).isZero();
        List<Map<String, Object>> cells = objects(JsonTree.object(r.out()).get("cells"));
        assertThat(cells).hasSize(2).allSatisfy(c -> assertThat(object(objects(c.get("runs")).get(0).get("config"))
                .get("suspend")).isEqualTo(object(c.get("settings")).get("suspend")));
    }
}
