package gcsim.process;

import gcsim.base.GoThrow;
import gcsim.goroutines.G;
import gcsim.goroutines.Sched;
import gcsim.goroutines.Traceback;

/**
 * A runtime throw reported as Go reports it (panic.go: {@code throw} prints
 * {@code fatal error: msg}; {@code fatalthrow} → {@code dopanic_m} prints the
 * throwing goroutine's traceback, then, since {@code gotraceback} gives
 * {@code all} while {@code m.throwing > 0}, {@code tracebackothers}). The
 * others are bounded as the timeout dump is (at most 100, then a count of the rest).
 *
 * <p>Called by {@link GoProcess} on the controlling thread after the runtime
 * exited and its Ms ended, so no goroutine moves while it reads them; and by
 * the command for a throw that reached it without a runtime. Stateless.
 */
public final class FatalReport {
    /** Go's throw string for a failed {@code checkeq} (Interp). */
    public static final String MUTATOR_CHECK_FAILED = "mutator check failed";
    /** Go's throw string for a read of poisoned memory (Interp's poison check). */
    public static final String USE_OF_FREED_OBJECT = "use of freed object";

    private FatalReport() {}

    /**
     * The report of {@code t}, the throw that ended the run of {@code rt}: the runtime's print
     * lines, {@code fatal error: msg}, a blank line, the throwing goroutine's traceback (when
     * the throw came from an M) and then the others, each after a blank line, as tracebackothers
     * prints them. A throw from a thread that is not an M (the collector, a mark worker) has no
     * goroutine of its own: only the others follow (Go would print the system stack, which the
     * model does not have).
     */
    static RunResult.Fatal of(Throwable t, Sched rt) {
        G gp = rt.fatalError() == t ? rt.fatalGoroutine() : null;
        StringBuilder sb = new StringBuilder(header(t));
        if (gp != null) {
            sb.append('\n').append(Traceback.tracebackThrowing(gp));
        }
        String others = ProcessRun.otherGoroutines(rt, gp);
        if (!others.isEmpty()) {
            sb.append('\n').append(others);
        }
        return new RunResult.Fatal(message(t), gp == null ? null : gp.goid(), sb.toString());
    }

    /**
     * The report of a throw with no runtime to read goroutines from: its print lines and
     * the fatal error line.
     *
     * @param t the throw
     * @return its report, without goroutines
     */
    public static RunResult.Fatal withoutGoroutines(Throwable t) {
        return new RunResult.Fatal(message(t), null, header(t));
    }

    /**
     * The runtime's print lines (Go's print before throw) and {@code fatal error: msg}, each ending
     * in '\n': {@link GoThrow#goOutput}, the one rendering of a throw. A failure that is not a
     * GoThrow (gcsim's own, reported in the JSON) has no print lines.
     */
    private static String header(Throwable t) {
        return t instanceof GoThrow g ? g.goOutput() : GoThrow.goOutput("", message(t));
    }

    /**
     * Go's throw string of {@code t}.
     *
     * @param t a throw
     * @return its message, or its class name when it has none
     */
    public static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getName() : m;
    }
}
