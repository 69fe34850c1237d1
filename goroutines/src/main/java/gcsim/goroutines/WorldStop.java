package gcsim.goroutines;

/**
 * The timing of one stop of the world, as HotSpot's safepoint log gives it (not a Go structure:
 * Go keeps only work.pauseNS). Times are {@code Platform.nanoTime()} values.
 *
 * <p>{@code requestNanos} is when stopTheWorldWithSema began (worldsema held), {@code
 * stoppedNanos} when it saw every P in _Pgcstop, {@code restartNanos} when startTheWorldWithSema
 * began and {@code restartedNanos} when it had handed every P with work to an M: Go's {@code
 * startTime}, taken "before doing clean-up tasks", so the extra {@code wakep} after it is not
 * in the pause, as in Go's pauseNS. {@code lastP} is the P that stopped last
 * (the one whose stop took {@code stopwait} to zero, or the stopper's last own take of an idle or
 * syscall P) and {@code lastM} the M it stopped on ({@code -1}: the stopper, not an M). Made once
 * per stop by startTheWorldWithSema; returned to the stopper by {@link Sched#startTheWorld}.
 */
public record WorldStop(long requestNanos, long stoppedNanos, long restartNanos, long restartedNanos, int lastP,
        long lastM) {
    /** Request until every P stopped. */
    public long timeToStopNanos() {
        return stoppedNanos - requestNanos;
    }

    /** Every P stopped until startTheWorld began: the stopper's work. */
    public long stoppedWorkNanos() {
        return restartNanos - stoppedNanos;
    }

    /** startTheWorldWithSema's own time, up to Go's startTime (see above). */
    public long timeToRestartNanos() {
        return restartedNanos - restartNanos;
    }
}
