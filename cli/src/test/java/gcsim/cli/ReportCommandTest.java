package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.cli.Fixtures.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gcsim report} end to end, in-process: the page rendered from recorded reports has every
 * chart, each with its series and one point or bar per cycle; bad input is one line and exit 2.
 *
 * <p>The fixtures under {@code src/test/resources/report} are real reports, recorded with
 * {@code gcsim run --goroutines 20 --cycles 4 --procs 2 --json} and {@code --preempt
 * cooperative} ({@code coop.json}), {@code --suspend park} ({@code park.json}),
 * {@code --break stack-scan} ({@code broken.json}, verification failed), {@code --scenario churn}
 * ({@code churn.json}); {@code bench.json} has the shape of {@code gcsim bench --json}: two cells
 * (preempt async and cooperative) of two runs each, 4 and 3 cycles ({@code --seed 2 --cycles 3}).
 */
class ReportCommandTest {
    private static final Path FIXTURES = Path.of("src", "test", "resources", "report");
    /** The labels of async.json, coop.json and park.json together: the settings that differ. */
    private static final String ASYNC = "preempt=async,suspend=spin";
    private static final String COOP = "preempt=cooperative,suspend=spin";
    private static final String PARK = "preempt=async,suspend=park";

    @TempDir
    Path tmp;

    private static String fixture(String name) {
        return FIXTURES.resolve(name).toString();
    }

