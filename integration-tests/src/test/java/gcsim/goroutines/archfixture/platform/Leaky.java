package gcsim.goroutines.archfixture.platform;

import gcsim.goroutines.archfixture.Core;

/** Architecture-test fixture: a "platform" class that reaches up into the runtime core. */
public final class Leaky {
    private Leaky() {}

    public static int peek() {
        return Core.status();
    }
}
