package gcsim.cli;

import gcsim.process.RunResult;

/**
 * The boundary between the command and the simulation: heap, stacks,
 * goroutines and the collector live behind it. {@link Engines#builtIn()}
 * supplies the one implementation; tests supply fakes.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@link #run} is called once per engine, on the command's thread; it
 *       starts the scenario, runs {@code config.cycles()} GC cycles and
 *       returns when they are done and the mutators are stopped.
 *   <li>As each cycle's mark termination finishes, it calls
 *       {@link RunListener#cycleFinished} (from any thread; cycles in order).
 *   <li>If {@code config.timeoutSeconds() > 0} and the run has not finished in
 *       that time, it stops by itself and returns a result with
 *       {@link RunResult#timedOut()} set and a goroutine dump naming the
 *       goroutines that never reached a safe point.
 *   <li>A broken scenario file is reported by throwing {@link BadInputException}
 *       whose message names the file, the line and the problem.
 *   <li>A runtime {@code throw} that ended the run is returned as
 *       {@link RunResult#fatal()} (Go's report with the goroutine tracebacks,
 *       and the cycles finished before it); one that propagates instead (an
 *       Error) is printed as {@code fatal error: <message>}. Either way the
 *       command exits with {@link ExitStatus#VERIFICATION_FAILED}, and with
 *       {@code --json} still prints one JSON object with a {@code fatal} key.
 * </ul>
 */
public interface Engine {
    /**
     * Runs the configured scenario to completion (or timeout).
     *
     * @param config   the validated options
     * @param listener receives finished cycles and progress; also carries the trace writer, if any
     * @return what happened; the caller owns it
     */
    RunResult run(RunConfig config, RunListener listener);
}
