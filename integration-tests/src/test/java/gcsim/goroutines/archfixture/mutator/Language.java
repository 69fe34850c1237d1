package gcsim.goroutines.archfixture.mutator;

import gcsim.goroutines.archfixture.Core;

/** Architecture-test fixture: the "mutator language", rightly using the core (and closing the fixture's cycle). */
public final class Language {
    private Language() {}

    public static int opcodes() {
        return Core.status() + 26;
    }
}
