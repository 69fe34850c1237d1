/**
 * G, M and P, the scheduler, the mutator interpreter, stack-guard
 * preemption and suspendG/resumeG (go1.14's preempt.go, Go commit 3f834114). Uses heap and
 * stacks; declares the hooks gc-mark installs.
 *
 * <p>Packages, bottom up (ArchitectureTest keeps the arrows pointing one way):
 * {@code gcsim.goroutines.platform} (the JDK or the deterministic baton; depends on the JDK
 * only) &lt;- {@code gcsim.goroutines} (the runtime core) &lt;- {@code gcsim.goroutines.mutator}
 * (the mutator language: Op, Program, Checker, Interp; talks to the core through
 * {@code MutatorSupport} only). {@code gcsim.goroutines.internal} is the collector's door: a
 * lower layer of the core (JDK types only; the core implements it), so core -> internal only.
 */
module gcsim.goroutines {
    requires static org.checkerframework.checker.qual;
    requires gcsim.base;
    requires gcsim.heap;
    requires gcsim.stacks;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;
    requires HdrHistogram;

    // suspendG/resumeG, the G accessors, GStatus, stop/start the world,
    // and the GcHooks interface gc-mark implements.
    exports gcsim.goroutines;
    // The platform a runtime runs on (Platform.REAL, Platform.deterministic, the Baton):
    // chosen by whoever builds a runtime (the command, tests, embedders), and used by the
    // collector's own threads (gc-mark); public API, so exported to everyone.
    exports gcsim.goroutines.platform;
    // The mutator language: programs built in Java (Program, Op) and the interpreter that
    // runs them (Interp); whoever writes or parses a workload uses it, so exported to everyone.
    exports gcsim.goroutines.mutator;
    // Runtime operations only the collector may use: GcSupport (per runtime: the GC cycle
    // counting as an M, a collector throw, forEachP, markrootFreeGStacks) and GcGoroutine (per G: the
    // stack-scan handshake, gcscandone, the assist credit, requestSelfScan, shrinkstack, the
    // collector's G waiting). A lower layer: it imports nothing from gcsim.goroutines, which
    // implements it and hands it out (Sched.gcSupport(), G.gc()), so the two packages form no
    // cycle; see GcSupport.
    exports gcsim.goroutines.internal to gcsim.gcmark;
}
