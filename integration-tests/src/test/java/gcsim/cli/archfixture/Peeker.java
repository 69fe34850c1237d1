package gcsim.cli.archfixture;

import gcsim.heap.archfixture.Hidden;

/** Architecture-test fixture: the cli reaching a package the heap does not export. */
public final class Peeker {
    private Peeker() {}

    public static long peek() {
        return Hidden.secret();
    }
}
