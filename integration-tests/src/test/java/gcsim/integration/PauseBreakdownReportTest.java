package gcsim.integration;

import static gcsim.integration.Cli.list;
import static gcsim.integration.Cli.map;
import static gcsim.integration.Cli.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pause breakdown as the command reports it: each JSON cycle's {@code pauses} (keys, steps in
 * order, adding up to the phase), the trace's spans (time to stop, steps, restart) nested in the
 * two (STW) spans, the text report's summary line, and the checkmark step only when the checkmark
 * runs.
 */
class PauseBreakdownReportTest {
    @TempDir
    Path dir;

    @Test
    void jsonAndTraceCarryThePausesWithoutCheckmark() throws IOException {
        Path file = dir.resolve("trace.json");
        Cli r = Cli.run("run", "--goroutines", "50", "--cycles", "2", "--checkmark", "off", "--json",
                "--trace", file.toString(), "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        List<Map<String, Object>> cycles = list(r.json().get("cycles"));
        assertThat(cycles).hasSize(2);
        for (Map<String, Object> c : cycles) {
            assertPauses(c, false);
        }
        List<Map<String, Object>> spans = Cli.list(new Cli(0, Files.readString(file), "").json().get("traceEvents"))
                .stream().filter(e -> "X".equals(e.get("ph")) && "gc".equals(e.get("cat"))).toList();
        for (long n = 1; n <= 2; n++) {
            assertNested(spans, n, "sweep termination (STW)",
                    List.of("time to stop", "finishSweep", "rootPrep", "restart"));
            assertNested(spans, n, "mark termination (STW)",
                    List.of("time to stop", "checks", "sweepStart", "restart"));
        }
        assertThat(spans).noneMatch(e -> "checkmark".equals(e.get("name")));
    }

    @Test
    void checkmarkIsAStepWhenOnAndTheTextReportSummarises() {
        Cli r = Cli.run("run", "--goroutines", "50", "--cycles", "1", "--checkmark", "on", "--json", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        assertPauses(list(r.json().get("cycles")).get(0), true);
        Cli text = Cli.run("run", "--goroutines", "50", "--cycles", "1", "--timeout", "60");
        assertThat(text.status()).as("stderr:%n%s", text.err()).isZero();
        assertThat(text.out()).containsPattern(
                "(?m)^pauses: median time to stop \\S+ \\(sweep termination\\), \\S+ \\(mark termination\\); "
                        + "largest stopped step \\w+ \\S+ \\(gc 1, (sweep|mark) termination\\)$");
    }

    private static void assertPauses(Map<String, Object> c, boolean checkmark) {
        Map<String, Object> pauses = map(c.get("pauses"));
        assertThat(pauses.keySet()).containsExactly("sweepTermination", "markTermination");
        Map<String, Object> sweep = map(pauses.get("sweepTermination"));
        Map<String, Object> mark = map(pauses.get("markTermination"));
        for (Map<String, Object> p : List.of(sweep, mark)) {
            assertThat(p.keySet()).containsExactly("requestNanosSinceInit", "timeToStopNanos", "lastP", "lastM",
                    "stoppedNanos", "steps", "restartNanos");
            long steps = map(p.get("steps")).values().stream().mapToLong(v -> (Long) v).sum();
            assertThat(steps).isEqualTo(num(p, "stoppedNanos"));
            assertThat(num(p, "lastP")).isBetween(0L, num(c, "procs") - 1);
        }
        assertThat(map(sweep.get("steps")).keySet()).containsExactly("finishSweep", "rootPrep", "rest");
        assertThat(map(mark.get("steps")).keySet()).containsExactlyElementsOf(checkmark
                ? List.of("checks", "checkmark", "sweepStart", "rest")
                : List.of("checks", "sweepStart", "rest"));
        assertThat(num(sweep, "requestNanosSinceInit")).isEqualTo(num(c, "startNanosSinceInit"));
        assertThat(num(sweep, "timeToStopNanos") + num(sweep, "stoppedNanos") + num(sweep, "restartNanos"))
                .isEqualTo(num(c, "stwSweepTermNanos"));
        assertThat(num(mark, "timeToStopNanos") + num(mark, "stoppedNanos")).isEqualTo(num(c, "stwMarkTermNanos"));
    }

    /** The named spans of cycle n, in order, each inside the phase span (the trace's µs, 1 ns apart at most). */
    private static void assertNested(List<Map<String, Object>> spans, long n, String phase, List<String> names) {
        List<Map<String, Object>> ofCycle = spans.stream()
                .filter(e -> e.get("args") != null && Long.valueOf(n).equals(map(e.get("args")).get("cycle"))).toList();
        Map<String, Object> parent = ofCycle.stream().filter(e -> phase.equals(e.get("name"))).findFirst().orElseThrow();
        double from = ts(parent);
        double to = from + dur(parent);
        List<Map<String, Object>> kids = ofCycle.stream().filter(e -> names.contains((String) e.get("name")))
                .filter(e -> ts(e) >= from - 1e-3 && ts(e) + dur(e) <= to + 1e-3).toList();
        assertThat(kids).extracting(e -> e.get("name")).as(phase).containsExactlyElementsOf(names);
    }

    private static double ts(Map<String, Object> e) {
        return ((Number) e.get("ts")).doubleValue();
    }

    private static double dur(Map<String, Object> e) {
        return ((Number) e.get("dur")).doubleValue();
    }
}
