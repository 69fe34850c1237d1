package gcsim.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code gcsim report}: reads {@code gcsim run --json} and {@code gcsim bench --json} files and
 * writes one self-contained HTML page of charts comparing their configurations (docs/report.md).
 * The picocli command in {@code gcsim.cli} calls {@link #write}; this package does not depend on
 * it.
 */
public final class Report {
    private Report() {}

    /**
     * Reads {@code inputs} and writes the page to {@code output}. Sets {@code java.awt.headless}
     * first: the charts are drawn with AWT, and must never look for a display. Any thread, one
     * call at a time per output file.
     *
     * @param force     compare reports of different scenarios
     * @param generator who wrote the page ("gcsim 0.1.0"), shown on it
     * @return how many configurations the page compares
     * @throws ReportInputException naming the file and the problem: a missing or unreadable file,
     *         not JSON or not a gcsim report, different scenarios without {@code force}, an
     *         output that cannot be written
     */
    public static int write(List<Path> inputs, Path output, boolean force, String generator) {
        System.setProperty("java.awt.headless", "true");
        List<Configuration> configurations = Inputs.read(inputs, force);
        List<String> sources = new ArrayList<>();
        for (Path p : inputs) {
            sources.add(p.toString());
        }
        String page = Html.page(configurations, sources, generator);
        try {
            Files.writeString(output, page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportInputException(output + ": cannot write the report (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        return configurations.size();
    }
}
