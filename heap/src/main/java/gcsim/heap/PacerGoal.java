package gcsim.heap;

import gcsim.base.GoThrow;
import gcsim.heap.internal.PacerHook;

/**
 * go1.18's and go1.19's heap goal and GC trigger (mgcpacer.go: go1.18's {@code commit}; go1.19's
 * {@code commit}, {@code heapGoalInternal} and {@code trigger}). {@link Heap#setHeapMarked} uses
 * these instead of go1.14's fixed trigger ratio when a {@link PacerHook} is installed.
 *
 * <p>Deliberate differences, as in gcsim's go1.14 trigger: no sweep distance
 * ({@code sweepMinHeapDistance} over heap_live while sweeping is not done) and no memory limit
 * (go1.19's GOMEMLIMIT is off). Pure functions; the heap calls them with the world stopped.
 */
final class PacerGoal {
    /** go1.19's triggerRatioDen, minTriggerRatioNum, maxTriggerRatioNum: 45/64 ~ 0.7, 61/64 ~ 0.95. */
    private static final long TRIGGER_RATIO_DEN = 64;
    private static final long MIN_TRIGGER_RATIO_NUM = 45;
    private static final long MAX_TRIGGER_RATIO_NUM = 61;

    private PacerGoal() {}

    /**
     * Go's {@code runway > goal} for {@code runway := uint64(consMark * ...)}: a negative
     * consMark (the PI controller's output may go below 0) gives a negative float, which
     * Go's conversion to uint64 turns into a huge number on amd64 (truncated to int64, then
     * reinterpreted), so it is past the goal and the trigger falls to its lower bound.
     */
    private static boolean pastGoal(long runway, long goal) {
        return runway < 0 || runway > goal;
    }

    /** The goal and the trigger, in that order. */
    record GoalAndTrigger(long goal, long trigger) {}

    /**
     * The goal and trigger after mark termination marked {@code heapMarked} bytes, under GOGC
     * {@code gcpercent} (negative: off) and heap minimum {@code heapminimum}.
     */
    static GoalAndTrigger commit(long heapMarked, int gcpercent, long heapminimum, PacerHook.Inputs in) {
        if (gcpercent < 0) {
            // GOGC=off: goal ^uint64(0), and no heap trigger (as gcsim's go1.14 rule).
            return new GoalAndTrigger(Long.MAX_VALUE, Long.MAX_VALUE);
        }
        // Compute the next GC goal, which is when the allocated heap
        // has grown by GOGC/100 over where it started the last cycle,
        // plus additional runway for non-heap sources of GC work.
        long goal = heapMarked + (heapMarked + in.stackBytes() + in.globalsBytes()) * gcpercent / 100;
        return in.go119() ? trigger19(heapMarked, heapminimum, goal, in.runwayBytes())
                : commit18(heapMarked, heapminimum, goal, in.runwayBytes());
    }

    /** go1.18's commit after the goal. */
    private static GoalAndTrigger commit18(long heapMarked, long heapminimum, long goal, long runway) {
        // Don't trigger below the minimum heap size.
        long minTrigger = heapminimum;
        // If we let the trigger go too low, then if the application
        // is allocating very rapidly we might end up in a situation
        // where we're allocating black during a nearly always-on GC.
        long triggerBound = (long) (0.7 * (goal - heapMarked)) + heapMarked;
        if (minTrigger < triggerBound) {
            minTrigger = triggerBound;
        }
        // For small heaps, set the max trigger point at 95% of the heap goal.
        // This ensures we always have *some* headroom when the GC actually starts.
        // For larger heaps, set the max trigger point at the goal, minus the
        // minimum heap size.
        long maxRunway = (long) (0.95 * (goal - heapMarked));
        if (goal > heapminimum && maxRunway < goal - heapminimum) {
            maxRunway = goal - heapminimum;
        }
        long maxTrigger = maxRunway + heapMarked;
        if (maxTrigger < minTrigger) {
            maxTrigger = minTrigger;
        }
        // Compute the trigger by using our estimate of the cons/mark ratio.
        long trigger = pastGoal(runway, goal) ? minTrigger : goal - runway;
        trigger = Math.min(Math.max(trigger, minTrigger), maxTrigger);
        if (trigger > goal) {
            goal = trigger;
        }
        return new GoalAndTrigger(goal, trigger);
    }

    /** go1.19's commit (gcPercentHeapGoal), heapGoalInternal and trigger after the goal. */
    private static GoalAndTrigger trigger19(long heapMarked, long heapminimum, long goal, long runway) {
        // Apply the minimum heap size here. It's defined in terms of gcPercent
        // and is only updated by functions that call commit.
        if (goal < heapminimum) {
            goal = heapminimum;
        }
        // Invariant: the trigger must always be less than the heap goal.
        if (heapMarked >= goal) {
            return new GoalAndTrigger(goal, goal);
        }
        // heapMarked is our absolute minimum (heapGoalInternal's minTrigger is the sweep
        // distance trigger, not modelled: 0).
        long minTrigger = heapMarked;
        long triggerLowerBound = ((goal - heapMarked) / TRIGGER_RATIO_DEN) * MIN_TRIGGER_RATIO_NUM + heapMarked;
        if (minTrigger < triggerLowerBound) {
            minTrigger = triggerLowerBound;
        }
        // For small heaps, set the max trigger point at maxTriggerRatio of the way
        // from the live heap to the heap goal. ... For larger heaps, set the max trigger
        // point at the goal, minus the minimum heap size.
        long maxTrigger = ((goal - heapMarked) / TRIGGER_RATIO_DEN) * MAX_TRIGGER_RATIO_NUM + heapMarked;
        if (goal > Heap.defaultHeapMinimum && goal - Heap.defaultHeapMinimum > maxTrigger) {
            maxTrigger = goal - Heap.defaultHeapMinimum;
        }
        if (maxTrigger < minTrigger) {
            maxTrigger = minTrigger;
        }
        long trigger = pastGoal(runway, goal) ? minTrigger : goal - runway;
        trigger = Math.min(Math.max(trigger, minTrigger), maxTrigger);
        if (trigger > goal) {
            throw new GoThrow("produced a trigger greater than the heap goal",
                    "trigger=" + trigger + " heapGoal=" + goal + "\nminTrigger=" + minTrigger
                            + " maxTrigger=" + maxTrigger);
        }
        return new GoalAndTrigger(goal, trigger);
    }
}
