package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.GoVersion;
import org.junit.jupiter.api.Test;

class GcTraceTest {
    @Test
    void fmtNSAsMSKeepsTwoSignificantDigitsLikeGo() {
        assertThat(GcTrace.fmtNSAsMS(999)).isEqualTo("0");
        assertThat(GcTrace.fmtNSAsMS(5_000)).isEqualTo("0.005");
        assertThat(GcTrace.fmtNSAsMS(42_000)).isEqualTo("0.042");
        assertThat(GcTrace.fmtNSAsMS(123_000)).isEqualTo("0.12");
        assertThat(GcTrace.fmtNSAsMS(1_234_567)).isEqualTo("1.2");
        assertThat(GcTrace.fmtNSAsMS(9_999_999)).isEqualTo("9.9");
        assertThat(GcTrace.fmtNSAsMS(10_000_000)).isEqualTo("10");
        assertThat(GcTrace.fmtNSAsMS(1_530_000_000)).isEqualTo("1530");
    }

    @Test
    void itoaDivPadsWithLeadingZero() {
        assertThat(GcTrace.itoaDiv(5, 3)).isEqualTo("0.005");
        assertThat(GcTrace.itoaDiv(12_345, 3)).isEqualTo("12.345");
        // dec == 0 is only reached with val >= 10 (fmtNSAsMS from 10 ms up).
        assertThat(GcTrace.itoaDiv(15, 0)).isEqualTo("15");
    }

    @Test
    void lineHasGosFieldsInGosOrder() {
        CycleRecord r = new CycleRecord(3, 1_234_000_000L, 5,
                42_000, 1_234_567, 15_000_000,
                84_000, 0, 2_469_000, 0, 30_000_000,
                4L << 20, 5L << 20, 2L << 20, 4L << 20, 2, false,
                1000, 32_000, 10, 40,
                new CycleRecord.SuspendLatency(10, 1, 2000, 9000, 12000), 3, 4, CycleRecord.Checkmark.OK);
        assertThat(GcTrace.line(r)).isEqualTo(
                "gc 3 @1.234s 5%: 0.042+1.2+15 ms clock, 0.084+0/2.4/0+30 ms cpu, 4->5->2 MB, 4 MB goal, 2 P");
        assertThat(r.markCpuNanos()).isEqualTo(2_469_000);
    }

    /**
     * go1.20's line (56bdf7f7d9) adds the stacks scanned and the globals' size between the goal
     * and the Ps; versions before it (1.14 to 1.19 here) print the go1.14 line.
     */
    @Test
    void fromGo120TheLineHasStacksAndGlobals() {
        CycleRecord r = new CycleRecord(3, 1_234_000_000L, 5,
                42_000, 1_234_567, 15_000_000,
                84_000, 0, 2_469_000, 0, 30_000_000,
                4L << 20, 5L << 20, 2L << 20, 4L << 20, 2, false,
                1000, 32_000, 10, 40,
                new CycleRecord.SuspendLatency(10, 1, 2000, 9000, 12000), 3, 4, CycleRecord.Checkmark.OK)
                .withPacer(new CycleRecord.PacerFigures(0, 1L << 20, 0, 3L << 20, 0, 0, 0, 2048));
        String go114 = "gc 3 @1.234s 5%: 0.042+1.2+15 ms clock, 0.084+0/2.4/0+30 ms cpu, 4->5->2 MB, 4 MB goal, ";
        assertThat(GcTrace.line(r, GoVersion.GO1_19)).isEqualTo(go114 + "2 P");
        assertThat(GcTrace.line(r, GoVersion.GO1_22)).isEqualTo(go114 + "3 MB stacks, 1 MB globals, 2 P");
        assertThat(GcTrace.line(r, GoVersion.GO1_25)).isEqualTo(go114 + "3 MB stacks, 1 MB globals, 2 P");
        assertThat(GcTrace.line(r)).isEqualTo(GcTrace.line(r, GoVersion.DEFAULT)).isEqualTo(go114 + "2 P");
    }
}
