/**
 * The platform: the one indirection between the runtime model and the JDK's
 * threads. {@link gcsim.goroutines.platform.Platform#REAL} is the JDK itself;
 * {@link gcsim.goroutines.platform.Platform#deterministic} runs every thread
 * of a simulated process one at a time on a seeded
 * {@link gcsim.goroutines.platform.Baton} and a simulated clock.
 *
 * <p>Direction: this package depends on the JDK only (and checker-qual's
 * annotations). The runtime core ({@code gcsim.goroutines}) and the mutator
 * language ({@code gcsim.goroutines.mutator}) run on it; where the platform
 * needs something from above (the watchdog's progress count), it declares a
 * small interface ({@link gcsim.goroutines.platform.Progress}) the runtime
 * implements. {@code ArchitectureTest} keeps it so.
 */
package gcsim.goroutines.platform;
