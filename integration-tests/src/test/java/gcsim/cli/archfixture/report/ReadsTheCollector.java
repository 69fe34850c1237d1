package gcsim.cli.archfixture.report;

import gcsim.gcmark.CycleRecord;

/**
 * Architecture-test fixture: report code that reaches for the collector's record instead of
 * reading the JSON (the command may use gc-mark; the report package may not).
 */
public final class ReadsTheCollector {
    private ReadsTheCollector() {}

    public static long cycle(CycleRecord r) {
        return r.n();
    }
}
