/**
 * One Go GC cycle: sweep termination, concurrent mark with the go1.14
 * markroot's stop-and-scan stack jobs, mark termination, checkmark, sweep. Implements
 * the hooks that heap and goroutines declare.
 */
module gcsim.gcmark {
    requires static org.checkerframework.checker.qual;
    requires gcsim.base;
    requires gcsim.heap;
    requires gcsim.stacks;
    requires gcsim.goroutines;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;
    requires HdrHistogram;
    requires java.management;

    // The collector, its configuration and its per-cycle records (the CLI reads them).
    exports gcsim.gcmark;
    // The collector's benchmark access (a write barrier outside a cycle), a lower layer of gc-mark.
    // The JMH benchmarks run on the class path; the qualified export keeps every named gcsim
    // module (cli, integration-tests) from using it.
    exports gcsim.gcmark.bench to gcsim.benchmarks;
}
