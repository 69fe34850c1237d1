package gcsim.goroutines.archfixture.internal;

import gcsim.goroutines.archfixture.Core;

/** Architecture-test fixture: a "GC door" class that reaches up into the runtime core it lies under. */
public final class Door {
    private Door() {}

    public static int peek() {
        return Core.status();
    }
}
