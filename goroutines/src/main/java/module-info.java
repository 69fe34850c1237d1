/**
 * G, M and P, the scheduler, the mutator interpreter, stack-guard
 * preemption and suspendG/resumeG (the seed's preempt.go). Uses heap and
 * stacks; declares the hooks gc-mark installs.
 */
module gcsim.goroutines {
    requires static org.checkerframework.checker.qual;
    requires gcsim.heap;
    requires gcsim.stacks;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;
    requires HdrHistogram;

    // Everything gc-mark and the CLI use is in the public package: suspendG/resumeG,
    // the G accessors, GStatus, stop/start the world, shrinkstack and the GcHooks
    // interface gc-mark implements. No package is meant for gc-mark alone yet.
    exports gcsim.goroutines;
}
