/**
 * The floor under every runtime module: Go's {@code throw} ({@link gcsim.base.GoThrow}), the one
 * fatal-error type the heap, the stacks, the scheduler and the collector raise. Depends on no
 * other gcsim module and on nothing but the JDK (checker-qual's annotations only at compile time).
 */
module gcsim.base {
    requires static org.checkerframework.checker.qual;

    exports gcsim.base;
}
