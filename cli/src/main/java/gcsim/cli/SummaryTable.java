package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import gcsim.process.RunResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The human summary printed after the gctrace lines: one row per cycle
 * (pauses, mark time, what was marked, stacks scanned, suspendG latency,
 * preemptions, mark assists, checkmark) in aligned columns, then the mutator counters and
 * the verification verdict. Pure formatting: any thread, no state.
 */
public final class SummaryTable {
    private static final String GAP = "  ";

    private static final String[] HEADERS = {
        "gc", "STW sweep", "mark", "STW markterm", "mark CPU", "objects", "marked",
        "stacks", "suspendG", "p50", "p99", "max", "coop", "async", "assists",
        "checkmark",
    };

    private SummaryTable() {}

    /** The per-cycle table, lines ending in '\n'; a single line when no cycle finished. */
    public static String render(List<CycleRecord> cycles) {
        if (cycles.isEmpty()) {
            return "no GC cycle finished\n";
        }
        List<String[]> rows = new ArrayList<>(cycles.size() + 1);
        rows.add(HEADERS);
        for (CycleRecord c : cycles) {
            rows.add(row(c));
        }
        return align(rows, HEADERS.length - 1) + pauseLine(cycles);
    }

    /**
     * One line after the table summarising the stops of the world, as a safepoint log's summary:
     * the median time to stop of each phase and the largest stopped step (restNanos, the
     * unnamed rest, included as "rest"). Empty when no cycle has a pause breakdown.
     */
    static String pauseLine(List<CycleRecord> cycles) {
        List<Long> sweep = new ArrayList<>();
        List<Long> mark = new ArrayList<>();
        String worst = "";
        long worstNanos = -1;
        for (CycleRecord c : cycles) {
            CycleRecord.Pauses p = c.pauses();
            if (p.equals(CycleRecord.Pauses.NONE)) {
                continue;
            }
            sweep.add(p.sweepTermination().timeToStopNanos());
            mark.add(p.markTermination().timeToStopNanos());
            for (CycleRecord.Pause pause : List.of(p.sweepTermination(), p.markTermination())) {
                String phase = pause == p.sweepTermination() ? "sweep termination" : "mark termination";
                for (CycleRecord.Step s : pause.steps()) {
                    if (s.nanos() > worstNanos) {
                        worstNanos = s.nanos();
                        worst = s.name() + " " + Units.duration(s.nanos()) + " (gc " + c.n() + ", " + phase + ")";
                    }
                }
                if (pause.restNanos() > worstNanos) {
                    worstNanos = pause.restNanos();
                    worst = "rest " + Units.duration(pause.restNanos()) + " (gc " + c.n() + ", " + phase + ")";
                }
            }
        }
        if (sweep.isEmpty()) {
            return "";
        }
        return "pauses: median time to stop " + Units.duration(median(sweep)) + " (sweep termination), "
                + Units.duration(median(mark)) + " (mark termination); largest stopped step " + worst + "\n";
    }

    private static long median(List<Long> xs) {
        List<Long> sorted = new ArrayList<>(xs);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** The lines after the table: mutator counters and the verification verdict (nothing broken on purpose). */
    public static String footer(RunResult result) {
        return footer(result, List.of());
    }

    /**
     * The lines after the table: mutator counters, the pieces broken on purpose (when any) and
     * the verification verdict, which names the oracles that saw a failure.
     *
     * @param broken the {@code --break} pieces' command-line names, empty in a normal run
     */
    public static String footer(RunResult result, List<String> broken) {
        RunResult.MutatorCounters m = result.mutator();
        return "mutator: " + Units.count(m.instructions()) + " instructions, "
                + Units.count(m.allocations()) + " allocations, "
                + Units.count(m.stackGrowths()) + " stack growths, "
                + Units.count(m.stackShrinks()) + " stack shrinks, "
                + Units.count(m.goroutinesCreated()) + " goroutines created, "
                + Units.count(m.goroutinesExited()) + " exited\n"
                + (broken.isEmpty() ? "" : "broken on purpose: " + String.join(", ", broken) + "\n")
                + verdictLine(result, broken) + "\n";
    }

    /**
     * {@code verification: ok|FAILED|not caught in N cycles (L lost objects, U uses after free,
     * C checkmark failures)}, then for a failure which oracle saw what, for a broken run the
     * pieces broken.
     */
    static String verdictLine(RunResult result, List<String> broken) {
        RunResult.Verification v = result.verification();
        String verdict = result.verdict(!broken.isEmpty());
        StringBuilder sb = new StringBuilder("verification: ").append(switch (verdict) {
            case RunResult.FAILED -> "FAILED";
            case RunResult.NOT_CAUGHT -> "not caught in " + result.cycles().size() + " cycles";
            default -> "ok";
        });
        sb.append(" (").append(Units.count(v.lostObjects())).append(" lost objects, ")
                .append(Units.count(v.useAfterFree())).append(" uses after free, ")
                .append(result.checkmarkFailedCycles()).append(" checkmark failures)");
        if (verdict.equals(RunResult.FAILED)) {
            List<String> by = new ArrayList<>();
            for (String oracle : result.caughtBy()) {
                by.add(oracle + " (" + whatItSaw(oracle, result) + ")");
            }
            sb.append(": caught by ").append(String.join(", ", by));
        }
        if (!broken.isEmpty()) {
            sb.append("; broken: ").append(String.join(", ", broken));
        }
        return sb.toString();
    }

    private static String whatItSaw(String oracle, RunResult result) {
        RunResult.Verification v = result.verification();
        RunResult.Fatal f = result.fatal();
        return switch (oracle) {
            case RunResult.CHECKMARK -> Units.count(v.lostObjects()) + " objects unmarked, in "
                    + result.checkmarkFailedCycles() + " cycles";
            case RunResult.USE_AFTER_FREE -> Units.count(v.useAfterFree()) + " reads of freed memory";
            case RunResult.MUTATOR_CHECK -> Units.count(v.mutatorCheckFailures()) + " failed checks";
            default -> f == null ? "fatal error" : "fatal error: " + f.message();
        };
    }

    private static String[] row(CycleRecord c) {
        CycleRecord.SuspendLatency s = c.suspend();
        return new String[] {
            Integer.toString(c.n()),
            Units.duration(c.stwSweepTermNanos()),
            Units.duration(c.concurrentMarkNanos()),
            Units.duration(c.stwMarkTermNanos()),
            Units.duration(c.markCpuNanos()),
            Units.count(c.objectsMarked()),
            Units.bytes(c.bytesMarked()),
            Units.count(c.stacksScanned()),
            Units.count(s.calls()),
            Units.duration(s.p50Nanos()),
            Units.duration(s.p99Nanos()),
            Units.duration(s.maxNanos()),
            Units.count(c.cooperativePreemptions()),
            Units.count(c.asyncPreemptions()),
            Units.count(c.assists().count()),
            c.checkmark().json(),
        };
    }

    /**
     * Right-aligns every column except {@code leftColumn} (and the last
     * column carries no trailing padding).
     */
    static String align(List<String[]> rows, int leftColumn) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                if (i > 0) {
                    sb.append(GAP);
                }
                boolean last = i == columns - 1;
                pad(sb, r[i], width[i], i == leftColumn, last);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void pad(StringBuilder sb, String cell, int width, boolean left, boolean last) {
        int fill = width - cell.length();
        if (!left) {
            sb.append(" ".repeat(fill));
        }
        sb.append(cell);
        if (left && !last) {
            sb.append(" ".repeat(fill));
        }
    }
}
