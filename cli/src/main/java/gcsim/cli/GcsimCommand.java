package gcsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code gcsim} command: {@code --help}, {@code --version} and
 * the subcommands {@code run}, {@code scenarios}, {@code versions}, {@code hunt}, {@code report} and
 * {@code help}, which {@link Main} attaches.
 */
@Command(
        name = "gcsim",
        mixinStandardHelpOptions = true,
        versionProvider = GcsimCommand.Version.class,
        description = {
            "A runnable model of the Go runtime's goroutine suspension protocol",
            "(suspendG/resumeG, go1.14) and of a GC mark phase that stops and scans",
            "one goroutine at a time.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  gcsim run                      default scenario: gctrace lines, summary",
            "  gcsim run --scenario tight-loops --preempt cooperative --timeout 10",
            "  gcsim run --json --trace t.json   JSON on stdout; open t.json in Perfetto",
            "  gcsim scenarios                the built-in scenarios",
            "  gcsim versions                 the Go versions run --go takes",
            "  gcsim hunt --scenario churn --seeds 1..500   a failing seed and its replay command",
            "  gcsim report a.json b.json -o report.html   charts comparing runs, one HTML page",
        })
final class GcsimCommand implements Runnable {

    /** Injected by picocli before {@link #run()}. */
    @Spec
    private @Nullable CommandSpec spec = null;

    /** {@code gcsim} with no command (or only {@code --}): print the usage. Command thread. */
    @Override
    public void run() {
        CommandSpec s = spec;
        if (s != null) {
            s.commandLine().usage(s.commandLine().getOut());
        }
    }

    /** {@code --version}: this build, what it models, and the JVM running it. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "gcsim " + projectVersion(),
                "models Go go1.14 (commit 3f834114 \"runtime: add general suspendG/resumeG\")",
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name", "unknown VM") + ")",
            };
        }

        /** The Maven project version, filtered into version.properties at build time. */
        static String projectVersion() {
            Properties p = new Properties();
            try (InputStream in = GcsimCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                return "(unknown version)";
            }
            String v = p.getProperty("version", "");
            return v.isEmpty() || v.startsWith("${") ? "(unknown version)" : v;
        }
    }
}
