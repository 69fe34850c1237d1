package gcsim.integration;

import static gcsim.integration.Cli.list;
import static gcsim.integration.Cli.map;
import static gcsim.integration.Cli.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every built-in scenario, end to end through the command, in both mark
 * modes: three cycles, the mutators' own checks and the use-after-free oracle
 * clean, each scaled by --goroutines, and each doing what it exists to show
 * (syscalls and blocked are shown by their scans in the trace: {@code TraceTest}).
 * Half of the runs have checkmark on, half off, each scenario once each way:
 * the checkmark repairs what it finds before the sweep, so only with it off are
 * the mutators' oracles alone.
 */
class BuiltinScenariosTest {
    private static final int GOROUTINES = 200;

    @ParameterizedTest(name = "{0} {1} checkmark {2}")
    @CsvSource({
        "default,concurrent,on", "default,stw,off",
        "tight-loops,concurrent,off", "tight-loops,stw,on",
        "deep-stacks,concurrent,on", "deep-stacks,stw,off",
        "syscalls,concurrent,off", "syscalls,stw,on",
        "churn,concurrent,on", "churn,stw,off",
        "blocked,concurrent,off", "blocked,stw,on",
        "alloc-heavy,concurrent,on", "alloc-heavy,stw,off",
    })
    void runsClean(String scenario, String mode, String checkmark) {
        Cli r = Cli.run("run", "--scenario", scenario, "--mode", mode, "--goroutines", Integer.toString(GOROUTINES),
                "--cycles", "3", "--procs", "2", "--checkmark", checkmark, "--json", "--timeout",
                "60");
        assertThat(r.status()).as("exit status; stderr:%n%s", r.err()).isZero();
        Map<String, Object> j = r.json();
        List<Map<String, Object>> cycles = list(j.get("cycles"));
        assertThat(cycles).hasSize(3);
        for (Map<String, Object> c : cycles) {
            assertThat(c.get("checkmark")).as("cycle %s", c.get("n")).isEqualTo(checkmark.equals("on") ? "ok" : "off");
            assertThat(num(c, "checkmarkUnmarked")).as("cycle %s", c.get("n")).isZero();
            assertThat(num(c, "stacksScanned")).isPositive();
            if (mode.equals("stw")) {
                assertThat(num(c, "concurrentMarkNanos")).isZero();
            }
        }
        Map<String, Object> m = map(j.get("mutator"));
        boolean noneExited = num(m, "goroutinesExited") == 0;
        for (Map<String, Object> c : cycles) {
            Map<String, Object> roots = map(c.get("rootSnapshot"));
            // Every stack job of the snapshot either scanned its G or found it dead.
            assertThat(num(c, "stacksScanned") + num(map(c.get("suspendG")), "dead"))
                    .as("cycle %s: scanned + dead = allgs snapshot", c.get("n")).isEqualTo(num(roots, "allgs"));
            if (noneExited) {
                assertThat(num(c, "stacksScanned")).as("cycle %s: every G alive at the snapshot scanned", c.get("n"))
                        .isEqualTo(num(roots, "alive"));
            }
        }
        Map<String, Object> v = map(j.get("verification"));
        assertThat(num(v, "lostObjects")).isZero();
        assertThat(num(v, "useAfterFree")).isZero();
        assertThat(num(v, "mutatorCheckFailures")).isZero();
        assertThat(v).containsEntry("verdict", "ok").containsEntry("caughtBy", List.of());
        assertThat(map(j.get("config"))).containsEntry("checkmark", checkmark).containsEntry("broken", List.of());
        assertThat(num(m, "instructions")).isPositive();
        assertThat(cycles).as("objects marked").anyMatch(c -> num(c, "objectsMarked") > 0);
        if (scenario.equals("alloc-heavy")) {
            // gc autotrigger on: the heap may trigger all three cycles before main has started
            // every goroutine (only forced cycles wait for that), so on a loaded machine the run
            // can end early; it can never start more than the plan.
            assertThat(num(m, "goroutinesCreated")).as("goroutines started").isBetween(2L, GOROUTINES + 1L);
        } else if (!scenario.equals("churn")) {
            // Scaled by --goroutines: the go lines' percentages add up to 100% of 200, plus main
            // (the default of 2,000 would give 2,001). Forced cycles wait until all started.
            assertThat(num(m, "goroutinesCreated")).as("goroutines started").isEqualTo(GOROUTINES + 1);
        }
        switch (scenario) {
            case "deep-stacks" -> {
                assertThat(num(m, "stackGrowths")).as("stacks grew").isPositive();
                assertThat(num(m, "stackShrinks")).as("stacks shrank during GC").isPositive();
            }
            case "churn" -> {
                assertThat(num(m, "goroutinesExited")).as("goroutines exited").isPositive();
                long allgs = num(map(cycles.get(cycles.size() - 1).get("rootSnapshot")), "allgs");
                assertThat(num(m, "goroutinesCreated")).as("dead Gs reused: allgs stays below the goroutines created")
                        .isGreaterThan(allgs);
                assertThat(allgs).as("allgs").isLessThan(2L * GOROUTINES);
            }
            case "alloc-heavy" -> {
                assertThat(num(m, "allocations")).isGreaterThan(1000);
                long assists = cycles.stream().mapToLong(c -> num(map(c.get("assists")), "count")).sum();
                if (mode.equals("concurrent")) {
                    assertThat(assists).as("allocating goroutines assisted the marker").isPositive();
                    assertThat(cycles.stream().mapToLong(c -> num(map(c.get("assists")), "scanWork")).sum())
                            .as("assist scan work").isPositive();
                } else {
                    assertThat(assists).as("no assists with the world stopped").isZero();
                }
            }
            case "blocked" -> assertThat(noneExited).as("blocked: no goroutine exits, so the equality held").isTrue();
            case "tight-loops" -> assertThat(cycles.stream()
                    .mapToLong(c -> num(map(c.get("preemptions")), "async")).sum())
                    .as("only async preemption stops a tight loop").isPositive();
            default -> { }
        }
    }
}
