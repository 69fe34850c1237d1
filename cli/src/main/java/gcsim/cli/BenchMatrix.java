package gcsim.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@code gcsim bench --matrix FILE}: one statement a line, {@code #} to the end of a line is a
 * comment, blank lines are ignored.
 * <pre>
 * vary preempt=async,cooperative     # an axis, as --vary
 * vary suspend=spin,park
 * set goroutines=10000               # a gcsim run option every cell gets (set KEY for a flag)
 * baseline preempt=async,suspend=spin   # as --baseline (at most once)
 * </pre>
 * Each statement keeps its FILE:LINE, so what {@link BenchPlan#build} finds wrong in it later
 * names that line. Immutable; any thread.
 *
 * @param varies   the {@code vary} statements' text after the keyword
 * @param sets     the {@code set} statements' text after the keyword
 * @param baseline the {@code baseline} statement's, or null
 */
record BenchMatrix(List<BenchPlan.Located> varies, List<BenchPlan.Located> sets,
                   BenchPlan.@Nullable Located baseline) {
    BenchMatrix {
        varies = List.copyOf(varies);
        sets = List.copyOf(sets);
    }

    /** Reads {@code file}; BadInputException ({@code FILE:LINE: what}) for a line it cannot read. */
    static BenchMatrix read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("--matrix: cannot read '" + file + "': " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        return parse(file.toString(), lines);
    }

    /** Parses the lines of a matrix file named {@code name}. */
    static BenchMatrix parse(String name, List<String> lines) {
        List<BenchPlan.Located> varies = new ArrayList<>();
        List<BenchPlan.Located> sets = new ArrayList<>();
        BenchPlan.Located baseline = null;
        for (int i = 0; i < lines.size(); i++) {
            String where = name + ":" + (i + 1);
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (text.isEmpty()) {
                continue;
            }
            String[] words = text.split("\\s+", 2);
            String rest = words.length > 1 ? words[1].replaceAll("\\s+", "") : "";
            if (rest.isEmpty()) {
                throw new BadInputException(where + ": '" + words[0] + "' needs a KEY=... after it");
            }
            BenchPlan.Located item = new BenchPlan.Located(rest, where);
            switch (words[0]) {
                case "vary" -> varies.add(item);
                case "set" -> sets.add(item);
                case "baseline" -> {
                    if (baseline != null) {
                        throw new BadInputException(where + ": a second baseline (the first is at "
                                + baseline.where() + ")");
                    }
                    baseline = item;
                }
                default -> throw new BadInputException(where + ": unknown statement '" + words[0]
                        + "' (vary, set, baseline)");
            }
        }
        return new BenchMatrix(varies, sets, baseline);
    }
}
