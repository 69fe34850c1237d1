package gcsim.goroutines;

import gcsim.heap.GoThrow;

/**
 * Go's {@code print(...); throw(msg)} pair: the diagnostic lines Go prints
 * become the throw's {@code detail}, the throw becomes a {@link GoThrow} whose message is
 * exactly Go's string (grep Go's source for it).
 *
 * <p>Callable from any thread. A throw is fatal to the simulated process: an M
 * that catches one at its top level records it with
 * {@link Sched#fatal(Throwable)} and the runtime stops.
 */
public final class Throw {
    private Throw() {}

    /**
     * The runtime's throw for {@code t}: a throw of the stacks module (which
     * cannot see the heap's {@link GoThrow}) becomes a GoThrow with the same
     * message and print lines; anything else is returned as it is. Used where a
     * throw leaves the runtime (newstack, {@link Sched#fatal}, the command's end
     * of run), so Go's output is printed for every throw, not a Java trace. Any
     * thread.
     */
    public static Throwable translated(Throwable t) {
        if (t instanceof gcsim.stacks.GoThrow s) {
            GoThrow g = new GoThrow(s.getMessage() == null ? "stack overflow" : s.getMessage(),
                    s.runtimePrint().isEmpty() ? null : s.runtimePrint());
            g.setStackTrace(s.getStackTrace());
            return g;
        }
        return t;
    }

    /** Go's {@code throw(msg)}: returns the error for the caller to {@code throw}. */
    static GoThrow fatal(String msg) {
        return new GoThrow(msg);
    }

    /** Go's {@code print(detail); throw(msg)}. */
    static GoThrow fatal(String detail, String msg) {
        return new GoThrow(msg, detail);
    }

    /** Go's {@code hex(v)} as {@code print} formats it. */
    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
