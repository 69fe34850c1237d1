package gcsim.integration;

import static gcsim.integration.Cli.list;
import static gcsim.integration.Cli.map;
import static gcsim.integration.Cli.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code --json} contract of DESIGN.md: one object, its keys, numbers that agree with each other. */
class JsonReportTest {

    @Test
    void jsonIsOneConsistentObject() {
        Cli r = Cli.run("run", "--goroutines", "300", "--cycles", "4", "--seed", "9", "--json", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        Map<String, Object> j = r.json();
        assertThat(j).containsKeys("config", "cycles", "mutator", "verification");

        Map<String, Object> config = map(j.get("config"));
        assertThat(config).containsEntry("scenario", "default").containsEntry("mode", "concurrent")
                .containsEntry("preempt", "async").containsEntry("checkmark", "on");
        assertThat(num(config, "goroutines")).isEqualTo(300);
        assertThat(num(config, "cycles")).isEqualTo(4);
        assertThat(num(config, "seed")).isEqualTo(9);
        assertThat(config).containsKeys("procs", "workers");

        List<Map<String, Object>> cycles = list(j.get("cycles"));
        assertThat(cycles).hasSize(4);
        for (int i = 0; i < cycles.size(); i++) {
            Map<String, Object> c = cycles.get(i);
            assertThat(num(c, "n")).isEqualTo(i + 1);
            assertThat(c).containsKeys("stwSweepTermNanos", "concurrentMarkNanos", "stwMarkTermNanos",
                    "markCpuNanos", "heapLiveBytes", "heapGoalBytes", "bytesMarked", "framesScanned");
            assertThat(num(c, "stacksScanned")).isPositive();
            assertThat(num(c, "framesScanned")).isGreaterThanOrEqualTo(num(c, "stacksScanned"));
            Map<String, Object> s = map(c.get("suspendG"));
            assertThat(num(s, "calls")).isGreaterThanOrEqualTo(num(c, "stacksScanned"));
            assertThat(num(s, "p50Nanos")).isLessThanOrEqualTo(num(s, "p99Nanos"));
            assertThat(num(s, "p99Nanos")).isLessThanOrEqualTo(num(s, "maxNanos"));
            assertThat(s).containsKey("dead");
            assertThat(map(c.get("preemptions"))).containsKeys("cooperative", "async");
            assertThat(c.get("checkmark")).isEqualTo("ok");
            // No goroutine exits in the default scenario: every G of the root snapshot is scanned, exactly.
            Map<String, Object> roots = map(c.get("rootSnapshot"));
            assertThat(num(c, "stacksScanned")).isEqualTo(num(roots, "alive")).isEqualTo(num(roots, "allgs"));
            assertThat(map(c.get("assists"))).containsKeys("count", "scanWork", "creditSteals", "parks", "nanos");
            // Go's controller (no --workers): 25% of GOMAXPROCS, rounded to whole dedicated
            // workers unless that is more than 30% off, then fractional (mgc.go startCycle).
            Map<String, Object> w = map(c.get("markWorkers"));
            long procs = num(config, "procs");
            double goal = procs * 0.25;
            long dedicated = Math.round(Math.floor(goal + 0.5));
            if (Math.abs(dedicated / goal - 1) > 0.3) {
                dedicated = dedicated > goal ? dedicated - 1 : dedicated;
                assertThat(((Number) w.get("fractionalGoal")).doubleValue())
                        .isCloseTo((goal - dedicated) / procs, org.assertj.core.data.Offset.offset(1e-9));
            } else {
                assertThat(((Number) w.get("fractionalGoal")).doubleValue()).isZero();
            }
            assertThat(num(w, "dedicatedWorkers")).isEqualTo(dedicated);
            assertThat(num(w, "dedicatedRuns") + num(w, "fractionalRuns") + num(w, "idleRuns"))
                    .as("some worker marked").isPositive();
            assertThat(num(c, "backgroundCpuNanos")).isEqualTo(num(w, "dedicatedNanos") + num(w, "fractionalNanos"));
            assertThat(num(c, "idleCpuNanos")).isEqualTo(num(w, "idleNanos"));
            assertThat(((Number) c.get("markUtilization")).doubleValue()).isNotNegative();
        }
        assertThat(cycles).anyMatch(c -> num(c, "objectsMarked") > 0);
        assertThat(cycles).anyMatch(c -> num(c, "bytesMarked") > 0);
        // The default scenario starts 300 goroutines plus main and none exits:
        // once all are started, every one of them is scanned.
        assertThat(cycles).anyMatch(c -> num(c, "stacksScanned") >= 301);

        Map<String, Object> m = map(j.get("mutator"));
        assertThat(num(m, "goroutinesCreated")).isEqualTo(301);
        assertThat(num(m, "goroutinesExited")).isZero();
        assertThat(num(m, "allocations")).isPositive();
        assertThat(m).containsKeys("instructions", "stackGrowths", "stackShrinks");
        Map<String, Object> v = map(j.get("verification"));
        assertThat(num(v, "lostObjects")).isZero();
        assertThat(num(v, "useAfterFree")).isZero();
    }

    @Test
    void humanOutputHasOneGctraceLinePerCycle() {
        Cli r = Cli.run("run", "--goroutines", "100", "--cycles", "3", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.matches("gc \\d+ @.*")).count()).isEqualTo(3);
        assertThat(r.out()).contains("verification: ok");
    }
}
