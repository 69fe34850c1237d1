package gcsim.goroutines;

import java.util.Locale;

/**
 * How suspendG waits for a running goroutine to reach a safe point
 * ({@code --suspend}): the one enum for this setting.
 * {@link SchedConfig#suspendWait()} holds it; the command line parses into it
 * and the JSON report echoes its {@link #text()}. Read by every suspendG
 * caller of the {@link Sched} it configures; immutable, so any thread.
 */
public enum SuspendWait {
    /** Go's loop: procyield for 10 µs, then osyield, until the G stops. */
    SPIN,
    /**
     * go1.14's suspendG (3f834114) says "TODO: Don't busy wait"; this is that:
     * a suspender that must wait parks at once until the G's side (a status
     * change, or its M handling the signal) wakes it. Deliberately not Go.
     */
    PARK;

    /** The spelling on the command line and in the JSON ("spin", "park"). */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
