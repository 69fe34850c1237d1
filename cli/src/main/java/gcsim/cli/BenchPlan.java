package gcsim.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * What a {@code gcsim bench} runs: the cartesian product of its axes, each cell a plain
 * {@code gcsim run COMMON CELL --json} run {@code reps} times. {@link #build} checks everything
 * before anything runs: every axis names a {@code gcsim run} option, every value and every
 * cell parses and validates as {@code gcsim run} would parse it, the baseline names one cell;
 * else BadInputException (exit 2) with one line saying where (an option, or FILE:LINE of a
 * matrix file). Immutable; any thread.
 *
 * @param runArgs  the options every cell's run gets, {@code --scenario} first unless it is an axis
 *                 (plus {@code --timeout} when the user gave none), validated
 * @param axes     the axes, in the order given (matrix file first, then {@code --vary})
 * @param cells    the product of the axes, the last axis varying fastest; one cell when no axis
 * @param baseline the index of the baseline cell
 * @param reps     runs per cell
 */
record BenchPlan(List<String> runArgs, List<Axis> axes, List<Cell> cells, int baseline, int reps) {
    /** At most this many cells. */
    static final int MAX_CELLS = 10_000;
    /** The name of the one cell of a bench without axes. */
    static final String ALL = "all";

    BenchPlan {
        runArgs = List.copyOf(runArgs);
        axes = List.copyOf(axes);
        cells = List.copyOf(cells);
    }

    /** An axis: a {@code gcsim run} option's name without its dashes, and its values in order. */
    record Axis(String key, List<String> values) {
        Axis {
            values = List.copyOf(values);
        }
    }

    /**
     * A cell: its name ({@code "preempt=async,suspend=spin"}), its setting of each axis, and its
     * run's arguments after {@code gcsim}: {@code run COMMON CELL --json}.
     */
    record Cell(String name, Map<String, String> settings, List<String> args) {
        Cell {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            args = List.copyOf(args);
        }
    }

    /** A piece of user input and where it came from ("--vary", "matrix.txt:3"), for the error line. */
    record Located(String text, String where) {}

    /** Run {@code rep} (0-based) of cell {@code cell} as one shell line writing its JSON into {@code dir}. */
    String commandLineOf(int cell, int rep, String dir) {
        StringBuilder b = new StringBuilder(HuntPlan.LAUNCHER);
        for (String a : cells.get(cell).args()) {
            b.append(' ').append(HuntPlan.shellQuote(a));
        }
        String file = dir.endsWith("/") ? dir + fileName(cell, rep) : dir + "/" + fileName(cell, rep);
        return b.append(" > ").append(HuntPlan.shellQuote(file)).toString();
    }

    /**
     * The file run {@code rep} of cell {@code cell} writes under {@code --emit-commands}:
     * {@code 01-preempt=async,suspend=spin.r01.json}, numbered so that a directory listing is in
     * the bench's order; characters a file name should not hold become {@code _}.
     */
    String fileName(int cell, int rep) {
        String name = cells.get(cell).name().replaceAll("[^A-Za-z0-9_.,=+-]", "_");
        int cw = Math.max(2, Integer.toString(cells.size()).length());
        int rw = Math.max(2, Integer.toString(reps).length());
        return String.format(Locale.ROOT, "%0" + cw + "d-%s.r%0" + rw + "d.json", cell + 1, name, rep + 1);
    }

    /** The JSON's {@code axes}: each axis and its values. */
    Map<String, List<String>> axesMap() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Axis a : axes) {
            m.put(a.key(), a.values());
        }
        return m;
    }

    /**
     * Checks the user's input and builds the plan; BadInputException names the first problem.
     *
     * @param scenario   {@code --scenario}, or null when not given
     * @param varies     the {@code key=v1,v2} axes
     * @param sets       the matrix file's {@code key=value} (or {@code key} for a flag) run options
     * @param runOptions the command line's other options, {@code gcsim run} options
     * @param baseline   {@code key=v,...} naming the baseline cell, or null for the first cell
     * @param reps       runs per cell
     * @param warmup     cycles of each run left out of the statistics
     * @param force      whether cells may differ in scenario
     */
    static BenchPlan build(@Nullable String scenario, List<Located> varies, List<Located> sets,
                           List<String> runOptions, @Nullable Located baseline, int reps, int warmup,
                           boolean force) {
        Map<String, OptionSpec> options = runOptionsByKey();
        List<Axis> axes = new ArrayList<>();
        for (Located v : varies) {
            Axis a = parseAxis(v, options);
            if (axes.stream().anyMatch(x -> x.key().equals(a.key()))) {
                throw new BadInputException(v.where() + ": axis '" + a.key() + "' given twice");
            }
            axes.add(a);
        }
        boolean scenarioAxis = axes.stream().anyMatch(a -> a.key().equals("scenario"));
        if (scenarioAxis && !force) {
            throw new BadInputException("--vary scenario: cells of different scenarios are compared only with --force");
        }
        if (scenarioAxis && scenario != null) {
            throw new BadInputException("scenario is both an axis and --scenario: give one");
        }
        if (!scenarioAxis && scenario == null) {
            throw new BadInputException("missing --scenario (the scenario every cell runs; see gcsim bench --help)");
        }
        List<String> common = new ArrayList<>();
        if (scenario != null) {
            common.add("--scenario");
            common.add(scenario);
        }
        for (Located s : sets) {
            common.addAll(setting(s, options));
        }
        common.addAll(runOptions);
        ParseResult run = checkCommon(common, axes, sets.isEmpty() ? "" : " (or a matrix file's set)");
        if (!run.hasMatchedOption("--timeout")) {
            common.add("--timeout");
            common.add(Integer.toString(HuntCommand.DEFAULT_RUN_TIMEOUT_SECONDS));
        }
        for (Axis a : axes) {
            for (String value : a.values()) {
                checkValue(common, a, value, options);
            }
        }
        List<Cell> cells = cells(common, axes, options, warmup);
        BenchPlan plan = new BenchPlan(common, axes, cells, 0, reps);
        int base = baseline == null ? 0 : baselineIndex(baseline, plan.axesMap(),
                cells.stream().map(Cell::settings).toList(), options);
        return new BenchPlan(common, axes, cells, base, reps);
    }

    /** {@code gcsim run}'s options by their key (the long name without dashes), bench's own left out. */
    static Map<String, OptionSpec> runOptionsByKey() {
        CommandLine run = Main.commandLine(System.out, System.err, Optional::empty, false).getSubcommands().get("run");
        Map<String, OptionSpec> m = new LinkedHashMap<>();
        if (run == null) {
            throw new IllegalStateException("gcsim has no run command");
        }
        for (OptionSpec o : run.getCommandSpec().options()) {
            String key = o.longestName().replaceFirst("^-+", "");
            if (!o.usageHelp() && !o.versionHelp() && !key.equals("json") && !key.equals("trace")) {
                m.put(key, o);
            }
        }
        return m;
    }

    /**
     * The canonical key of a user's axis or setting name: {@code stack-scan}, {@code stackscan}
     * and {@code stackScan} are all {@code stack-scan}; BadInputException for anything else.
     */
    static String canonicalKey(String name, String where, Map<String, OptionSpec> options) {
        String wanted = squash(name);
        for (String key : options.keySet()) {
            if (squash(key).equals(wanted)) {
                return key;
            }
        }
        if (wanted.equals("json") || wanted.equals("trace")) {
            throw new BadInputException(where + ": '" + name + "' is not something a bench varies or sets"
                    + " (every run writes --json; trace one cell with gcsim run --trace)");
        }
        throw new BadInputException(where + ": unknown axis '" + name + "' (not a gcsim run option; known: "
                + String.join(", ", options.keySet()) + ")");
    }

    private static String squash(String name) {
        return name.replaceFirst("^-+", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** {@code key=v1,v2,...} as an axis. */
    static Axis parseAxis(Located spec, Map<String, OptionSpec> options) {
        int eq = spec.text().indexOf('=');
        if (eq <= 0) {
            throw new BadInputException(spec.where() + ": expected KEY=V1,V2,... (e.g. preempt=async,cooperative),"
                    + " got '" + spec.text() + "'");
        }
        String key = canonicalKey(spec.text().substring(0, eq).strip(), spec.where(), options);
        List<String> values = new ArrayList<>();
        for (String v : spec.text().substring(eq + 1).split(",", -1)) {
            String value = v.strip();
            if (value.isEmpty()) {
                throw new BadInputException(spec.where() + " " + key + ": an empty value in '" + spec.text() + "'");
            }
            if (values.contains(value)) {
                throw new BadInputException(spec.where() + " " + key + ": value '" + value + "' given twice");
            }
            values.add(value);
        }
        return new Axis(key, values);
    }

    /** The arguments that set option {@code key} to {@code value}: a flag is there for true, absent for false. */
    static List<String> optionArgs(String key, String value, Map<String, OptionSpec> options, String where) {
        OptionSpec o = options.get(key);
        if (o != null && o.arity().max() == 0) {
            return switch (value) {
                case "true" -> List.of("--" + key);
                case "false" -> List.of();
                default -> throw new BadInputException(where + " " + key + ": a flag takes true or false, got '"
                        + value + "'");
            };
        }
        return List.of("--" + key, value);
    }

    /** A matrix file's {@code set key=value} (or {@code set key}, a flag) as run arguments. */
    private static List<String> setting(Located s, Map<String, OptionSpec> options) {
        int eq = s.text().indexOf('=');
        String name = eq < 0 ? s.text().strip() : s.text().substring(0, eq).strip();
        String key = canonicalKey(name, s.where(), options);
        OptionSpec o = options.get(key);
        if (eq < 0 && (o == null || o.arity().max() != 0)) {
            throw new BadInputException(s.where() + ": expected set KEY=VALUE, got 'set " + s.text() + "'");
        }
        return optionArgs(key, eq < 0 ? "true" : s.text().substring(eq + 1).strip(), options, s.where());
    }

    /** Parses the common options; none may set an axis, --trace or --help. */
    private static ParseResult checkCommon(List<String> common, List<Axis> axes, String orSet) {
        ParseResult run = Main.parseRunOptions(common, "bad gcsim run options: " + String.join(" ", common));
        if (run.isUsageHelpRequested() || run.isVersionHelpRequested()) {
            throw new BadInputException("--help and --version are gcsim bench's own options here: gcsim bench --help");
        }
        if (run.hasMatchedOption("--trace")) {
            throw new BadInputException("--trace: a bench writes no trace (trace one cell with gcsim run --trace)");
        }
        for (Axis a : axes) {
            if (run.hasMatchedOption("--" + a.key())) {
                throw new BadInputException("--" + a.key() + " is both an axis (--vary) and a run option" + orSet
                        + ": give one");
            }
        }
        Main.runCommandOf(run).toConfig();
        return run;
    }

    /** Parses the common options with one axis value, so a bad value is named as such. */
    private static void checkValue(List<String> common, Axis a, String value, Map<String, OptionSpec> options) {
        List<String> args = new ArrayList<>(common);
        args.addAll(optionArgs(a.key(), value, options, "--vary"));
        try {
            Main.runCommandOf(Main.parseRunOptions(args, "bad value")).toConfig();
        } catch (BadInputException e) {
            throw new BadInputException("--vary " + a.key() + "=" + value + ": " + e.getMessage());
        }
    }

    /** The product of the axes, each cell checked as a whole (e.g. --workers above --procs). */
    private static List<Cell> cells(List<String> common, List<Axis> axes, Map<String, OptionSpec> options,
                                    int warmup) {
        long count = 1;
        for (Axis a : axes) {
            count *= a.values().size();
            if (count > MAX_CELLS) {
                throw new BadInputException("--vary: more than " + MAX_CELLS + " cells");
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> settings = new LinkedHashMap<>();
            List<String> args = new ArrayList<>(List.of("run"));
            args.addAll(common);
            int rest = i;
            for (int k = axes.size() - 1; k >= 0; k--) { // the last axis varies fastest
                List<String> values = axes.get(k).values();
                settings.put(axes.get(k).key(), values.get(rest % values.size()));
                rest /= values.size();
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (Axis a : axes) {
                String v = settings.get(a.key());
                if (v != null) {
                    ordered.put(a.key(), v);
                    args.addAll(optionArgs(a.key(), v, options, "--vary"));
                }
            }
            args.add("--json");
            String name = nameOf(ordered);
            RunConfig config;
            try {
                config = Main.runCommandOf(Main.parseRunOptions(args.subList(1, args.size()), "bad cell")).toConfig();
            } catch (BadInputException e) {
                throw new BadInputException("cell " + name + ": " + e.getMessage());
            }
            if (config.cycles() <= warmup) {
                throw new BadInputException("--warmup-cycles " + warmup + " leaves no cycle of cell " + name
                        + " (--cycles " + config.cycles() + ")");
            }
            cells.add(new Cell(name, ordered, args));
        }
        return cells;
    }

    /** A cell's name: its settings {@code k=v} joined by commas, in axis order; {@link #ALL} for none. */
    static String nameOf(Map<String, String> settings) {
        if (settings.isEmpty()) {
            return ALL;
        }
        List<String> parts = new ArrayList<>();
        settings.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    /**
     * The index of the one cell {@code --baseline key=v,...} names among cells with these
     * settings (of these axes); BadInputException if it names no axis, no value, or not one cell.
     */
    static int baselineIndex(Located spec, Map<String, List<String>> axes, List<Map<String, String>> settings,
                             Map<String, OptionSpec> options) {
        Map<String, String> wanted = parsePairs(spec, options);
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            List<String> values = axes.get(e.getKey());
            if (values == null) {
                throw new BadInputException(spec.where() + ": '" + e.getKey() + "' is not an axis of this bench"
                        + " (axes: " + String.join(", ", axes.keySet()) + ")");
            }
            if (!values.contains(e.getValue())) {
                throw new BadInputException(spec.where() + ": axis " + e.getKey() + " has no value '" + e.getValue()
                        + "' (values: " + String.join(",", values) + ")");
            }
        }
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            if (settings.get(i).entrySet().containsAll(wanted.entrySet())) {
                matches.add(i);
            }
        }
        if (matches.size() != 1) {
            throw new BadInputException(spec.where() + ": '" + spec.text() + "' matches " + matches.size()
                    + " cells; name a value of every axis (" + String.join(", ", axes.keySet()) + ")");
        }
        return matches.get(0);
    }

    /** {@code key=v,key2=v2} as a map of canonical keys. */
    static Map<String, String> parsePairs(Located spec, Map<String, OptionSpec> options) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String part : spec.text().split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0 || part.substring(eq + 1).isBlank()) {
                throw new BadInputException(spec.where() + ": expected KEY=VALUE,KEY=VALUE (e.g. preempt=async),"
                        + " got '" + spec.text() + "'");
            }
            pairs.put(canonicalKey(part.substring(0, eq).strip(), spec.where(), options),
                    part.substring(eq + 1).strip());
        }
        return pairs;
    }
}
