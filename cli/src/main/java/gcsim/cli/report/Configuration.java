package gcsim.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One configuration the report compares: one {@code gcsim run --json} file, or one cell of a
 * {@code gcsim bench --json} file (its runs pooled). Immutable, any thread.
 *
 * @param label    the name charts and tables use: a run file's settings that differ from the
 *                 other files' ("preempt=cooperative"), a bench cell's name
 * @param settings the settings to show (a run's {@code config}; a cell's first run's, with the
 *                 cell's own {@code settings} over it)
 * @param runs     the runs: one for a run file; a bench cell's, possibly none
 */
record Configuration(String label, Map<String, String> settings, List<RunData> runs) {

    /** Every run's cycles, run after run. */
    List<RunData.Cycle> cycles() {
        List<RunData.Cycle> all = new ArrayList<>();
        for (RunData r : runs) {
            all.addAll(r.cycles());
        }
        return all;
    }

    /** The scenario the runs ran (their {@code config.scenario}), "?" when not known. */
    String scenario() {
        return settings.getOrDefault("scenario", "?");
    }

    /** Whether every run verified clean and ended normally. */
    boolean ok() {
        return runs.stream().allMatch(r -> r.verdict().ok());
    }

    /**
     * The verdict in words: "ok", "ok (5 runs)", or one line per failed run
     * ("failed: 654 lost objects, caught by [checkmark]", prefixed "run 2: " when pooled);
     * a clean run with pieces broken on purpose says so ("not caught: broken on purpose: [...]").
     */
    List<String> verdictLines() {
        List<String> lines = new ArrayList<>();
        boolean pooled = runs.size() > 1;
        for (int i = 0; i < runs.size(); i++) {
            RunData.Verdict v = runs.get(i).verdict();
            if (!v.ok() || !v.reasons().isEmpty()) {
                String reasons = v.reasons().isEmpty() ? "" : ": " + String.join(", ", v.reasons());
                lines.add((pooled ? "run " + (i + 1) + ": " : "") + v.text() + reasons);
            }
        }
        if (lines.isEmpty()) {
            lines.add(runs.size() > 1 ? "ok (" + runs.size() + " runs)" : runs.isEmpty() ? "no runs" : "ok");
        }
        return lines;
    }
}
