package gcsim.heap.archfixture.internal;

import gcsim.heap.archfixture.Hidden;

/**
 * Architecture-test fixture: a GC door (the fixture heap's {@code internal} package) that names a
 * class of the core above it, as the reflective door once did by name.
 */
public final class ReachesIntoTheCore {
    private ReachesIntoTheCore() {}

    public static long peek() {
        return Hidden.secret();
    }
}
