package gcsim.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The report's pieces: labels from settings, the suspendG distribution, verdict lines. */
class ReportPartsTest {

    private static RunData run(String source, Map<String, String> settings, RunData.Verdict verdict) {
        return new RunData(source, settings, List.of(), verdict);
    }

    private static Map<String, String> settings(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static final RunData.Verdict OK = new RunData.Verdict(true, "ok", List.of());

    @Test
    void aRunIsLabelledByTheSettingsInWhichTheRunsDiffer() {
        List<RunData> runs = List.of(
                run("a.json", settings("scenario", "default", "preempt", "async", "trace", "a"), OK),
                run("b.json", settings("scenario", "default", "preempt", "cooperative", "trace", "b"), OK));
        assertThat(Inputs.labels(runs)).containsExactly("preempt=async", "preempt=cooperative");
    }

    /** Nothing differs (or one file): the file's name; the same differences twice: the name added. */
    @Test
    void runsThatSettingsCannotTellApartAreLabelledByTheirFiles() {
        assertThat(Inputs.labels(List.of(run("dir/one.json", settings("procs", "2"), OK))))
                .containsExactly("one.json");
        List<RunData> runs = List.of(
                run("x/a.json", settings("procs", "2"), OK),
                run("x/b.json", settings("procs", "2"), OK),
                run("x/c.json", settings("procs", "4"), OK));
        assertThat(Inputs.labels(runs)).containsExactly("procs=2 (a.json)", "procs=2 (b.json)", "procs=4");
    }

    /** Without buckets each cycle's calls go half to p50, 49% to p99, 1% to max (µs; 0 drawn at 1 ns). */
    @Test
    void quantilesStandInForAMissingHistogram() {
        TreeMap<Double, Double> mass = new TreeMap<>();
        boolean quantiles = Charts.latencyMass(new RunData.Suspend(200, 2_000, 40_000, 300_000, List.of()), mass);
        Charts.latencyMass(new RunData.Suspend(100, 2_000, 0, 0, List.of()), mass);
        assertThat(quantiles).isTrue();
        assertThat(mass).containsExactly(Map.entry(Charts.SMALLEST_US, 50.0), Map.entry(2.0, 150.0),
                Map.entry(40.0, 98.0), Map.entry(300.0, 2.0));
    }

    @Test
    void bucketsAreUsedWhenTheJsonHasThem() {
        TreeMap<Double, Double> mass = new TreeMap<>();
        boolean quantiles = Charts.latencyMass(new RunData.Suspend(30, 2_000, 40_000, 300_000,
                List.of(new RunData.Bucket(1_000, 10), new RunData.Bucket(4_000, 20))), mass);
        assertThat(quantiles).isFalse();
        assertThat(mass).containsExactly(Map.entry(1.0, 10.0), Map.entry(4.0, 20.0));
    }

    @Test
    void aPooledConfigurationNamesItsFailedRuns() {
        RunData.Verdict failed = new RunData.Verdict(false, "failed", List.of("fatal error: scanstack - bad status"));
        Configuration c = new Configuration("cell", Map.of(),
                List.of(run("r1", Map.of(), OK), run("r2", Map.of(), failed)));
        assertThat(c.ok()).isFalse();
        assertThat(c.verdictLines()).containsExactly("run 2: failed: fatal error: scanstack - bad status");
        Configuration clean = new Configuration("cell", Map.of(), List.of(run("r1", Map.of(), OK),
                run("r2", Map.of(), OK)));
        assertThat(clean.ok()).isTrue();
        assertThat(clean.verdictLines()).containsExactly("ok (2 runs)");
    }

    @Test
    void textIsEscapedForHtmlAndXml() {
        assertThat(Html.escape("a<b & \"c\" 'd'>")).isEqualTo("a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    }
}
