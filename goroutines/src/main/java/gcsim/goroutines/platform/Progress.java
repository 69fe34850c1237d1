package gcsim.goroutines.platform;

/**
 * What a deterministic platform's watchdog reads to tell a run that gets
 * somewhere from one that only spins: a count that moves whenever the model
 * makes progress. The runtime's {@code EventLog} (package
 * {@code gcsim.goroutines}) implements it with its event count; the platform
 * sees only this interface, so it does not depend on the runtime above it.
 *
 * <p>Read by the baton's holder at each hand-off; implementations must be
 * safe to call from any thread.
 */
@FunctionalInterface
public interface Progress {
    /** The current count; any change since the last read counts as progress. Any thread. */
    long events();
}
