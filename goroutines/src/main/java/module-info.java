/**
 * G, M and P, the scheduler, the mutator interpreter, stack-guard
 * preemption and suspendG/resumeG (go1.14's preempt.go, Go commit 3f834114). Uses heap and
 * stacks; declares the hooks gc-mark installs.
 */
module gcsim.goroutines {
    requires static org.checkerframework.checker.qual;
    requires gcsim.heap;
    requires gcsim.stacks;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;
    requires HdrHistogram;

    // suspendG/resumeG, the G accessors, GStatus, stop/start the world,
    // programs and the interpreter, and the GcHooks interface gc-mark implements.
    exports gcsim.goroutines;
    // Runtime operations only the collector may use: GcSupport (per runtime: the GC cycle
    // counting as an M, a collector throw, markrootFreeGStacks) and GcGoroutine (per G: the
    // stack-scan handshake, gcscandone, the assist credit, requestSelfScan, shrinkstack, the
    // collector's G waiting). A lower layer: it imports nothing from gcsim.goroutines, which
    // implements it and hands it out (Sched.gcSupport(), G.gc()), so the two packages form no
    // cycle; see GcSupport.
    exports gcsim.goroutines.internal to gcsim.gcmark;
}
