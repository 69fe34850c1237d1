package gcsim.integration;

import static gcsim.integration.Cli.list;
import static gcsim.integration.Cli.map;
import static gcsim.integration.Cli.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * go1.18's pacer and go1.19's adaptive stack start under {@code gcsim run --go VERSION}
 * (docs/go-versions.md), on examples/pacer/stack-goal.gcs (a live heap above the heap minimum,
 * deep stacks, allocating goroutines), deterministic runs. Every expectation is computed from
 * the run's own cycle records: the goal from heapLiveBytes and the pacer's terms, the starting
 * stack size from the stack bytes scanned and the stacks scanned.
 */
class PacerVersionsTest {
    private static final long HEAP_MINIMUM = 4 << 20; // GOGC=100
    private static final long STACK_GUARD = 896;

    private static Map<String, Object> run(String version) {
        Cli r = Cli.run("run", "--scenario", Repository.file("examples/pacer/stack-goal.gcs"), "--goroutines", "40",
                "--cycles", "4", "--deterministic", "--seed", "1", "--json", "--go", version);
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        Map<String, Object> j = r.json();
        assertThat(map(j.get("config")).get("go")).isEqualTo(version);
        assertThat(list(j.get("cycles"))).hasSize(4).allMatch(c -> "ok".equals(c.get("checkmark")));
        return j;
    }

    /** go1.14: heapMarked * (1 + GOGC/100), no stack term, no pacer figures. */
    @Test
    void go1_14GoalIsTwiceTheMarkedHeap() {
        List<Map<String, Object>> cycles = list(run("1.14").get("cycles"));
        int checked = 0;
        for (Map<String, Object> c : cycles) {
            assertThat(c).doesNotContainKey("pacer");
            long live = num(c, "heapLiveBytes");
            if (2 * live > HEAP_MINIMUM * 16 / 15) { // above gcinit's 4 MiB trigger floor
                assertThat(num(c, "heapGoalBytes")).as("cycle %s", c.get("n")).isEqualTo(2 * live);
                checked++;
            }
        }
        assertThat(checked).as("cycles above the heap minimum").isPositive();
    }

    /**
     * go1.18: heapMarked + (heapMarked + stackScan + globalsScan) * GOGC/100, stackScan the
     * goroutines' allocated stacks: the goal exceeds go1.14's 2 * heapMarked by the stack term.
     */
    @Test
    void go1_18GoalAddsTheAllocatedStacks() {
        List<Map<String, Object>> cycles = list(run("1.18").get("cycles"));
        for (Map<String, Object> c : cycles) {
            Map<String, Object> p = map(c.get("pacer"));
            long live = num(c, "heapLiveBytes");
            long stacks = num(p, "goalStackBytes");
            long goal = live + (live + stacks + num(p, "goalGlobalsBytes"));
            assertThat(stacks).as("cycle %s: stacks in the goal", c.get("n")).isPositive();
            assertThat(num(c, "heapGoalBytes")).as("cycle %s", c.get("n")).isEqualTo(Math.max(goal, HEAP_MINIMUM));
            assertThat(num(p, "startingStackSize")).as("no adaptive stack start before go1.19").isEqualTo(2048);
        }
        long last = num(list(run("1.18").get("cycles")).get(3), "heapGoalBytes");
        assertThat(last).as("deterministic").isEqualTo(num(cycles.get(3), "heapGoalBytes"));
    }

    /**
     * go1.19: the stack term is what the cycle scanned (lastStackScan = stackScanWork), less than
     * go1.18's allocated stacks; the goal is floored at the heap minimum; reused goroutines start
     * with the average scanned stack + StackGuard, rounded up to a power of 2.
     */
    @Test
    void go1_19GoalAddsTheScannedStacksAndStartsStacksAtTheirAverage() {
        List<Map<String, Object>> cycles = list(run("1.19").get("cycles"));
        List<Map<String, Object>> go118 = list(run("1.18").get("cycles"));
        boolean grew = false;
        for (Map<String, Object> c : cycles) {
            Map<String, Object> p = map(c.get("pacer"));
            long live = num(c, "heapLiveBytes");
            long stacks = num(p, "goalStackBytes");
            assertThat(stacks).as("lastStackScan").isEqualTo(num(p, "stackScanWork")).isPositive();
            long goal = live + (live + stacks + num(p, "goalGlobalsBytes"));
            assertThat(num(c, "heapGoalBytes")).as("cycle %s", c.get("n")).isEqualTo(Math.max(goal, HEAP_MINIMUM));
            long scanned = num(c, "stacksScanned");
            long avg = num(p, "stackScanWork") / scanned + STACK_GUARD;
            long start = Long.highestOneBit(Math.max(avg, 2048) - 1) << 1;
            assertThat(num(p, "startingStackSize")).as("cycle %s", c.get("n")).isEqualTo(start);
            grew |= start > 2048;
        }
        assertThat(grew).as("the deep stacks raise the starting size").isTrue();
        long used = num(map(cycles.get(3).get("pacer")), "goalStackBytes");
        long allocated = num(map(go118.get(3).get("pacer")), "goalStackBytes");
        assertThat(used).as("scanned stack bytes below the allocated ones").isLessThan(allocated);
    }

    /** gctrace: go1.14's fields up to go1.19 (the stacks and globals fields came with go1.20, 56bdf7f7d9). */
    @Test
    void gctraceHasNoStacksFieldBeforeGo1_20() {
        for (String v : List.of("1.14", "1.18", "1.19")) {
            for (Map<String, Object> c : list(run(v).get("cycles"))) {
                assertThat((String) c.get("gctrace")).as(v)
                        .matches("gc \\d+ @\\d+\\.\\d{3}s \\d+%: \\S+ ms clock, \\S+ ms cpu, \\d+->\\d+->\\d+ MB,"
                                + " \\d+ MB goal, \\d+ P( \\(forced\\))?")
                        .doesNotContain("stacks").doesNotContain("globals");
            }
        }
    }

    /** gctrace from go1.20 on (here 1.22 and later): "S MB stacks, G MB globals" between the goal and the Ps. */
    @Test
    void gctraceHasStacksAndGlobalsFromGo1_20() {
        for (Map<String, Object> c : list(run("1.22").get("cycles"))) {
            assertThat((String) c.get("gctrace"))
                    .matches("gc \\d+ @\\d+\\.\\d{3}s \\d+%: \\S+ ms clock, \\S+ ms cpu, \\d+->\\d+->\\d+ MB,"
                            + " \\d+ MB goal, \\d+ MB stacks, \\d+ MB globals, \\d+ P( \\(forced\\))?");
        }
    }
}
