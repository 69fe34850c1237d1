package gcsim.cli.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One {@code gcsim run --json} object, reduced to what the report shows: the run's settings
 * (its {@code config} object), per cycle the numbers the charts plot, and the verification
 * verdict. Read by {@link #of}; immutable, any thread.
 *
 * @param source   where it came from ("a.json", or "bench.json, cell X, run 2"), for messages
 * @param settings the {@code config} object's keys and values as text, in the file's order
 * @param cycles   the cycles, in the file's order
 * @param verdict  the verification verdict
 */
record RunData(String source, Map<String, String> settings, List<Cycle> cycles, Verdict verdict) {

    /**
     * One GC cycle.
     *
     * @param n             Go's cycle number
     * @param startNanos    when sweep termination began, nanoseconds since the runtime started
     * @param markNanos     the concurrent mark phase's wall time
     * @param stacksScanned goroutine stacks the cycle scanned
     * @param objectsMarked objects the cycle marked
     * @param heapLive      heap live bytes at the end of the cycle ({@code heapLiveBytes})
     * @param heapGoal      the cycle's heap goal
     * @param sweepTerm     the sweep-termination stop of the world
     * @param markTerm      the mark-termination stop of the world
     * @param suspend       the cycle's suspendG latency summary
     */
    record Cycle(long n, long startNanos, long markNanos, long stacksScanned, long objectsMarked,
                 long heapLive, long heapGoal, Pause sweepTerm, Pause markTerm, Suspend suspend) {}

    /**
     * One stop of the world, as the JSON's {@code pauses} records it (PauseBreakdown): the time
     * from the stop request until the last P stopped, the work done with the world stopped, and
     * the restart.
     */
    record Pause(long timeToStopNanos, long stoppedNanos, long restartNanos) {}

    /**
     * The cycle's {@code suspendG} latencies: the call count and quantiles the JSON always has;
     * {@code buckets} when the JSON carries a histogram ({@code suspendG.buckets}, a list of
     * {@code {"upToNanos", "count"}}), else empty.
     */
    record Suspend(long calls, long p50Nanos, long p99Nanos, long maxNanos, List<Bucket> buckets) {}

    /** One histogram bucket: {@code count} calls took less than {@code upToNanos} (and at least the previous bucket's bound). */
    record Bucket(long upToNanos, long count) {}

    /**
     * The verification verdict.
     *
     * @param ok      the run verified clean and ended normally
     * @param text    the JSON's verdict ("ok", "failed", "not caught"), or "ok"/"failed" when absent
     * @param reasons why it failed (or what was broken on purpose), one phrase each
     */
    record Verdict(boolean ok, String text, List<String> reasons) {}

    /** Whether {@code o} looks like a {@code gcsim run --json} object: top-level {@code config} and {@code cycles}. */
    static boolean isRunReport(Map<String, @Nullable Object> o) {
        return Json.object(o.get("config")) != null && Json.array(o.get("cycles")) != null;
    }

    /**
     * Reads a run object ({@link #isRunReport} must hold).
     *
     * @throws ReportInputException naming {@code source} when a cycle is not an object
     */
    static RunData of(Map<String, @Nullable Object> o, String source) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, @Nullable Object> e : Json.child(o, "config").entrySet()) {
            settings.put(e.getKey(), Json.text(e.getValue()));
        }
        List<Cycle> cycles = new ArrayList<>();
        int i = 0;
        for (@Nullable Object c : Json.list(o, "cycles")) {
            i++;
            Map<String, @Nullable Object> cycle = Json.object(c);
            if (cycle == null) {
                throw new ReportInputException(source + ": cycles[" + (i - 1)
                        + "] is not an object, not a gcsim JSON report");
            }
            cycles.add(cycle(cycle, i));
        }
        return new RunData(source, settings, cycles, verdict(o));
    }

    private static Cycle cycle(Map<String, @Nullable Object> c, int index) {
        Map<String, @Nullable Object> pauses = Json.child(c, "pauses");
        return new Cycle(Json.number(c, "n", index), Json.number(c, "startNanosSinceInit", 0),
                Json.number(c, "concurrentMarkNanos", 0), Json.number(c, "stacksScanned", 0),
                Json.number(c, "objectsMarked", 0), Json.number(c, "heapLiveBytes", 0),
                Json.number(c, "heapGoalBytes", 0),
                pause(pauses, "sweepTermination", Json.number(c, "stwSweepTermNanos", 0)),
                pause(pauses, "markTermination", Json.number(c, "stwMarkTermNanos", 0)),
                suspend(Json.child(c, "suspendG")));
    }

    /** A pause from its breakdown; an older report without one: all of the stop as stopped work. */
    private static Pause pause(Map<String, @Nullable Object> pauses, String key, long stwNanos) {
        Map<String, @Nullable Object> p = Json.object(pauses.get(key));
        if (p == null) {
            return new Pause(0, stwNanos, 0);
        }
        return new Pause(Json.number(p, "timeToStopNanos", 0), Json.number(p, "stoppedNanos", 0),
                Json.number(p, "restartNanos", 0));
    }

    private static Suspend suspend(Map<String, @Nullable Object> s) {
        List<Bucket> buckets = new ArrayList<>();
        for (@Nullable Object b : Json.list(s, "buckets")) {
            Map<String, @Nullable Object> bucket = Json.object(b);
            if (bucket != null) {
                buckets.add(new Bucket(Json.number(bucket, "upToNanos", 0), Json.number(bucket, "count", 0)));
            }
        }
        return new Suspend(Json.number(s, "calls", 0), Json.number(s, "p50Nanos", 0),
                Json.number(s, "p99Nanos", 0), Json.number(s, "maxNanos", 0), List.copyOf(buckets));
    }

    private static Verdict verdict(Map<String, @Nullable Object> o) {
        Map<String, @Nullable Object> v = Json.child(o, "verification");
        List<String> reasons = new ArrayList<>();
        count(reasons, v, "lostObjects", "lost objects");
        count(reasons, v, "useAfterFree", "uses after free");
        count(reasons, v, "checkmarkFailedCycles", "cycles with checkmark failed");
        count(reasons, v, "mutatorCheckFailures", "mutator check failures");
        count(reasons, v, "runtimeThrows", "runtime throws");
        Map<String, @Nullable Object> fatal = Json.object(o.get("fatal"));
        if (fatal != null) {
            reasons.add("fatal error: " + Json.text(fatal, "message"));
        }
        if (Boolean.TRUE.equals(o.get("timedOut"))) {
            reasons.add("timed out");
        }
        List<@Nullable Object> caughtBy = Json.list(v, "caughtBy");
        if (!caughtBy.isEmpty()) {
            reasons.add("caught by " + Json.text(caughtBy));
        }
        List<@Nullable Object> broken = Json.list(Json.child(o, "config"), "broken");
        if (!broken.isEmpty()) {
            reasons.add("broken on purpose: " + Json.text(broken));
        }
        boolean ok = !Boolean.FALSE.equals(v.get("ok")) && fatal == null
                && !Boolean.TRUE.equals(o.get("timedOut")) && Json.number(o, "exitStatus", 0) == 0;
        Object text = v.get("verdict");
        return new Verdict(ok, text instanceof String t ? t : ok ? "ok" : "failed", List.copyOf(reasons));
    }

    private static void count(List<String> reasons, Map<String, @Nullable Object> v, String key, String what) {
        long n = Json.number(v, key, 0);
        if (n > 0) {
            reasons.add(n + " " + what);
        }
    }
}
