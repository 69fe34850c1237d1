package gcsim.gcmark.archfixture;

/** Architecture-test fixture: the target of an upward dependency. */
public final class Collector {
    private Collector() {}

    public static int cycles() {
        return 1;
    }
}
