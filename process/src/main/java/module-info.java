/**
 * The embedding API: {@link gcsim.process.GoProcess} builds one simulated Go
 * process (the scheduler, the heap, the mutator interpreter, the collector and
 * the program's channels as roots, wired in the one order that works), starts
 * it, runs GC cycles, waits, takes a goroutine dump and closes it; from a
 * {@link gcsim.goroutines.mutator.Program} built in Java or a scenario file read by
 * {@link gcsim.process.scenario.ScenarioParser}. The command line, the
 * integration tests and the benchmarks all run their processes through it.
 */
module gcsim.process {
    requires static org.checkerframework.checker.qual;
    requires transitive gcsim.base;
    requires transitive gcsim.gcmark;
    requires transitive gcsim.goroutines;
    requires transitive gcsim.heap;

    exports gcsim.process;
    exports gcsim.process.scenario;
}
