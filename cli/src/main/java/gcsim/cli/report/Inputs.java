package gcsim.cli.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads the report's input files into {@link Configuration}s: a {@code gcsim run --json} object
 * (top-level {@code config} and {@code cycles}) is one configuration; a {@code gcsim bench --json}
 * object ({@code {"gcsimBench": 1, "axes", "baseline", "cells": [{"name", "settings",
 * "commands", "runs": [run objects], "summary"}]}}) is one configuration per cell. Stateless:
 * any thread.
 */
final class Inputs {
    /** Settings that never tell configurations apart (a trace file's path differs run to run). */
    private static final Set<String> NOT_LABELS = Set.of("trace");

    private Inputs() {}

    /**
     * The configurations in {@code files}, in order.
     *
     * @param force compare reports of different scenarios
     * @throws ReportInputException naming the file and the problem
     */
    static List<Configuration> read(List<Path> files, boolean force) {
        if (files.isEmpty()) {
            throw new ReportInputException("report: no input files (gcsim report RUN.json [MORE.json ...] -o report.html)");
        }
        List<Configuration> configurations = new ArrayList<>();
        List<RunData> singles = new ArrayList<>();
        List<Integer> singleSlots = new ArrayList<>();
        Map<String, String> scenarioSource = new LinkedHashMap<>();
        for (Path file : files) {
            Map<String, @Nullable Object> o = Json.object(Json.read(file));
            if (o == null) {
                throw new ReportInputException(file + ": not a gcsim report (not a JSON object)");
            }
            if (o.containsKey("gcsimBench")) {
                List<Configuration> cells = bench(o, file);
                for (Configuration c : cells) {
                    if (c.runs().isEmpty()) {
                        continue;   // no run, no scenario to compare
                    }
                    checkScenario(scenarioSource, c.scenario(), file.toString(), force, benchVariesScenario(o));
                }
                configurations.addAll(cells);
            } else if (RunData.isRunReport(o)) {
                RunData run = RunData.of(o, file.toString());
                checkScenario(scenarioSource, run.settings().getOrDefault("scenario", "?"), file.toString(),
                        force, false);
                singles.add(run);
                singleSlots.add(configurations.size());
                configurations.add(new Configuration("", run.settings(), List.of(run)));
            } else {
                throw new ReportInputException(file + ": not a gcsim report (neither a 'gcsim run --json' object "
                        + "with config and cycles nor a 'gcsim bench --json' object)");
            }
        }
        List<String> labels = labels(singles);
        for (int i = 0; i < singles.size(); i++) {
            RunData run = singles.get(i);
            configurations.set(singleSlots.get(i), new Configuration(labels.get(i), run.settings(), List.of(run)));
        }
        return configurations;
    }

    private static boolean benchVariesScenario(Map<String, @Nullable Object> o) {
        return Json.child(o, "axes").containsKey("scenario");
    }

    /**
     * Remembers each scenario's first source; a second scenario is bad input unless
     * {@code force}, or it comes from a bench file whose axes vary the scenario on purpose.
     */
    private static void checkScenario(Map<String, String> seen, String scenario, String source, boolean force,
                                      boolean variedOnPurpose) {
        if (!seen.isEmpty() && !seen.containsKey(scenario) && !force && !variedOnPurpose) {
            Map.Entry<String, String> first = seen.entrySet().iterator().next();
            throw new ReportInputException(source + ": scenario '" + scenario + "' differs from " + first.getValue()
                    + "'s '" + first.getKey() + "' (reports of different scenarios: pass --force to compare them)");
        }
        seen.putIfAbsent(scenario, source);
    }

    private static List<Configuration> bench(Map<String, @Nullable Object> o, Path file) {
        List<@Nullable Object> cells = Json.array(o.get("cells"));
        if (cells == null) {
            throw new ReportInputException(file + ": a gcsim bench report without a 'cells' array");
        }
        List<Configuration> result = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Map<String, @Nullable Object> cell = Json.object(cells.get(i));
            if (cell == null) {
                throw new ReportInputException(file + ": cells[" + i + "] is not an object");
            }
            String name = cell.get("name") instanceof String s ? s : "cell " + (i + 1);
            List<RunData> runs = new ArrayList<>();
            List<@Nullable Object> list = Json.list(cell, "runs");
            for (int r = 0; r < list.size(); r++) {
                Map<String, @Nullable Object> run = Json.object(list.get(r));
                String source = file + ", cell '" + name + "', run " + (r + 1);
                if (run == null || !RunData.isRunReport(run)) {
                    throw new ReportInputException(source + ": not a 'gcsim run --json' object");
                }
                runs.add(RunData.of(run, source));
            }
            Map<String, String> settings = new LinkedHashMap<>(runs.isEmpty() ? Map.of() : runs.get(0).settings());
            for (Map.Entry<String, @Nullable Object> e : Json.child(cell, "settings").entrySet()) {
                settings.put(e.getKey(), Json.text(e.getValue()));
            }
            result.add(new Configuration(name, settings, List.copyOf(runs)));
        }
        return result;
    }

    /**
     * Labels for run files: the settings in which a run differs from the others
     * ("preempt=cooperative,suspend=park"); the file name when that says nothing (one file, or
     * runs with the same settings), or to tell apart two runs with the same differences.
     */
    static List<String> labels(List<RunData> runs) {
        Set<String> differing = new LinkedHashSet<>();
        for (RunData r : runs) {
            for (String key : r.settings().keySet()) {
                for (RunData other : runs) {
                    if (!NOT_LABELS.contains(key)
                            && !r.settings().getOrDefault(key, "").equals(other.settings().getOrDefault(key, ""))) {
                        differing.add(key);
                    }
                }
            }
        }
        List<String> labels = new ArrayList<>();
        for (RunData r : runs) {
            List<String> parts = new ArrayList<>();
            for (String key : differing) {
                parts.add(key + "=" + r.settings().getOrDefault(key, "-"));
            }
            labels.add(parts.isEmpty() ? fileName(r.source()) : String.join(",", parts));
        }
        List<String> unique = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            boolean shared = labels.indexOf(l) != labels.lastIndexOf(l);
            unique.add(shared ? l + " (" + fileName(runs.get(i).source()) + ")" : l);
        }
        return unique;
    }

    private static String fileName(String source) {
        Path name = Path.of(source).getFileName();
        return name == null ? source : name.toString();
    }
}
