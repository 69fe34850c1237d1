package gcsim.stacks;

/**
 * Go's {@code throw(msg)}: a fatal runtime error in the stacks module. The message is
 * exactly Go's string, so users can grep Go's source for it.
 *
 * <p>The stacks module cannot see the heap module, so this is a sibling of
 * {@code gcsim.heap.GoThrow}: the same concept split by the module boundary. Where Go
 * {@code print}s diagnostic lines before throwing (for example newstack's
 * "runtime: goroutine stack exceeds 1000000000-byte limit" before "stack overflow"),
 * those lines travel with the error in {@link #runtimePrint()} instead of going to
 * stderr, and {@link #goOutput()} renders what Go would have printed.
 */
public final class GoThrow extends Error {
    private static final long serialVersionUID = 1L;

    /** What Go prints before the throw, each line ending in a newline; may be empty. */
    private final String runtimePrint;

    /** A throw with no preceding runtime print. */
    public GoThrow(String msg) {
        this(msg, "");
    }

    /** A throw preceded by Go's diagnostic {@code print} lines (newline-terminated). */
    public GoThrow(String msg, String runtimePrint) {
        super(msg);
        this.runtimePrint = runtimePrint;
    }

    /** The lines Go prints before throwing (may be empty). */
    public String runtimePrint() {
        return runtimePrint;
    }

    /** Go's crash text: the runtime print lines then {@code fatal error: <msg>}. */
    public String goOutput() {
        return runtimePrint + "fatal error: " + getMessage() + "\n";
    }

    /** Formats {@code v} as Go's {@code hex(v)} prints it: {@code 0x} and lower-case digits. */
    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
