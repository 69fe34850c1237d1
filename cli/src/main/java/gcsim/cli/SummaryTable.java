package gcsim.cli;

import gcsim.gcmark.CycleRecord;
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
        return align(rows, HEADERS.length - 1);
    }

    /** The lines after the table: mutator counters and the verification verdict. */
    public static String footer(RunResult result) {
        RunResult.MutatorCounters m = result.mutator();
        RunResult.Verification v = result.verification();
        return "mutator: " + Units.count(m.instructions()) + " instructions, "
                + Units.count(m.allocations()) + " allocations, "
                + Units.count(m.stackGrowths()) + " stack growths, "
                + Units.count(m.stackShrinks()) + " stack shrinks, "
                + Units.count(m.goroutinesCreated()) + " goroutines created, "
                + Units.count(m.goroutinesExited()) + " exited\n"
                + "verification: " + (result.verificationFailed() ? "FAILED" : "ok")
                + " (" + Units.count(v.lostObjects()) + " lost objects, "
                + Units.count(v.useAfterFree()) + " uses after free, "
                + failedCheckmarks(result.cycles()) + " checkmark failures)\n";
    }

    private static String[] row(CycleRecord c) {
        CycleRecord.SuspendStats s = c.suspend();
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

    private static long failedCheckmarks(List<CycleRecord> cycles) {
        return cycles.stream().filter(c -> c.checkmark() == CycleRecord.Checkmark.FAILED).count();
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
