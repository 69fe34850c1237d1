package gcsim.heap.archfixture;

import gcsim.gcmark.archfixture.Collector;

/** Architecture-test fixture: a "heap" class that wrongly calls up into gc-mark. */
public final class ReachesUpward {
    private ReachesUpward() {}

    public static int collect() {
        return Collector.cycles();
    }
}
