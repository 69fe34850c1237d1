/**
 * The gcsim command line: picocli commands, the validated {@link gcsim.cli.RunConfig},
 * the {@link gcsim.cli.Engine} boundary the simulation (a {@code gcsim.process.GoProcess})
 * plugs into, and the reports (Go's gctrace lines, the summary table, the JSON object, Chrome traces).
 */
module gcsim.cli {
    requires static org.checkerframework.checker.qual;
    requires gcsim.base;
    requires gcsim.gcmark;
    requires gcsim.goroutines;
    requires gcsim.heap;
    requires gcsim.process;
    requires info.picocli;
    requires com.fasterxml.jackson.core;

    exports gcsim.cli;
    // picocli reads and sets the @Option fields reflectively.
    opens gcsim.cli to info.picocli;
}
