package gcsim.process.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order in which a scenario's generated {@code main} starts its
 * goroutines, drawn from {@code --seed}: each {@code go} line's goroutines
 * are cut into at most {@link #MAX_PIECES} runs of seeded lengths, and the
 * runs of all lines are shuffled. So the seed decides which kinds of
 * goroutine start early (and hold the first Gs, the first stacks and the
 * first heap spans) and how the kinds interleave, while every line still
 * starts exactly its count.
 *
 * <p>What is reproducible: the plan, and so the program {@code main} runs,
 * is a pure function of the counts and the seed. What is not: with real
 * threads, when each M runs what it is handed is up to the OS scheduler.
 *
 * <p>Immutable; any thread.
 *
 * @param runs the runs in start order: {@code runs[i][0]} is the go line's
 *             index, {@code runs[i][1]} how many goroutines of it start in a row
 */
record StartPlan(List<int[]> runs) {
    /** At most this many runs per go line: keeps main small for a million goroutines. */
    static final int MAX_PIECES = 16;

    /** The plan for go lines starting {@code counts[i]} goroutines each, shuffled by {@code seed}. */
    static StartPlan of(int[] counts, long seed) {
        Random rnd = new Random(seed);
        List<int[]> runs = new ArrayList<>();
        for (int line = 0; line < counts.length; line++) {
            int left = counts[line];
            int pieces = Math.min(left, MAX_PIECES);
            for (int p = pieces; p > 0; p--) {
                // Leave at least one goroutine for each piece still to come.
                int n = p == 1 ? left : 1 + rnd.nextInt(left - p + 1);
                runs.add(new int[] {line, n});
                left -= n;
            }
        }
        Collections.shuffle(runs, rnd);
        return new StartPlan(List.copyOf(runs));
    }

    /** Goroutines the plan starts for go line {@code line}. */
    int started(int line) {
        int n = 0;
        for (int[] r : runs) {
            if (r[0] == line) {
                n += r[1];
            }
        }
        return n;
    }
}
