package gcsim.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code gcsim bench --merge DIR}: the same table from run reports other machines wrote (the
 * files {@code --emit-commands} names, or any {@code gcsim run --json} output). Every
 * {@code *.json} file in DIR, in name order, must be a run report (an object with
 * {@code config} and {@code cycles}); reports with equal {@code config} (its {@code trace}
 * left out) are the runs of one cell, cells in the order their first file comes; the axes are
 * the config keys whose values differ between cells, named as the {@code gcsim run} options
 * (a config's {@code stackScan} is the axis {@code stack-scan}). Reports of different scenarios
 * are merged only with {@code force}. Bad input is one line: BadInputException. Any thread.
 */
final class BenchMerge {
    /** Config keys whose {@code gcsim run} option has another name. */
    private static final Map<String, String> OPTION_OF_KEY = Map.of("timeoutSeconds", "timeout",
            "gcEvery", "gc-every", "gcAtSafepoints", "gc-at-safepoints", "stackScan", "stack-scan",
            "broken", "break");

    private BenchMerge() {}

    /** One report file read: its name, its report, its text. */
    private record Report(String file, Map<String, Object> report, String text) {}

    /**
     * Reads and groups the reports of {@code dir}.
     *
     * @param baseline {@code key=v,...} naming the baseline cell, or null for the first
     */
    static BenchReport.Bench merge(Path dir, BenchPlan.@Nullable Located baseline, int warmup, boolean force) {
        List<Report> reports = read(dir);
        Set<String> scenarios = new LinkedHashSet<>();
        reports.forEach(r -> scenarios.add(String.valueOf(config(r).get("scenario"))));
        if (scenarios.size() > 1 && !force) {
            throw new BadInputException("--merge " + dir + ": reports of different scenarios (" + String.join(", ",
                    scenarios) + "); compare them with --force");
        }
        Map<Map<String, Object>, List<Report>> groups = new LinkedHashMap<>();
        for (Report r : reports) {
            groups.computeIfAbsent(groupKey(r), k -> new ArrayList<>()).add(r);
        }
        List<String> varied = variedKeys(new ArrayList<>(groups.keySet()));
        Map<String, List<String>> axes = new LinkedHashMap<>();
        List<BenchReport.CellRuns> cells = new ArrayList<>();
        for (Map.Entry<Map<String, Object>, List<Report>> g : groups.entrySet()) {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String key : varied) {
                String axis = optionKey(key);
                String value = text(g.getKey().get(key));
                settings.put(axis, value);
                List<String> values = axes.computeIfAbsent(axis, k -> new ArrayList<>());
                if (!values.contains(value)) {
                    values.add(value);
                }
            }
            List<List<String>> commands = new ArrayList<>();
            List<BenchReport.Run> runs = new ArrayList<>();
            for (Report r : g.getValue()) {
                commands.add(commandOf(config(r)));
                Object status = r.report().get("exitStatus");
                runs.add(new BenchReport.Run(status instanceof Number n ? n.intValue() : ExitStatus.OK, r.report(),
                        r.text(), status instanceof Number n && n.intValue() != 0
                        ? List.of(r.file() + ": exit status " + n.intValue()) : List.of()));
            }
            cells.add(new BenchReport.CellRuns(BenchPlan.nameOf(settings), settings, commands, runs));
        }
        int base = 0;
        if (baseline != null) {
            Map<String, OptionSpec> options = BenchPlan.runOptionsByKey();
            base = BenchPlan.baselineIndex(baseline, axes, cells.stream().map(BenchReport.CellRuns::settings)
                    .toList(), options);
        }
        return new BenchReport.Bench(axes, cells, base, warmup);
    }

    /** Every {@code *.json} file of {@code dir} as a run report, in name order; BadInputException for one that is not. */
    private static List<Report> read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--merge: '" + dir + "' is not a directory");
        }
        TreeMap<String, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : s) {
                files.put(String.valueOf(p.getFileName()), p);
            }
        } catch (IOException e) {
            throw new BadInputException("--merge: cannot list '" + dir + "': " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new BadInputException("--merge: no *.json file in '" + dir + "'");
        }
        List<Report> reports = new ArrayList<>();
        for (Path p : files.values()) {
            String text;
            try {
                text = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInputException("--merge: cannot read '" + p + "': " + e.getMessage());
            }
            Map<String, Object> report;
            try {
                report = JsonTree.object(text);
            } catch (IOException | ClassCastException e) {
                throw new BadInputException(p + ": not a gcsim run report (not one JSON object)");
            }
            if (!(report.get("config") instanceof Map<?, ?>) || !(report.get("cycles") instanceof List<?>)) {
                throw new BadInputException(p + ": not a gcsim run report (it has no config and cycles)");
            }
            reports.add(new Report(p.toString(), report, text));
        }
        return reports;
    }

    /** The report's config ({@link #read} checked it is an object). */
    private static Map<String, Object> config(Report r) {
        if (!(r.report().get("config") instanceof Map<?, ?> config)) {
            throw new IllegalStateException(r.file() + ": no config");
        }
        return BenchStats.cast(config);
    }

    /** The config that makes a cell: the report's, without {@code trace}. */
    private static Map<String, Object> groupKey(Report r) {
        Map<String, Object> key = new LinkedHashMap<>(config(r));
        key.remove("trace");
        return key;
    }

    /** The config keys whose values differ between the groups, in the first config's order. */
    private static List<String> variedKeys(List<Map<String, Object>> configs) {
        Set<String> keys = new LinkedHashSet<>();
        configs.forEach(c -> keys.addAll(c.keySet()));
        List<String> varied = new ArrayList<>();
        for (String k : keys) {
            Set<String> values = new LinkedHashSet<>();
            configs.forEach(c -> values.add(text(c.get(k))));
            if (values.size() > 1) {
                varied.add(k);
            }
        }
        return varied;
    }

    /** A config key's {@code gcsim run} option name without dashes. */
    static String optionKey(String configKey) {
        return OPTION_OF_KEY.getOrDefault(configKey, configKey);
    }

    /** A config value as an option value: {@code broken} lists joined by {@code +}, {@code none} when empty. */
    private static String text(@Nullable Object value) {
        if (value instanceof List<?> l) {
            return l.isEmpty() ? "none" : String.join("+", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    /** The {@code gcsim run} command that makes a report with this config. */
    static List<String> commandOf(Map<String, Object> config) {
        List<String> argv = new ArrayList<>(List.of(HuntPlan.LAUNCHER, "run"));
        for (Map.Entry<String, Object> e : config.entrySet()) {
            String option = "--" + optionKey(e.getKey());
            Object v = e.getValue();
            if (v instanceof Boolean b) {
                if (b) {
                    argv.add(option);
                }
            } else if (v instanceof List<?> l) {
                l.forEach(piece -> argv.addAll(List.of(option, String.valueOf(piece))));
            } else if (!(e.getKey().equals("workers") && Long.valueOf(0).equals(v)) && v != JsonTree.NULL) {
                argv.addAll(List.of(option, String.valueOf(v)));
            }
        }
        argv.add("--json");
        return argv;
    }
}
