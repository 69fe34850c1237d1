package gcsim.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The statistics of {@code gcsim bench}: the measures it reads from each cycle of a run report,
 * a run's value of each (the median over its kept cycles, the first {@code warmup} dropped), and
 * a cell's median over runs with a 95% percentile-bootstrap confidence interval.
 *
 * <p>The bootstrap: {@value #RESAMPLES} resamples (with replacement, of the runs' values, as many
 * as there are runs), each one's median; the interval is the 2.5th and 97.5th percentiles of
 * those medians. The random source has a fixed seed ({@value #SEED}), so the same runs give the
 * same interval: a table made again from the same JSON is the same table. With one run the
 * interval is that run's value. Stateless: any thread.
 */
final class BenchStats {
    static final int RESAMPLES = 2_000;
    static final long SEED = 0x6763_7369_6d42L; // "gcsimB"

    /**
     * A measure: its JSON key, its column title, and how one cycle's value comes out of the
     * cycle's JSON object (NaN: this cycle has none, e.g. no object marked).
     */
    record Measure(String key, String title, ToDoubleFunction<Map<String, Object>> ofCycle) {}

    /** What the table shows, in its order; each in nanoseconds. */
    static final List<Measure> MEASURES = List.of(
            new Measure("pausePerCycle", "pause/cycle", c -> pauses(c, "timeToStopNanos", "stoppedNanos",
                    "restartNanos")),
            new Measure("timeToStop", "time to stop", c -> pauses(c, "timeToStopNanos")),
            new Measure("stoppedWork", "stopped work", c -> pauses(c, "stoppedNanos")),
            new Measure("restart", "restart", c -> pauses(c, "restartNanos")),
            new Measure("suspendGp50", "suspendG p50", c -> number(c, "suspendG", "p50Nanos")),
            new Measure("suspendGp99", "p99", c -> number(c, "suspendG", "p99Nanos")),
            new Measure("suspendGmax", "max", c -> number(c, "suspendG", "maxNanos")),
            new Measure("stackJob", "stack jobs", c -> number(c, "strategies", "stackJobNanos")),
            new Measure("markCpuPerObject", "mark CPU/object", BenchStats::markCpuPerObject),
            new Measure("markThreadCpuPerObject", "thread CPU/obj", c -> perObject(c,
                    number(c, "markWorkers", "threadCpuNanos"))),
            new Measure("cycle", "cycle", c -> number(c, "stwSweepTermNanos") + number(c, "concurrentMarkNanos")
                    + number(c, "stwMarkTermNanos")));

    /** A cell's summary of one measure; ratio is NaN when there is no baseline value (or it is 0). */
    record Summary(double median, double ciLow, double ciHigh, double ratio, int runs) {
        static final Summary NONE = new Summary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }

    private BenchStats() {}

    /**
     * One run's value of {@code m}: the median over its cycles after the first {@code warmup}
     * (cycles without a value left out), or NaN when none is left.
     */
    static double perRun(Map<String, Object> report, Measure m, int warmup) {
        List<Object> cycles = list(report.get("cycles"));
        List<Double> values = new ArrayList<>();
        for (int i = warmup; i < cycles.size(); i++) {
            if (cycles.get(i) instanceof Map<?, ?> c) {
                double v = m.ofCycle().applyAsDouble(cast(c));
                if (!Double.isNaN(v)) {
                    values.add(v);
                }
            }
        }
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The median, or NaN for no values; the mean of the two middle values for an even count. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    /** The median of {@code runs} (NaN left out) and its bootstrap interval; ratio NaN (see {@link #withRatio}). */
    static Summary summarize(double[] runs) {
        double[] v = Arrays.stream(runs).filter(x -> !Double.isNaN(x)).toArray();
        if (v.length == 0) {
            return Summary.NONE;
        }
        double[] medians = new double[RESAMPLES];
        SplittableRandom random = new SplittableRandom(SEED);
        double[] sample = new double[v.length];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < v.length; i++) {
                sample[i] = v[random.nextInt(v.length)];
            }
            medians[b] = median(sample);
        }
        Arrays.sort(medians);
        return new Summary(median(v), percentile(medians, 0.025), percentile(medians, 0.975), Double.NaN, v.length);
    }

    /** {@code s} with its median's ratio to {@code baseline}'s (NaN if either is missing or the baseline is 0). */
    static Summary withRatio(Summary s, Summary baseline) {
        double r = Double.isNaN(s.median()) || Double.isNaN(baseline.median()) || baseline.median() == 0
                ? Double.NaN : s.median() / baseline.median();
        return new Summary(s.median(), s.ciLow(), s.ciHigh(), r, s.runs());
    }

    /** The {@code q} quantile of sorted values, interpolated linearly between ranks. */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** The sum over both stops of the world of the pause records' fields named. */
    private static double pauses(Map<String, Object> cycle, String... fields) {
        double sum = 0;
        for (String stop : List.of("sweepTermination", "markTermination")) {
            for (String f : fields) {
                sum += number(cycle, "pauses", stop, f);
            }
        }
        return sum;
    }

    private static double markCpuPerObject(Map<String, Object> cycle) {
        return perObject(cycle, number(cycle, "markCpuNanos"));
    }

    /** {@code nanos} per object the cycle marked (NaN when it marked none). */
    private static double perObject(Map<String, Object> cycle, double nanos) {
        double objects = number(cycle, "objectsMarked");
        return objects > 0 ? nanos / objects : Double.NaN;
    }

    /** The number at {@code path} in {@code object}, or NaN when it is missing or not a number. */
    static double number(Map<String, Object> object, String... path) {
        @Nullable Object v = object;
        for (String key : path) {
            v = v instanceof Map<?, ?> m ? m.get(key) : null;
        }
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked") // JsonTree makes every object a Map<String, Object>
    static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked") // JsonTree makes every array a List<Object>
    static List<Object> list(@Nullable Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
