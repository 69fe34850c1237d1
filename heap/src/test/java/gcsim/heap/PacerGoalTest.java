package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.heap.internal.PacerHook;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * go1.18's and go1.19's goal and trigger (mgcpacer.go commit; go1.19's heapGoalInternal and
 * trigger), against go1.14's {@code heapMarked * (1 + GOGC/100)} with the fixed 7/8 trigger ratio.
 * The expected values are Go's formulas evaluated by hand.
 */
class PacerGoalTest {
    private static final long MB = 1 << 20;
    private static final long MIN = Heap.defaultHeapMinimum; // GOGC=100

    private static PacerHook.Inputs in18(long stack, long globals, long runway) {
        return new PacerHook.Inputs(stack, globals, runway, false);
    }

    private static PacerHook.Inputs in19(long stack, long globals, long runway) {
        return new PacerHook.Inputs(stack, globals, runway, true);
    }

    @Test
    void go118GoalAddsStacksAndGlobalsTimesGogc() {
        // 10 MB marked, 3 MB of stacks, 1 MB of globals, GOGC=100: 10 + (10+3+1) = 24 MB.
        PacerGoal.GoalAndTrigger gt = PacerGoal.commit(10 * MB, 100, MIN, in18(3 * MB, MB, 0));
        assertThat(gt.goal()).isEqualTo(24 * MB);
        // No runway (consMark 0, as Go's first cycle): the trigger is the goal.
        assertThat(gt.trigger()).isEqualTo(24 * MB);
        // GOGC=50: 10 + 14/2 = 17 MB.
        assertThat(PacerGoal.commit(10 * MB, 50, MIN / 2, in18(3 * MB, MB, 0)).goal()).isEqualTo(17 * MB);
    }

    @Test
    void go118TriggerIsGoalMinusRunwayWithinItsBounds() {
        long hm = 10 * MB;
        long goal = 24 * MB;
        // A runway of 2 MB: trigger 22 MB (between 0.7 and the max of 0.95 and goal - heap minimum).
        assertThat(PacerGoal.commit(hm, 100, MIN, in18(3 * MB, MB, 2 * MB)).trigger()).isEqualTo(22 * MB);
        // A long runway: the lower bound, heapMarked + 0.7 * (goal - heapMarked).
        long lower = (long) (0.7 * (goal - hm)) + hm;
        assertThat(PacerGoal.commit(hm, 100, MIN, in18(3 * MB, MB, 12 * MB)).trigger()).isEqualTo(lower);
        // Beyond the goal, and negative (a negative consMark: Go's uint64 wraps it): the lower bound.
        assertThat(PacerGoal.commit(hm, 100, MIN, in18(3 * MB, MB, 30 * MB)).trigger()).isEqualTo(lower);
        assertThat(PacerGoal.commit(hm, 100, MIN, in18(3 * MB, MB, -1)).trigger()).isEqualTo(lower);
    }

    @Test
    void go118SmallHeapTriggersAtTheHeapMinimumAndPushesTheGoal() {
        PacerGoal.GoalAndTrigger gt = PacerGoal.commit(MB, 100, MIN, in18(MB / 2, 0, 0));
        assertThat(gt.trigger()).isEqualTo(MIN);
        assertThat(gt.goal()).isEqualTo(MIN);
    }

    @Test
    void go119UsesIntegerRatiosAndFloorsTheGoalAtTheHeapMinimum() {
        long hm = 10 * MB;
        // Goal as go1.18's; lower bound (goal-hm)/64*45 + hm; max (goal-hm)/64*61 + hm, or goal - 4 MB.
        PacerGoal.GoalAndTrigger gt = PacerGoal.commit(hm, 100, MIN, in19(3 * MB, MB, 12 * MB));
        assertThat(gt.goal()).isEqualTo(24 * MB);
        assertThat(gt.trigger()).isEqualTo((14 * MB / 64) * 45 + hm);
        // No runway: go1.19's upper bound, 61/64 of the way (go1.18 would trigger at the goal).
        assertThat(PacerGoal.commit(hm, 100, MIN, in19(3 * MB, MB, 0)).trigger()).isEqualTo((14 * MB / 64) * 61 + hm);
        PacerGoal.GoalAndTrigger small = PacerGoal.commit(MB, 100, MIN, in19(MB / 2, 0, 0));
        assertThat(small.goal()).isEqualTo(MIN);
        assertThat(small.trigger()).isEqualTo(((MIN - MB) / 64) * 61 + MB);
    }

    @Test
    void gogcOffHasNoGoalAndNoTrigger() {
        PacerGoal.GoalAndTrigger gt = PacerGoal.commit(10 * MB, -1, Long.MAX_VALUE, in18(MB, MB, 0));
        assertThat(gt.goal()).isEqualTo(Long.MAX_VALUE);
        assertThat(gt.trigger()).isEqualTo(Long.MAX_VALUE);
    }

    /** The heap with the hook: gcinit's heap_marked 0, and endCycle sees heap_live before mark termination resets it. */
    @Test
    void heapUsesTheHookFromItsInstallation() {
        Heap heap = new Heap(HeapConfig.of(1));
        assertThat(heap.stats().heapGoal()).as("go1.14's gcinit").isEqualTo(MIN + MIN / 15); // 4 MB * 16/15
        List<String> calls = new ArrayList<>();
        heap.setPacerHook(new PacerHook() {
            @Override
            public Inputs initial() {
                calls.add("initial");
                return new Inputs(0, 0, 0, false);
            }

            @Override
            public Inputs endCycle(long heapLive, long bytesMarked) {
                calls.add("endCycle " + heapLive + " " + bytesMarked);
                return new Inputs(3 * MB, MB, 0, false);
            }
        });
        assertThat(heap.stats().heapMarked()).isZero();
        assertThat(heap.stats().gcTrigger()).isEqualTo(MIN);
        assertThat(heap.stats().heapGoal()).isEqualTo(MIN);
        heap.setHeapMarked(10 * MB);
        assertThat(calls).containsExactly("initial", "endCycle 0 " + 10 * MB);
        assertThat(heap.stats().heapGoal()).isEqualTo(24 * MB);
        assertThat(heap.stats().heapLive()).isEqualTo(10 * MB);
    }
}
