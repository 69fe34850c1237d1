package gcsim.gcmark.archfixture;

import gcsim.process.archfixture.Embedder;

/** Architecture-test fixture: a "gc-mark" class that wrongly calls up into the process module. */
public final class ReachesTheProcess {
    private ReachesTheProcess() {}

    public static int cycles() {
        return Embedder.runCycles();
    }
}
