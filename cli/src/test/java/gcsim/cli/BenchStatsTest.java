package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@code gcsim bench}'s statistics on known inputs: the median, the bootstrap interval
 * (reproducible, containing the median, zero-width for constant data), a run's value of each
 * measure from its cycles after the warm-up, and the ratios to the baseline cell.
 */
class BenchStatsTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(BenchStats.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(BenchStats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(BenchStats.median(new double[] {})).isNaN();
    }

    /** Many distinct runs, so that resampling with another random sequence would move the interval. */
    @Test
    void theIntervalIsReproducibleFromTheSameRuns() {
        double[] runs = new double[200];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = (i * 7919L % 1000) + i / 1000.0;
        }
        BenchStats.Summary a = BenchStats.summarize(runs);
        for (int k = 0; k < 5; k++) {
            assertThat(BenchStats.summarize(runs.clone())).isEqualTo(a);
        }
        assertThat(a.runs()).isEqualTo(200);
        assertThat(a.ciLow()).isLessThan(a.median());
        assertThat(a.ciHigh()).isGreaterThan(a.median());
    }

    @Test
    void constantDataHasAZeroWidthInterval() {
        BenchStats.Summary s = BenchStats.summarize(new double[] {7, 7, 7, 7, 7});
        assertThat(s.ciLow()).isEqualTo(7);
        assertThat(s.ciHigh()).isEqualTo(7);
        assertThat(BenchStats.summarize(new double[] {42}).ciLow()).isEqualTo(42);
        assertThat(BenchStats.summarize(new double[] {42}).ciHigh()).isEqualTo(42);
    }

    /**
     * Two runs a < b: a resample's median is a (both draws a, p = 1/4), b (p = 1/4) or their mean;
     * so the 2.5th percentile of 2,000 resamples is a and the 97.5th is b.
     */
    @Test
    void twoRunsGiveTheirRangeAsTheInterval() {
        BenchStats.Summary s = BenchStats.summarize(new double[] {10, 20});
        assertThat(s.median()).isEqualTo(15);
        assertThat(s.ciLow()).isEqualTo(10);
        assertThat(s.ciHigh()).isEqualTo(20);
    }

    @Test
    void missingValuesAreLeftOut() {
        BenchStats.Summary s = BenchStats.summarize(new double[] {Double.NaN, 4, Double.NaN});
        assertThat(s.median()).isEqualTo(4);
        assertThat(s.runs()).isEqualTo(1);
        assertThat(BenchStats.summarize(new double[] {Double.NaN})).isEqualTo(BenchStats.Summary.NONE);
    }

    @Property(tries = 200)
    void theIntervalContainsTheMedianAndLiesWithinTheRuns(
            @ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 0, max = 1e9) Double> values) {
        double[] runs = values.stream().mapToDouble(Double::doubleValue).toArray();
        BenchStats.Summary s = BenchStats.summarize(runs);
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(s.ciLow()).isBetween(min, s.median());
        assertThat(s.ciHigh()).isBetween(s.median(), max);
    }

    @Test
    void percentilesInterpolateBetweenRanks() {
        double[] sorted = {0, 10, 20, 30, 40};
        assertThat(BenchStats.percentile(sorted, 0)).isEqualTo(0);
        assertThat(BenchStats.percentile(sorted, 0.5)).isEqualTo(20);
        assertThat(BenchStats.percentile(sorted, 0.625)).isEqualTo(25);
        assertThat(BenchStats.percentile(sorted, 1)).isEqualTo(40);
    }

    /** A cycle's JSON as a run report has it, with the fields the measures read. */
    static Map<String, Object> cycle(long stopNanos, long objects) {
        Map<String, Object> pause = Map.of("timeToStopNanos", stopNanos, "stoppedNanos", 2 * stopNanos,
                "restartNanos", 3 * stopNanos);
        return Map.of("pauses", Map.of("sweepTermination", pause, "markTermination", pause),
                "suspendG", Map.of("p50Nanos", 100L, "p99Nanos", 900L, "maxNanos", 5_000L),
                "strategies", Map.of("stackJobNanos", 70_000L),
                "markCpuNanos", 30 * objects, "objectsMarked", objects,
                "stwSweepTermNanos", 1_000L, "concurrentMarkNanos", 50_000L, "stwMarkTermNanos", 2_000L);
    }

    static Map<String, Object> report(List<Map<String, Object>> cycles) {
        return Map.of("config", Map.of("scenario", "default"), "cycles", new ArrayList<Object>(cycles));
    }

    static BenchStats.Measure measure(String key) {
        return BenchStats.MEASURES.stream().filter(m -> m.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void aRunsValueIsTheMedianOverItsCyclesAfterTheWarmUp() {
        Map<String, Object> r = report(List.of(cycle(1_000_000, 10), cycle(10, 10), cycle(30, 0), cycle(20, 10)));
        // Cycle 1 is the warm-up: pause = 2 stops x (t + 2t + 3t) = 12t over 10, 30, 20 -> median 240.
        assertThat(BenchStats.perRun(r, measure("pausePerCycle"), 1)).isEqualTo(240);
        assertThat(BenchStats.perRun(r, measure("timeToStop"), 1)).isEqualTo(40);
        assertThat(BenchStats.perRun(r, measure("stoppedWork"), 1)).isEqualTo(80);
        assertThat(BenchStats.perRun(r, measure("restart"), 1)).isEqualTo(120);
        assertThat(BenchStats.perRun(r, measure("pausePerCycle"), 0)).isEqualTo(300);
        // A cycle that marked nothing has no CPU per object.
        assertThat(BenchStats.perRun(r, measure("markCpuPerObject"), 1)).isEqualTo(30);
        assertThat(BenchStats.perRun(r, measure("cycle"), 1)).isEqualTo(53_000);
        assertThat(BenchStats.perRun(r, measure("suspendGp99"), 1)).isEqualTo(900);
        assertThat(BenchStats.perRun(r, measure("stackJob"), 1)).isEqualTo(70_000);
        assertThat(BenchStats.perRun(r, measure("pausePerCycle"), 4)).isNaN();
    }

    @Test
    void ratiosAreToTheBaselineCellsMedian() {
        BenchReport.Run fast = run(10);
        BenchReport.Run slow = run(30);
        BenchReport.Bench b = new BenchReport.Bench(Map.of("preempt", List.of("async", "cooperative")), List.of(
                new BenchReport.CellRuns("preempt=async", Map.of("preempt", "async"), List.of(), List.of(fast, fast)),
                new BenchReport.CellRuns("preempt=cooperative", Map.of("preempt", "cooperative"), List.of(),
                        List.of(slow, slow, slow))), 1, 0);
        List<Map<String, BenchStats.Summary>> sums = b.summaries();
        assertThat(sums.get(0).get("pausePerCycle").ratio()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(sums.get(1).get("pausePerCycle").ratio()).isEqualTo(1.0);
        assertThat(sums.get(0).get("pausePerCycle").median()).isEqualTo(120);
        assertThat(sums.get(0).get("suspendGp50").ratio()).isEqualTo(1.0);
    }

    static BenchReport.Run run(long stopNanos) {
        return new BenchReport.Run(0, report(List.of(cycle(stopNanos, 10))), "{}", List.of());
    }
}
