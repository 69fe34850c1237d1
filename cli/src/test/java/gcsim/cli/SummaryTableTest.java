package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.gcmark.CycleRecord;
import gcsim.process.RunResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary table's columns line up and show the numbers in readable units. */
class SummaryTableTest {

    @Test
    void oneAlignedRowPerCycleUnderAHeader() {
        List<CycleRecord> cycles = List.of(
                Fixtures.cycle(1, CycleRecord.Checkmark.OK),
                Fixtures.cycle(12, CycleRecord.Checkmark.FAILED));
        List<String> lines = SummaryTable.render(cycles).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("gc  STW sweep").contains("suspendG", "p50", "p99", "max", "checkmark");
        // Right-aligned columns end at the same character in every row: compare the header's column ends.
        String header = lines.get(0);
        for (String column : List.of("STW sweep", "objects", "stacks", "p99", "async")) {
            int end = header.indexOf(column) + column.length();
            for (String row : lines.subList(1, 3)) {
                assertThat(row.charAt(end - 1)).as(column + " in " + row).isNotEqualTo(' ');
                assertThat(row.charAt(end)).as(column + " in " + row).isEqualTo(' ');
            }
        }
        // Cycle 1: 120us sweep term, 4.5ms mark, 123,456 objects, 3.77MiB, p50 1.2us, p99 48us, max 310us.
        assertThat(lines.get(1).strip().split("\\s{2,}")).containsExactly(
                "1", "120us", "4.50ms", "95.0us", "8.30ms", "123,456", "3.77MiB", "2,000", "2,000",
                "1.20us", "48.0us", "310us", "40", "3", "0", "ok");
        assertThat(lines.get(2)).startsWith("12").endsWith("failed");
        assertThat(lines.get(2).split("\\s{2,}")[2]).isEqualTo("54.0ms");
    }

    @Test
    void emptyRunSaysNoCycleFinished() {
        assertThat(SummaryTable.render(List.of())).isEqualTo("no GC cycle finished\n");
    }

    @Test
    void footerCountsAndVerdict() {
        String ok = SummaryTable.footer(Fixtures.cleanResult(1));
        assertThat(ok).contains("9,876,543,210 instructions", "1,234,567 allocations", "88 stack growths",
                "12 stack shrinks", "2,050 goroutines created", "50 exited", "verification: ok (0 lost objects");
        RunResult bad = Fixtures.result(2, CycleRecord.Checkmark.FAILED, new RunResult.Verification(1, 2), false, "");
        assertThat(SummaryTable.footer(bad))
                .contains("verification: FAILED (1 lost objects, 2 uses after free, 2 checkmark failures)");
    }

    @Test
    void units() {
        assertThat(Units.duration(0)).isEqualTo("0ns");
        assertThat(Units.duration(999)).isEqualTo("999ns");
        assertThat(Units.duration(1_000)).isEqualTo("1.00us");
        assertThat(Units.duration(12_345)).isEqualTo("12.3us");
        assertThat(Units.duration(999_499)).isEqualTo("999us");
        assertThat(Units.duration(999_500)).isEqualTo("1.00ms");
        assertThat(Units.duration(4_560_000)).isEqualTo("4.56ms");
        assertThat(Units.duration(1_230_000_000)).isEqualTo("1.23s");
        assertThat(Units.bytes(512)).isEqualTo("512B");
        assertThat(Units.bytes(1536)).isEqualTo("1.50KiB");
        assertThat(Units.bytes(12L << 20)).isEqualTo("12.0MiB");
        assertThat(Units.bytes(1023L << 20 | 1000L << 10)).isEqualTo("1.00GiB");
        assertThat(Units.count(1_234_567)).isEqualTo("1,234,567");
    }
}
