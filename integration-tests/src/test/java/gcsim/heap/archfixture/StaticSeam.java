package gcsim.heap.archfixture;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Architecture-test fixture: a test seam kept the old way, as a static field every
 * test in the JVM shares. {@code ArchitectureTest} shows its rule rejects it.
 */
public final class StaticSeam {
    static volatile @Nullable Runnable hookForTest;

    private StaticSeam() {}

    /** Runs the seam if one is set. */
    public static void site() {
        Runnable hook = hookForTest;
        if (hook != null) {
            hook.run();
        }
    }
}
