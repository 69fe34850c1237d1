package gcsim.cli;

import java.util.Optional;

/**
 * Where {@code gcsim run} gets its {@link Engine}: a plain factory, no
 * ServiceLoader. The built-in engine is {@link SimEngine}: a
 * {@code gcsim.process.GoProcess} running a scenario file.
 */
public final class Engines {
    private Engines() {}

    /** The simulation engine for one run, never empty (the Optional lets tests stand in a missing engine). */
    public static Optional<Engine> builtIn() {
        return Optional.of(new SimEngine());
    }
}
