package gcsim.cli.archfixture;

import gcsim.process.archfixture.Embedder;

/** Architecture-test fixture: the command using the process module, as it may. */
public final class Embeds {
    private Embeds() {}

    public static int run() {
        return Embedder.runCycles();
    }
}
