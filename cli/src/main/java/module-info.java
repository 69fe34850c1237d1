/**
 * The gcsim command line: picocli commands, the validated {@link gcsim.cli.RunConfig},
 * the {@link gcsim.cli.Engine} boundary the simulation (a {@code gcsim.process.GoProcess})
 * plugs into, and the reports (Go's gctrace lines, the summary table, the JSON object, Chrome traces);
 * {@code gcsim.cli.report} (not exported): the HTML page of charts comparing runs, {@code gcsim report};
 * {@code gcsim.cli.json} (not exported): the JSON tree reader both of them share.
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
    // gcsim report: the charts, drawn with AWT (headless) into SVG.
    requires java.desktop;
    // gcsim hunt / bench: a child run gets this JVM's memory and JIT options.
    requires java.management;
    requires org.jfree.jfreechart;
    requires org.jfree.svg;

    exports gcsim.cli;
    // picocli reads and sets the @Option fields reflectively.
    opens gcsim.cli to info.picocli;
}
