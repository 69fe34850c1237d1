package gcsim.process.scenario;

/**
 * A scenario that cannot run: a file that cannot be read or decoded, a
 * statement the parser rejects, a program the checker rejects (mapped back
 * to the instruction's line), or a program that ended or deadlocked before
 * the cycles asked for. The command prints {@link #getMessage()} as its one
 * line {@code gcsim: <message>} and exits with status 2; an embedding test
 * can read the parts.
 *
 * <p>Immutable; carries no stack trace (it reports bad input, not a bug).
 */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The name the scenario goes by (a path, or a built-in scenario's file name). */
    private final String file;
    /** The 1-based line the problem is on; 0 when it is about the whole scenario. */
    private final int line;
    /** What is wrong, one line, without the file and line. */
    private final String problem;

    /**
     * A problem on one line of a scenario.
     *
     * @param file    the scenario's name, as errors show it
     * @param line    the 1-based line; 0 when the problem is about the whole scenario
     * @param problem what is wrong, one line
     */
    public ScenarioException(String file, int line, String problem) {
        super(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem, null, false, false);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /**
     * A problem about the whole scenario, not one of its lines.
     *
     * @param file    the scenario's name, as errors show it
     * @param problem what is wrong, one line
     */
    public ScenarioException(String file, String problem) {
        this(file, 0, problem);
    }

    /**
     * The scenario's name, as errors show it.
     *
     * @return a path as the user gave it, or a built-in scenario's file name
     */
    public String file() {
        return file;
    }

    /**
     * Where the problem is.
     *
     * @return the 1-based line, or 0 when the problem is about the whole scenario
     */
    public int line() {
        return line;
    }

    /**
     * What is wrong, without the file and the line.
     *
     * @return one line
     */
    public String problem() {
        return problem;
    }

    /**
     * The one-line message: {@code file:line: problem}, or {@code file: problem} when the
     * problem is about the whole scenario.
     *
     * @return the message, never null
     */
    @Override
    public String getMessage() {
        String m = super.getMessage();
        return m == null ? "" : m;
    }
}
