package gcsim.integration;

import static gcsim.integration.Cli.list;
import static gcsim.integration.Cli.map;
import static gcsim.integration.Cli.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CI soak: at least {@value #MIN_CYCLES} GC cycles across every built-in
 * scenario, several seeds and every strategy, through the command
 * ({@code Main.execute}), with the mutators' own verification on and
 * {@code --gc-every} making cycles short and frequent. Half of the strategies
 * run with {@code --checkmark off}: the checkmark repairs every object it finds
 * unmarked before the sweep, so with it on the mutators' oracles (poisoned
 * reads, {@code checkeq}) can never see a loss; off, they are the only oracle.
 * Every run must exit 0 with verdict "ok", no oracle fired, every cycle
 * checkmarked clean (or "off"), no lost object and no use after free. For a
 * longer soak outside CI run the same command line with a large
 * {@code --cycles} (see docs/reliability.md, "Soak").
 */
class SoakTest {
    static final int MIN_CYCLES = 1_000;

    /** The scenarios soaked: every built-in. */
    static final List<String> SCENARIOS = List.of(
            "default", "tight-loops", "deep-stacks", "syscalls", "churn", "blocked", "alloc-heavy");

    /**
     * The strategies soaked, each a list of options. A new strategy (e.g. a
     * --suspend or --stack-scan variant) is one more line here.
     */
    static final List<List<String>> STRATEGIES = List.of(
            List.of("--mode", "concurrent", "--preempt", "async", "--checkmark", "on"),
            List.of("--mode", "concurrent", "--preempt", "cooperative", "--checkmark", "off"),
            List.of("--mode", "stw", "--preempt", "async", "--checkmark", "off"),
            List.of("--mode", "stw", "--preempt", "cooperative", "--checkmark", "on"),
            List.of("--mode", "concurrent", "--preempt", "async", "--suspend", "spin", "--stack-scan", "two-phase",
                    "--checkmark", "off"),
            List.of("--mode", "concurrent", "--preempt", "cooperative", "--suspend", "spin", "--stack-scan",
                    "two-phase", "--checkmark", "on"),
            // --suspend park was out of the soak for a while: once in a CI soak (syscalls, seed 1,
            // cooperative, park, blocking) a stress cycle never finished. Not reproduced in 1,800
            // park runs since; a timeout now dumps schedtrace and the Java stacks of every thread.
            List.of("--mode", "concurrent", "--preempt", "cooperative", "--suspend", "park", "--stack-scan",
                    "blocking", "--checkmark", "off"),
            List.of("--mode", "concurrent", "--preempt", "async", "--suspend", "park", "--stack-scan", "two-phase",
                    "--checkmark", "on"));

    static final long[] SEEDS = {1, 7, 42};
    /** Cycles per run: (SCENARIOS x STRATEGIES - the tight-loops/cooperative pairs) x SEEDS x this >= MIN_CYCLES. */
    static final int CYCLES_PER_RUN = 20;

    @Test
    @Timeout(300)
    void thousandCyclesAcrossScenariosSeedsAndStrategiesStayVerified() {
        long cycles = 0;
        long lost = 0;
        long useAfterFree = 0;
        long checkmarkFailures = 0;
        long checkmarkOffCycles = 0;
        int runs = 0;
        for (long seed : SEEDS) {
            for (String scenario : SCENARIOS) {
                for (List<String> strategy : STRATEGIES) {
                    if (scenario.equals("tight-loops") && strategy.contains("cooperative")) {
                        continue; // by design: a loop without calls never stops without async preemption
                    }
                    List<String> args = new ArrayList<>(List.of("run", "--scenario", scenario, "--seed",
                            Long.toString(seed), "--goroutines", "16", "--procs", "2",
                            "--cycles", Integer.toString(CYCLES_PER_RUN), "--gc-every", "64",
                            "--json", "--timeout", "60"));
                    args.addAll(strategy);
                    Cli r = Cli.run(args.toArray(String[]::new));
                    String what = scenario + " seed " + seed + " " + strategy;
                    assertThat(r.status()).as("%s exit status; stderr:%n%s", what, r.err()).isZero();
                    Map<String, Object> j = r.json();
                    List<Map<String, Object>> cs = list(j.get("cycles"));
                    assertThat(cs).as(what).hasSize(CYCLES_PER_RUN);
                    String expected = strategy.contains("off") ? "off" : "ok";
                    checkmarkFailures += cs.stream().filter(c -> !expected.equals(c.get("checkmark"))).count();
                    checkmarkOffCycles += expected.equals("off") ? cs.size() : 0;
                    Map<String, Object> v = map(j.get("verification"));
                    assertThat(v).as(what).containsEntry("verdict", "ok").containsEntry("caughtBy", List.of())
                            .containsEntry("mutatorCheckFailures", 0L).containsEntry("runtimeThrows", 0L);
                    lost += num(v, "lostObjects");
                    useAfterFree += num(v, "useAfterFree");
                    cycles += cs.size();
                    runs++;
                }
            }
        }
        System.out.printf("soak: %d cycles in %d runs (%d scenarios x %d strategies x %d seeds; %d cycles with"
                + " checkmark off), lost objects %d, checkmark failures %d, use after free %d%n", cycles, runs,
                SCENARIOS.size(), STRATEGIES.size(), SEEDS.length, checkmarkOffCycles, lost, checkmarkFailures,
                useAfterFree);
        assertThat(cycles).isGreaterThanOrEqualTo(MIN_CYCLES);
        assertThat(checkmarkOffCycles).as("cycles where the mutators' oracles were alone").isPositive();
        assertThat(lost).as("lost objects").isZero();
        assertThat(checkmarkFailures).as("checkmark failures").isZero();
        assertThat(useAfterFree).as("use after free").isZero();
    }
}
