package gcsim.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What {@code gcsim bench} (and {@code gcsim bench --merge}) prints: per cell the median and 95%
 * bootstrap interval over runs of each {@link BenchStats#MEASURES measure} and its ratio to the
 * baseline cell's median, as two aligned text tables (pauses; suspension and marking) with one
 * row per cell, then one line per failed run; or with {@code --json} one object:
 * {@code {"gcsimBench":1, "axes":{key:[values]}, "baseline":name, "warmupCycles":K,
 * "cells":[{"name", "settings":{key:value}, "commands":[[argv]], "runs":[run report],
 * "failures":[{"rep", "exitStatus", "firstLines"}], "summary":{measure:{"median", "ciLow",
 * "ciHigh", "ratioToBaseline", "unit", "runs"}}}]}} (a number the runs do not give is null).
 * Stateless: any thread.
 */
final class BenchReport {
    private static final JsonFactory JSON = new JsonFactory();

    private BenchReport() {}

    /**
     * One run of a cell: its exit status, its report (null if it printed none that parses), the
     * report's text as it printed it, and its first lines of diagnostics (for a failure).
     */
    record Run(int status, @Nullable Map<String, Object> report, @Nullable String json, List<String> firstLines) {
        Run {
            firstLines = List.copyOf(firstLines);
        }

        /** Whether the run counts in the statistics: exit 0 with a report. */
        boolean ok() {
            return status == ExitStatus.OK && report != null;
        }
    }

    /** A cell and its runs, in rep order. */
    record CellRuns(String name, Map<String, String> settings, List<List<String>> commands, List<Run> runs) {
        CellRuns {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            commands = List.copyOf(commands);
            runs = List.copyOf(runs);
        }

        /** How many runs failed (exit status not 0, or no report). */
        long failed() {
            return runs.stream().filter(r -> !r.ok()).count();
        }
    }

    /** A whole bench: its axes, its cells, the baseline's index, the warm-up cycles left out. */
    record Bench(Map<String, List<String>> axes, List<CellRuns> cells, int baseline, int warmup) {
        Bench {
            axes = Collections.unmodifiableMap(new LinkedHashMap<>(axes));
            cells = List.copyOf(cells);
        }

        /** Whether any run failed. */
        boolean anyFailed() {
            return cells.stream().anyMatch(c -> c.failed() > 0);
        }

        /** Every cell's summary of every measure, ratios against the baseline cell. */
        List<Map<String, BenchStats.Summary>> summaries() {
            List<Map<String, BenchStats.Summary>> raw = new ArrayList<>();
            for (CellRuns c : cells) {
                Map<String, BenchStats.Summary> m = new LinkedHashMap<>();
                for (BenchStats.Measure measure : BenchStats.MEASURES) {
                    double[] values = c.runs().stream().filter(Run::ok).mapToDouble(r -> BenchStats.perRun(
                            nonNull(r.report()), measure, warmup)).toArray();
                    m.put(measure.key(), BenchStats.summarize(values));
                }
                raw.add(m);
            }
            List<Map<String, BenchStats.Summary>> out = new ArrayList<>();
            for (Map<String, BenchStats.Summary> m : raw) {
                Map<String, BenchStats.Summary> r = new LinkedHashMap<>();
                m.forEach((k, s) -> r.put(k, BenchStats.withRatio(s, raw.get(baseline).getOrDefault(k,
                        BenchStats.Summary.NONE))));
                out.add(r);
            }
            return out;
        }
    }

    private static Map<String, Object> nonNull(@Nullable Map<String, Object> report) {
        if (report == null) {
            throw new IllegalStateException("an ok run has a report");
        }
        return report;
    }

    /** The text tables, then one line per failed run. */
    static void text(Bench b, PrintStream out) {
        List<Map<String, BenchStats.Summary>> sums = b.summaries();
        List<BenchStats.Measure> ms = BenchStats.MEASURES;
        out.println("pauses per cycle (both stops of the world): median over runs [95% CI] x ratio to the baseline");
        out.print(table(b, sums, ms.subList(0, 4)));
        out.println();
        out.println("suspendG, stack jobs, marking, whole cycle: median over runs [95% CI] x ratio to the baseline");
        out.print(table(b, sums, ms.subList(4, ms.size())));
        out.println();
        out.println("each run's value is the median over its cycles after the first " + b.warmup()
                + " (--warmup-cycles); baseline: " + b.cells().get(b.baseline()).name());
        for (CellRuns c : b.cells()) {
            for (int i = 0; i < c.runs().size(); i++) {
                Run r = c.runs().get(i);
                if (!r.ok()) {
                    out.println("FAILED: " + c.name() + " run " + (i + 1) + ": exit " + r.status() + " ("
                            + HuntReport.meaning(r.status()) + (r.report() == null ? ", no report" : "") + ")"
                            + (r.firstLines().isEmpty() ? "" : ": " + r.firstLines().get(0)));
                }
            }
        }
        out.flush();
    }

    /** One aligned table: a row per cell, a column per measure. */
    static String table(Bench b, List<Map<String, BenchStats.Summary>> sums, List<BenchStats.Measure> measures) {
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("cell", "runs"));
        measures.forEach(m -> head.add(m.title()));
        rows.add(head);
        for (int i = 0; i < b.cells().size(); i++) {
            CellRuns c = b.cells().get(i);
            long failed = c.failed();
            List<String> row = new ArrayList<>();
            row.add(c.name() + (i == b.baseline() ? " (baseline)" : ""));
            row.add(failed == 0 ? Integer.toString(c.runs().size())
                    : (c.runs().size() - failed) + "/" + c.runs().size() + " FAILED " + failed);
            for (BenchStats.Measure m : measures) {
                row.add(cell(sums.get(i).getOrDefault(m.key(), BenchStats.Summary.NONE)));
            }
            rows.add(row);
        }
        int[] width = new int[head.size()];
        for (List<String> row : rows) {
            for (int k = 0; k < row.size(); k++) {
                width[k] = Math.max(width[k], row.get(k).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < row.size(); k++) {
                String v = row.get(k);
                String pad = " ".repeat(width[k] - v.length());
                line.append(k < 2 ? v + pad : pad + v).append(k + 1 < row.size() ? "  " : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** {@code 1.23ms [1.10ms-1.40ms] x1.00}, or {@code -} without a value. */
    static String cell(BenchStats.Summary s) {
        if (Double.isNaN(s.median())) {
            return "-";
        }
        String ratio = Double.isNaN(s.ratio()) ? "" : String.format(Locale.ROOT, " x%.2f", s.ratio());
        return nanos(s.median()) + " [" + nanos(s.ciLow()) + "-" + nanos(s.ciHigh()) + "]" + ratio;
    }

    /** A duration: {@link Units#duration} from 1us up or for whole nanoseconds, else one decimal. */
    static String nanos(double v) {
        return v < 1_000 && v != Math.rint(v) ? String.format(Locale.ROOT, "%.1fns", v)
                : Units.duration(Math.round(v));
    }

    /** The {@code --json} object and a newline. */
    static void json(Bench b, PrintStream out) {
        List<Map<String, BenchStats.Summary>> sums = b.summaries();
        try (JsonGenerator gen = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.useDefaultPrettyPrinter();
            gen.writeStartObject();
            gen.writeNumberField("gcsimBench", 1);
            gen.writeObjectFieldStart("axes");
            for (Map.Entry<String, List<String>> a : b.axes().entrySet()) {
                writeStrings(gen, a.getKey(), a.getValue());
            }
            gen.writeEndObject();
            gen.writeStringField("baseline", b.cells().get(b.baseline()).name());
            gen.writeNumberField("warmupCycles", b.warmup());
            gen.writeArrayFieldStart("cells");
            for (int i = 0; i < b.cells().size(); i++) {
                writeCell(gen, b.cells().get(i), sums.get(i));
            }
            gen.writeEndArray();
            gen.writeEndObject();
            gen.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static void writeCell(JsonGenerator gen, CellRuns c, Map<String, BenchStats.Summary> sums)
            throws IOException {
        gen.writeStartObject();
        gen.writeStringField("name", c.name());
        gen.writeObjectFieldStart("settings");
        for (Map.Entry<String, String> s : c.settings().entrySet()) {
            gen.writeStringField(s.getKey(), s.getValue());
        }
        gen.writeEndObject();
        gen.writeArrayFieldStart("commands");
        for (List<String> argv : c.commands()) {
            writeStrings(gen, null, argv);
        }
        gen.writeEndArray();
        gen.writeArrayFieldStart("runs");
        for (Run r : c.runs()) {
            writeRun(gen, r);
        }
        gen.writeEndArray();
        gen.writeArrayFieldStart("failures");
        for (int i = 0; i < c.runs().size(); i++) {
            Run r = c.runs().get(i);
            if (!r.ok()) {
                gen.writeStartObject();
                gen.writeNumberField("rep", i + 1);
                gen.writeNumberField("exitStatus", r.status());
                writeStrings(gen, "firstLines", r.firstLines());
                gen.writeEndObject();
            }
        }
        gen.writeEndArray();
        gen.writeObjectFieldStart("summary");
        for (Map.Entry<String, BenchStats.Summary> e : sums.entrySet()) {
            BenchStats.Summary s = e.getValue();
            gen.writeObjectFieldStart(e.getKey());
            writeNumber(gen, "median", s.median());
            writeNumber(gen, "ciLow", s.ciLow());
            writeNumber(gen, "ciHigh", s.ciHigh());
            writeNumber(gen, "ratioToBaseline", s.ratio());
            gen.writeStringField("unit", "ns");
            gen.writeNumberField("runs", s.runs());
            gen.writeEndObject();
        }
        gen.writeEndObject();
        gen.writeEndObject();
    }

    /** A run's report as it printed it, token by token; a run without one: {@code {"exitStatus": N}}. */
    private static void writeRun(JsonGenerator gen, Run r) throws IOException {
        String json = r.json();
        if (json == null || r.report() == null) {
            gen.writeStartObject();
            gen.writeNumberField("exitStatus", r.status());
            gen.writeEndObject();
            return;
        }
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            gen.copyCurrentStructure(p);
        }
    }

    private static void writeNumber(JsonGenerator gen, String key, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            gen.writeNullField(key);
        } else {
            gen.writeNumberField(key, v);
        }
    }

    private static void writeStrings(JsonGenerator gen, @Nullable String key, List<String> values)
            throws IOException {
        if (key == null) {
            gen.writeStartArray();
        } else {
            gen.writeArrayFieldStart(key);
        }
        for (String v : values) {
            gen.writeString(v);
        }
        gen.writeEndArray();
    }
}
