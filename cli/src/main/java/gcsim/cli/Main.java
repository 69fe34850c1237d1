package gcsim.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code gcsim} entry point. {@link #execute} does everything but exit,
 * so tests and other modules can run the command in-process and read its exit
 * status ({@link ExitStatus}).
 *
 * <p>Error discipline: any bad input (an unknown option, a value out of
 * range, a malformed scenario file) prints exactly one line,
 * {@code gcsim: <what is wrong>}, on stderr and returns {@link ExitStatus#BAD_INPUT};
 * never a stack trace.
 */
public final class Main {
    /** Set by the {@code ./gcsim} launcher: "true" when stderr is a terminal (draw the progress line). */
    static final String STDERR_TERMINAL_PROPERTY = "gcsim.stderrIsTerminal";

    private Main() {}

    /** The launcher's entry: runs the command and exits with its status. */
    public static void main(String[] args) {
        int status = execute(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /**
     * Runs the command with the built-in engine. Any thread; the streams
     * stay open afterwards.
     *
     * @return the exit status
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, Engines::builtIn);
    }

    /**
     * Runs the command with the engine from {@code engines} (tests pass a
     * fake). The progress line is drawn only when {@code err} is the
     * process's stderr and that is a terminal.
     *
     * @return the exit status
     */
    public static int execute(String[] args, PrintStream out, PrintStream err, Supplier<Optional<Engine>> engines) {
        boolean terminal = err == System.err && stderrIsTerminal();
        CommandLine cl = commandLine(out, err, engines, terminal);
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /**
     * Whether the process's stderr is a terminal: what the launcher found
     * ({@code [ -t 2 ]}, passed as {@value #STDERR_TERMINAL_PROPERTY}), else
     * {@code System.console() != null}. Java 17 cannot ask about stderr alone;
     * its console test looks at stdin and stdout, so without the launcher
     * {@code gcsim run 2>log} would draw into the log and {@code gcsim run
     * --json >out} would draw nothing.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty(STDERR_TERMINAL_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told.trim());
        }
        return System.console() != null;
    }

    static CommandLine commandLine(PrintStream out, PrintStream err, Supplier<Optional<Engine>> engines,
                                   boolean terminal) {
        CommandLine cl = new CommandLine(new GcsimCommand());
        cl.addSubcommand("run", new RunCommand(out, err, engines, terminal));
        cl.addSubcommand("scenarios", new ScenariosCommand(out));
        cl.addSubcommand("versions", new VersionsCommand(out));
        cl.addSubcommand("hunt", new HuntCommand(out, err, terminal, Hunter.javaCommand()));
        cl.addSubcommand("report", new ReportCommand(out));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        Converters.register(cl);
        cl.setOut(writer(out));
        cl.setErr(writer(err));
        cl.setParameterExceptionHandler((ex, args) -> badInput(err, describe(ex)));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failed(err, ex, parsed));
        return cl;
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), true);
    }

    private static int badInput(PrintStream err, String message) {
        err.println("gcsim: " + oneLine(message));
        err.flush();
        return ExitStatus.BAD_INPUT;
    }

    private static int failed(PrintStream err, Exception ex, ParseResult parsed) {
        if (ex instanceof BadInputException bad) {
            return badInput(err, bad.getMessage());
        }
        // A bug in the command itself, not bad input: say so, with the trace for the report.
        err.println("fatal error: gcsim " + String.join(" ", parsed.originalArgs()) + ": " + ex);
        ex.printStackTrace(err);
        err.flush();
        return ExitStatus.VERIFICATION_FAILED;
    }

    /** One line saying what is wrong with the command line, in gcsim's words. */
    static String describe(ParameterException ex) {
        String help = "see " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help";
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            return unmatched(u, help);
        }
        ArgSpec arg = ex.getArgSpec();
        Throwable cause = ex.getCause();
        if (cause instanceof TypeConversionException && arg instanceof OptionSpec option) {
            return option.longestName() + " " + cause.getMessage();
        }
        String m = ex.getMessage();
        return (m == null || m.isEmpty() ? "bad command line" : Character.toLowerCase(m.charAt(0)) + m.substring(1))
                + " (" + help + ")";
    }

    private static String unmatched(UnmatchedArgumentException u, String help) {
        String arg = u.getUnmatched().get(0);
        List<String> suggestions = u.getSuggestions();
        boolean hasCommands = !u.getCommandLine().getSubcommands().isEmpty();
        if (suggestions.contains(arg)) {
            // A real option that came after "--", where picocli reads only positional arguments.
            return "unexpected argument '" + arg + "' (options after '--' are not read as options; " + help + ")";
        }
        String hint = suggestions.isEmpty() ? "" : "did you mean " + suggestions.get(0) + "? ";
        String what = arg.startsWith("-") ? "unknown option" : hasCommands ? "unknown command" : "unexpected argument";
        return what + " '" + arg + "' (" + hint + help + ")";
    }

    private static String oneLine(String message) {
        String s = message.strip().replace("\r", "").replace("\n", "; ");
        return s.isEmpty() ? "bad input" : s;
    }
}
