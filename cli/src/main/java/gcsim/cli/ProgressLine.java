package gcsim.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * One self-overwriting status line on stderr while a run goes ("cycle 2/4
 * mark, 123,456,789 instructions, 2,000 goroutines, 3.2s"). Draws only when
 * enabled (stderr is a terminal: {@code System.console() != null}), at most
 * once per {@link #MIN_INTERVAL_NANOS}, and {@link #clear()} erases it before
 * other output and at the end.
 *
 * <p>Thread safety: all methods are synchronized; engine threads call
 * {@link #update} and the command thread calls {@link #clear()}.
 */
public final class ProgressLine {
    /** At most about ten redraws a second. */
    public static final long MIN_INTERVAL_NANOS = 100_000_000L;
    /** Carriage return then ANSI "erase to end of line". */
    static final String ERASE = "\r\033[K";

    private final PrintStream err;
    private final boolean enabled;
    private final LongSupplier clock;
    private final int cycles;
    private final long startNanos;
    private long lastDrawNanos; // guarded by this
    private boolean drawn; // guarded by this: false -> true on draw, true -> false on clear

    /**
     * @param err     where to draw (stderr)
     * @param enabled whether to draw at all (stderr is a terminal)
     * @param clock   nanoTime source (tests pass a fake)
     * @param cycles  the number of cycles the run will do
     */
    public ProgressLine(PrintStream err, boolean enabled, LongSupplier clock, int cycles) {
        this.err = err;
        this.enabled = enabled;
        this.clock = clock;
        this.cycles = cycles;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos - MIN_INTERVAL_NANOS;
    }

    /** Redraws the line if enabled and the last draw is old enough. Any thread. */
    public synchronized void update(int cyclesDone, String phase, long instructions, long goroutines) {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDrawNanos < MIN_INTERVAL_NANOS) {
            return;
        }
        lastDrawNanos = now;
        err.print(ERASE + "gcsim: cycle " + Math.min(cyclesDone + 1, cycles) + "/" + cycles + " " + phase
                + ", " + Units.count(instructions) + " instructions, "
                + Units.count(goroutines) + " goroutines, " + Units.duration(now - startNanos));
        err.flush();
        drawn = true;
    }

    /** Erases the line if one is drawn, so other output starts on a clean line. Any thread. */
    public synchronized void clear() {
        if (drawn) {
            err.print(ERASE);
            err.flush();
            drawn = false;
        }
    }
}
