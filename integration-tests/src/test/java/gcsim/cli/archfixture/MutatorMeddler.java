package gcsim.cli.archfixture;

import gcsim.goroutines.MutatorSupport;

/** Architecture-test fixture: the cli using the mutator language's door into the runtime. */
public final class MutatorMeddler {
    private MutatorMeddler() {}

    public static String meddle() {
        return MutatorSupport.hex(42);
    }
}
