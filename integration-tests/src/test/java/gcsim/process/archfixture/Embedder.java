package gcsim.process.archfixture;

/** Architecture-test fixture: the embedding API's stand-in, a target gc-mark must not use. */
public final class Embedder {
    private Embedder() {}

    public static int runCycles() {
        return 1;
    }
}
