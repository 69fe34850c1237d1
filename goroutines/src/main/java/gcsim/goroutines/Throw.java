package gcsim.goroutines;

import gcsim.base.GoThrow;

/**
 * Go's {@code print(...); throw(msg)} pair, spelled as Go's source spells it (the print lines
 * first): the diagnostic lines become the throw's {@link GoThrow#runtimePrint()}, the message is
 * exactly Go's string (grep Go's source for it). Only a shorthand: the throw type is
 * {@link GoThrow}, the same one the heap, the stacks and the collector throw, so a throw needs no
 * translation on its way out of the runtime.
 *
 * <p>Callable from any thread. A throw is fatal to the simulated process: an M
 * that catches one at its top level records it with
 * {@link ProcessExit#fatal(Throwable)} and the runtime stops.
 */
public final class Throw {
    private Throw() {}

    /** Go's {@code throw(msg)}: returns the error for the caller to {@code throw}. */
    static GoThrow fatal(String msg) {
        return new GoThrow(msg);
    }

    /** Go's {@code print(detail); throw(msg)}. */
    static GoThrow fatal(String detail, String msg) {
        return new GoThrow(msg, detail);
    }

    /** Go's {@code hex(v)} as {@code print} formats it ({@link GoThrow#hex}). */
    static String hex(long v) {
        return GoThrow.hex(v);
    }
}
