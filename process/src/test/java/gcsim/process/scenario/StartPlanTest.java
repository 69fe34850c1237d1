package gcsim.process.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * {@code --seed} decides the start order of a scenario's goroutines: the
 * plan (and so the generated main) is the same for the same seed, differs
 * between seeds, and always starts exactly each go line's count.
 */
class StartPlanTest {
    private static final String SCENARIO = """
            type box 1
            func a() locals(*x)
            l:
                new x box
                jmp l
            end
            func b() locals(n)
            l:
                const n 100
                gosched
                jmp l
            end
            go a 30%
            go b 70%
            """;

    @Test
    void sameSeedSamePlanEveryCountKept() {
        int[] counts = {300, 700, 1, 5};
        for (long seed : LongStream.range(0, 50).toArray()) {
            StartPlan p = StartPlan.of(counts, seed);
            assertThat(flatten(p)).isEqualTo(flatten(StartPlan.of(counts, seed)));
            for (int line = 0; line < counts.length; line++) {
                assertThat(p.started(line)).as("seed %d line %d", seed, line).isEqualTo(counts[line]);
            }
            assertThat(p.runs()).allMatch(r -> r[1] > 0)
                    .hasSizeLessThanOrEqualTo(StartPlan.MAX_PIECES * counts.length);
        }
    }

    @Test
    void differentSeedsDifferentStartOrders() {
        int[] counts = {300, 700};
        List<List<Integer>> plans = new ArrayList<>();
        for (long seed = 0; seed < 20; seed++) {
            plans.add(flatten(StartPlan.of(counts, seed)));
        }
        assertThat(plans.stream().distinct().count()).as("20 seeds, distinct plans").isGreaterThanOrEqualTo(19);
        // The kinds interleave: not all of line 0 and then all of line 1.
        assertThat(StartPlan.of(counts, 7).runs().size()).isGreaterThan(2);
    }

    @Test
    void theSeedReachesTheGeneratedMain() {
        int[] seed1 = mainCode(ScenarioParser.parse("s.gcs", SCENARIO, 1000, 1));
        assertThat(mainCode(ScenarioParser.parse("s.gcs", SCENARIO, 1000, 1))).isEqualTo(seed1);
        assertThat(mainCode(ScenarioParser.parse("s.gcs", SCENARIO, 1000, 2))).isNotEqualTo(seed1);
        assertThat(ScenarioParser.parse("s.gcs", SCENARIO, 1000, 2).spawned()).isEqualTo(1000);
    }

    private static int[] mainCode(Scenario s) {
        Program p = s.program();
        return p.funcs().get(p.entry()).code();
    }

    private static List<Integer> flatten(StartPlan p) {
        List<Integer> l = new ArrayList<>();
        for (int[] r : p.runs()) {
            l.add(r[0]);
            l.add(r[1]);
        }
        return l;
    }
}
