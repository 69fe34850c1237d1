package gcsim.goroutines.archfixture;

import gcsim.goroutines.archfixture.mutator.Language;

/**
 * Architecture-test fixture: a "runtime core" class (the root package of the
 * fixture's goroutines layout) that wrongly uses the mutator language above it,
 * which uses the core back: a package cycle and a downward-pointing arrow.
 */
public final class Core {
    private Core() {}

    public static int run() {
        return Language.opcodes();
    }

    public static int status() {
        return 1;
    }
}
