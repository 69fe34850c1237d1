package gcsim.cli.report;

/**
 * Bad input to {@code gcsim report}: a missing or unreadable file, a file that is not JSON or
 * not a gcsim report, reports of different scenarios compared without {@code --force}. The
 * message is one line naming the file and the problem; the command prints it as
 * {@code gcsim: <message>} and exits 2, without a stack trace.
 */
public final class ReportInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file; one line */
    public ReportInputException(String message) {
        super(message, null, false, false);
    }

    /** The message, never null (the constructor requires one). */
    @Override
    public String getMessage() {
        String m = super.getMessage();
        return m == null ? "" : m;
    }
}
