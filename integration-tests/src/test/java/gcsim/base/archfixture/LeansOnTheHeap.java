package gcsim.base.archfixture;

import gcsim.heap.archfixture.Hidden;

/** Architecture-test fixture: a "base" class that wrongly uses a module above it (the heap). */
public final class LeansOnTheHeap {
    private LeansOnTheHeap() {}

    public static long peek() {
        return Hidden.secret();
    }
}
