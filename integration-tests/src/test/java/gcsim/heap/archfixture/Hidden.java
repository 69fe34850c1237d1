package gcsim.heap.archfixture;

/** Architecture-test fixture: a heap package the heap module does not export. */
public final class Hidden {
    private Hidden() {}

    public static long secret() {
        return 42;
    }
}
