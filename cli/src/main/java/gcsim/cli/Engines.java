package gcsim.cli;

import java.util.Optional;

/**
 * Where {@code gcsim run} gets its {@link Engine}: a plain factory, no
 * ServiceLoader. Empty until the simulation (heap, stacks, goroutines,
 * gc-mark) is wired in here; {@code run} then says the engine is not built
 * yet and exits with {@link ExitStatus#BAD_INPUT}.
 */
public final class Engines {
    private Engines() {}

    /** The simulation engine for one run, or empty when it is not built yet. */
    public static Optional<Engine> builtIn() {
        return Optional.empty();
    }
}
