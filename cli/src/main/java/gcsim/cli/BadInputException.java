package gcsim.cli;

/**
 * Bad input from the user: an option out of range, a scenario that does not
 * exist, a malformed scenario file. The command prints exactly one line,
 * {@code gcsim: <message>}, and exits with {@link ExitStatus#BAD_INPUT}; never a
 * stack trace.
 *
 * <p>Thrown by {@link RunConfig}'s validation and by the command; an
 * {@link Engine} throws it too when it finds a scenario file broken (the
 * message then names the file, the line and the problem, for example
 * {@code "examples/x.gcs:12: unknown instruction 'cal'"}: the process module's
 * {@code ScenarioException} message, unchanged).
 */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, without the {@code "gcsim: "} prefix; one line */
    public BadInputException(String message) {
        super(message, null, false, false);
    }

    /** The message, never null (the constructor requires one). */
    @Override
    public String getMessage() {
        String m = super.getMessage();
        return m == null ? "" : m;
    }
}