    private Outcome report(String... args) {
        return Fixtures.runWithoutEngine(concat(new String[] {"report"}, args));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private ReportPage render(String... inputs) throws IOException {
        Path out = tmp.resolve("report.html");
        List<String> args = new ArrayList<>();
        for (String i : inputs) {
            args.add(fixture(i));
        }
        args.add("-o");
        args.add(out.toString());
        Outcome r = report(args.toArray(String[]::new));
        assertThat(r.status()).as(r.err()).isEqualTo(ExitStatus.OK);
        assertThat(r.out()).startsWith("wrote " + out + ": ");
        assertThat(r.err()).isEmpty();
        return new ReportPage(out);
    }

    @Test
    void everyChartIsThereWithItsTitle() throws IOException {
        ReportPage page = render("async.json", "coop.json", "park.json", "broken.json");
        assertThat(page.charts.keySet()).containsExactly("pauses-1", "pauses-2", "pauses-3", "pauses-4",
                "suspendg-cdf", "mark-vs-stacks", "mark-vs-objects", "heap");
        assertThat(page.title("pauses-2")).isEqualTo("Pauses per cycle: preempt=cooperative,suspend=spin,broken=[]");
        assertThat(page.title("suspendg-cdf")).isEqualTo("suspendG latency, cumulative");
        assertThat(page.title("mark-vs-stacks")).isEqualTo("Mark time against goroutines scanned");
        assertThat(page.title("mark-vs-objects")).isEqualTo("Mark time against objects marked");
        assertThat(page.title("heap")).isEqualTo("Heap live against heap goal");
        for (String id : page.charts.keySet()) {
            assertThat(page.texts(id)).as(id).contains(page.title(id));
        }
    }

    /** One stacked bar per cycle, each of the six parts; the legend names them. */
    @Test
    void pausesAreSixStackedPartsPerCycle() throws IOException {
        ReportPage page = render("async.json", "coop.json");
        List<String> parts = List.of("sweep termination: time to stop", "sweep termination: stopped work",
                "sweep termination: restart", "mark termination: time to stop", "mark termination: stopped work",
                "mark termination: restart");
        for (String id : List.of("pauses-1", "pauses-2")) {
            Map<String, Set<String>> items = page.items(id);
            assertThat(items.keySet()).as(id).containsExactlyElementsOf(parts);
            for (Set<String> bars : items.values()) {
                assertThat(bars).as(id).containsExactly("gc 1", "gc 2", "gc 3", "gc 4");
            }
            assertThat(page.texts(id)).as(id).containsAll(parts).contains("gc 1", "gc 4");
        }
    }

    /** A series per configuration in every XY chart, named in the legend, a point per cycle. */
    @Test
    void theXyChartsHaveASeriesPerConfigurationAndAPointPerCycle() throws IOException {
        ReportPage page = render("async.json", "coop.json", "park.json");
        for (String id : List.of("mark-vs-stacks", "mark-vs-objects")) {
            Map<String, Set<String>> items = page.items(id);
            // JFreeChart draws an XY plot's series last to first: the order is not the point.
            assertThat(items.keySet()).as(id).containsExactlyInAnyOrder(ASYNC, COOP, PARK);
            items.values().forEach(points -> assertThat(points).as(id).hasSize(4));
            assertThat(page.texts(id)).as(id).contains(ASYNC, COOP, PARK);
        }
        Map<String, Set<String>> heap = page.items("heap");
        assertThat(heap.keySet()).containsExactlyInAnyOrder(ASYNC + ": live", ASYNC + ": goal", COOP + ": live",
                COOP + ": goal", PARK + ": live", PARK + ": goal");
        heap.values().forEach(points -> assertThat(points).hasSize(4));
        assertThat(page.items("suspendg-cdf").keySet()).containsExactlyInAnyOrder(ASYNC, COOP, PARK);
        assertThat(page.texts("suspendg-cdf")).contains(ASYNC, COOP, PARK);
    }

    /** The settings that tell the runs apart are the labels and are marked; the failed run says why. */
    @Test
    void settingsAndVerdictsAreAtTheTop() throws IOException {
        ReportPage page = render("async.json", "broken.json");
        String html = page.html;
        assertThat(html.indexOf("<table id=\"config\">")).isLessThan(html.indexOf("<svg"));
        assertThat(html.indexOf("<table id=\"verdicts\">")).isLessThan(html.indexOf("<svg"));
        assertThat(html).contains("<th>broken=[]</th><th>broken=[stack-scan]</th>")
                .contains("<tr class=\"differs\"><td>broken</td><td>[]</td><td>[stack-scan]</td></tr>")
                .contains("<tr><td>scenario</td><td>default</td><td>default</td></tr>");
        assertThat(html).contains("<tr><td>broken=[]</td><td class=\"ok\">ok</td><td>ok</td></tr>");
        assertThat(html).containsPattern("<tr><td>broken=\\[stack-scan\\]</td><td class=\"failed\">FAILED</td>"
                + "<td>failed: \\d+ lost objects, 4 cycles with checkmark failed, caught by \\[checkmark\\], "
                + "broken on purpose: \\[stack-scan\\]</td></tr>");
    }

    /** A bench cell is one configuration named by the cell, its runs pooled: 4 + 3 cycles. */
    @Test
    void aBenchFileGivesAConfigurationPerCellWithItsRunsPooled() throws IOException {
        ReportPage page = render("bench.json");
        assertThat(page.charts.keySet()).containsExactly("pauses-1", "pauses-2",
                "suspendg-cdf", "mark-vs-stacks", "mark-vs-objects", "heap");
        assertThat(page.title("pauses-1")).isEqualTo("Pauses per cycle: preempt=async");
        for (Set<String> bars : page.items("pauses-2").values()) {
            assertThat(bars).containsExactly("r1 gc 1", "r1 gc 2", "r1 gc 3", "r1 gc 4",
                    "r2 gc 1", "r2 gc 2", "r2 gc 3");
        }
        for (String id : List.of("mark-vs-stacks", "mark-vs-objects", "suspendg-cdf")) {
            assertThat(page.items(id).keySet()).as(id).containsExactlyInAnyOrder("preempt=async", "preempt=cooperative");
        }
        page.items("mark-vs-objects").values().forEach(points -> assertThat(points).hasSize(7));
        assertThat(page.html).contains("<td>ok (2 runs)</td>");
    }

    /** Self-contained: no script, no stylesheet link, no address but the SVG namespaces. */
    @Test
    void thePageFetchesNothing() throws IOException {
        String html = render("async.json", "coop.json").html;
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("<img")
                .doesNotContain("url(http").doesNotContain("@import");
        Matcher m = Pattern.compile("(?:https?:)?//[^\\s'\"<>]+").matcher(html);
        while (m.find()) {
            assertThat(m.group()).isIn("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
                    "http://www.jfree.org/jfreesvg/svg");
        }
    }

    @Test
    void differentScenariosNeedForce() throws IOException {
        Path out = tmp.resolve("r.html");
        Outcome r = report(fixture("async.json"), fixture("churn.json"), "-o", out.toString());
        assertOneLine(r, fixture("churn.json") + ": scenario 'churn' differs from " + fixture("async.json")
                + "'s 'default' (reports of different scenarios: pass --force to compare them)");
        assertThat(out).doesNotExist();
        Outcome forced = report(fixture("async.json"), fixture("churn.json"), "-o", out.toString(), "--force");
        assertThat(forced.status()).as(forced.err()).isZero();
        assertThat(new ReportPage(out).items("mark-vs-stacks").keySet())
                .containsExactlyInAnyOrder("scenario=default", "scenario=churn");
    }

    @Test
    void badInputIsOneLineNamingTheFile() throws IOException {
        Path notJson = Files.writeString(tmp.resolve("notes.json"), "gc 1 @0.01s 2%: ...\n", StandardCharsets.UTF_8);
        Path other = Files.writeString(tmp.resolve("other.json"), "{\"traceEvents\": []}\n", StandardCharsets.UTF_8);
        Path empty = Files.writeString(tmp.resolve("empty.json"), "", StandardCharsets.UTF_8);
        Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2]", StandardCharsets.UTF_8);
        Path badCycle = Files.writeString(tmp.resolve("cycle.json"), "{\"config\": {}, \"cycles\": [3]}",
                StandardCharsets.UTF_8);
        Path badBench = Files.writeString(tmp.resolve("bench.json"),
                "{\"gcsimBench\": 1, \"cells\": [{\"name\": \"a\", \"runs\": [{}]}]}", StandardCharsets.UTF_8);
        String out = tmp.resolve("r.html").toString();
        assertOneLine(report(notJson.toString(), "-o", out), notJson + ": not JSON (line 1: ");
        assertOneLine(report(other.toString(), "-o", out), other + ": not a gcsim report (neither a 'gcsim run "
                + "--json' object with config and cycles nor a 'gcsim bench --json' object)");
        assertOneLine(report(empty.toString(), "-o", out), empty + ": empty file, not a gcsim JSON report");
        assertOneLine(report(array.toString(), "-o", out), array + ": not a gcsim report (not a JSON object)");
        assertOneLine(report(badCycle.toString(), "-o", out), badCycle + ": cycles[0] is not an object");
        assertOneLine(report(badBench.toString(), "-o", out),
                badBench + ", cell 'a', run 1: not a 'gcsim run --json' object");
        Path missing = tmp.resolve("missing.json");
        assertOneLine(report(fixture("async.json"), missing.toString(), "-o", out), missing + ": no such file");
        assertOneLine(report(fixture("async.json")), "missing required option: '--output=FILE.html'");
        assertOneLine(report("-o", out), "missing required parameter: 'FILE.json'");
        String noDir = tmp.resolve("no-such-dir").resolve("r.html").toString();
        assertOneLine(report(fixture("async.json"), "-o", noDir), noDir + ": cannot write the report");
        assertThat(Path.of(out)).doesNotExist();
    }

    private static void assertOneLine(Outcome r, String expected) {
        assertThat(r.status()).as(r.err()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("gcsim: ").contains(expected);
    }
}
