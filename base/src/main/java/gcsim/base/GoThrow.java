package gcsim.base;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's {@code throw(msg)}: an unrecoverable failure of the simulated runtime, the one throw type
 * of every runtime module (heap, stacks, goroutines, gc-mark).
 *
 * <p>What it carries, as Go has it (panic.go): {@link #getMessage()} is exactly the string Go
 * passes to {@code throw}, so a user can grep Go's sources for it; what Go {@code print}s just
 * before throwing (newstack's "runtime: goroutine stack exceeds 1000000000-byte limit" before
 * "stack overflow", casgstatus's "runtime: casgstatus: oldval=..." before "bad g transition") is
 * data, {@link #runtimePrint()}, not text written to stderr at the throw: the throw may happen
 * on any thread, and only the boundary that ends the run decides where Go's output goes.
 *
 * <p>The protocol: the thread that detects the failure creates and throws it (Go's throw never
 * returns). It unwinds to the top of that thread: an M records it as the process's fatal error
 * (Go's fatalthrow), the collector's threads hand it to the runtime the same way, and a caller
 * outside the runtime (a test, the command's driver) sees it propagate. The command prints it
 * with {@link #goOutput()} (its {@code FatalReport} adds the goroutine tracebacks dopanic_m
 * prints); nowhere else renders a throw. Being an {@link Error}, it passes through every
 * {@code catch (Exception)} in between, as Go's throw cannot be recovered.
 *
 * <p>Immutable once thrown; any thread may create, throw or read one.
 */
public final class GoThrow extends Error {
    private static final long serialVersionUID = 1L;

    /** What Go prints before the throw, as given (usually newline-terminated lines); "" for none. */
    private final String runtimePrint;

    /** Go's {@code throw(msg)} with nothing printed before it. */
    public GoThrow(String msg) {
        this(msg, null);
    }

    /**
     * Go's {@code print(runtimePrint); throw(msg)}.
     *
     * @param msg          Go's throw string, exactly
     * @param runtimePrint the lines Go prints before it (each usually ending in a newline); null
     *                     or "" when Go prints nothing
     */
    public GoThrow(String msg, @Nullable String runtimePrint) {
        super(msg);
        this.runtimePrint = runtimePrint == null ? "" : runtimePrint;
    }

    /** Go's throw string, never null. */
    @Override
    public String getMessage() {
        String m = super.getMessage();
        return m == null ? "" : m;
    }

    /** The lines Go prints before the throw, exactly as given; "" when Go prints nothing. */
    public String runtimePrint() {
        return runtimePrint;
    }

    /**
     * What Go writes to stderr for this throw before any traceback: the print lines, then
     * {@code fatal error: msg}, each line ending in a newline. See {@link #goOutput(String, String)}.
     */
    public String goOutput() {
        return goOutput(runtimePrint, getMessage());
    }

    /**
     * Go's fatal-error text for a throw of {@code msg} after {@code runtimePrint}: the print
     * lines (trailing white space dropped, then one newline; nothing when they are blank), then
     * {@code fatal error: msg} and a newline. The one place gcsim renders a throw; the command
     * also uses it for a failure that is not a GoThrow (with no print lines). Any thread.
     */
    public static String goOutput(String runtimePrint, String msg) {
        StringBuilder sb = new StringBuilder();
        if (!runtimePrint.isBlank()) {
            sb.append(runtimePrint.stripTrailing()).append('\n');
        }
        return sb.append("fatal error: ").append(msg).append('\n').toString();
    }

    /** Formats {@code v} as Go's {@code print(hex(v))} does: {@code 0x} and lower-case digits. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** {@link #goOutput()} without its final newline (so a Java trace reads as Go's output). */
    @Override
    public String toString() {
        return goOutput().stripTrailing();
    }
}
