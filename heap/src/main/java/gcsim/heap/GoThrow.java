package gcsim.heap;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's {@code throw(msg)}: an unrecoverable runtime failure. {@link #getMessage()} is exactly the
 * string Go passes to {@code throw}, so a user can grep Go's sources for it; what Go prints just
 * before throwing (its {@code print(...)} lines) is kept apart in {@link #detail()}.
 *
 * <p>The stacks module cannot see this module, so it declares its own
 * {@code gcsim.stacks.GoThrow}: the same concept split by the module boundary. The goroutines and
 * gc-mark modules throw this class for their own throws.
 */
public class GoThrow extends Error {
    private static final long serialVersionUID = 1L;

    private final @Nullable String detail;

    /** A throw with Go's message and nothing printed before it. */
    public GoThrow(String msg) {
        this(msg, null);
    }

    /** A throw with Go's message and the lines Go prints before it (may be null). */
    public GoThrow(String msg, @Nullable String detail) {
        super(msg);
        this.detail = detail;
    }

    /** What Go prints before the throw ("runtime: pointer 0x... to unallocated span ..."), or null. */
    public @Nullable String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return detail == null
                ? "fatal error: " + getMessage()
                : detail + "\nfatal error: " + getMessage();
    }
}
