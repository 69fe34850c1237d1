/**
 * G, M and P, the scheduler, the mutator interpreter, stack-guard
 * preemption and suspendG/resumeG (go1.14's preempt.go, Go commit 3f834114). Uses heap and
 * stacks; declares the hooks gc-mark installs.
 */
module gcsim.goroutines {
    requires static org.checkerframework.checker.qual;
    requires gcsim.base;
    requires gcsim.heap;
    requires gcsim.stacks;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;
    requires HdrHistogram;

    // suspendG/resumeG, the G accessors, GStatus, stop/start the world, shrinkstack,
    // programs and the interpreter, and the GcHooks interface gc-mark implements.
    exports gcsim.goroutines;
    // Runtime operations only the collector may use (a G's self-scan transition).
    exports gcsim.goroutines.internal to gcsim.gcmark;
}
