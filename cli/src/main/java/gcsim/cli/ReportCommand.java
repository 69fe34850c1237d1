package gcsim.cli;

import gcsim.cli.report.Report;
import gcsim.cli.report.ReportInputException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gcsim report}: one self-contained HTML page of charts (pauses, suspendG latency, mark
 * time, heap) comparing the configurations in {@code gcsim run --json} and {@code gcsim bench
 * --json} files. The page is built by {@link gcsim.cli.report.Report}; this class is the
 * command line around it (docs/report.md).
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = GcsimCommand.Version.class,
        sortOptions = false,
        description = {
            "Writes one self-contained HTML page (charts as inline SVG, nothing fetched)",
            "comparing the runs in gcsim run --json files (one configuration each) and",
            "gcsim bench --json files (one configuration per cell): the settings and",
            "verdicts, pauses per cycle, suspendG latency, mark time, heap live and goal.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  gcsim run --json > a.json; gcsim run --preempt cooperative --json > c.json",
            "  gcsim report a.json c.json -o report.html",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the page was written",
            "2:bad input (a missing file, not a gcsim report, different scenarios without --force)",
        })
final class ReportCommand implements Callable<Integer> {
    private final PrintStream out;

    @Parameters(paramLabel = "FILE.json", arity = "1..*",
            description = "gcsim run --json or gcsim bench --json files")
    private List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.html", required = true,
            description = "the page to write (replaced if it exists)")
    private Path output = Path.of("report.html");

    @Option(names = "--force", description = "compare reports of different scenarios")
    private boolean force;

    ReportCommand(PrintStream out) {
        this.out = out;
    }

    /** Reads the inputs, writes the page, and says so on stdout. Command thread. */
    @Override
    public Integer call() {
        try {
            int n = Report.write(inputs, output, force, "gcsim " + GcsimCommand.Version.projectVersion());
            out.println("wrote " + output + ": " + n + (n == 1 ? " configuration" : " configurations"));
            out.flush();
            return ExitStatus.OK;
        } catch (ReportInputException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
