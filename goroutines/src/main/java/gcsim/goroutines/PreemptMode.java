package gcsim.goroutines;

import java.util.Locale;

/**
 * How a running goroutine is preempted ({@code --preempt}): the one enum for
 * this setting. {@link SchedConfig#preempt()} holds it; the command line
 * parses into it and the JSON report echoes its {@link #text()}. Read by the
 * suspenders and by the preemption requests of the one {@link Sched} it
 * configures; immutable, so any thread.
 */
public enum PreemptMode {
    /**
     * Go 1.14: a preemption request also "signals" the G's M, which stops the
     * G at any async safe point, also in a tight loop without calls.
     */
    ASYNC,
    /**
     * Before Go 1.14 (GODEBUG=asyncpreemptoff=1): only the stack-guard check
     * in a function prologue stops the G.
     */
    COOPERATIVE;

    /** The spelling on the command line and in the JSON ("async", "cooperative"). */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
