package gcsim.cli;

import gcsim.process.RunResult;

/**
 * The exit statuses of {@code gcsim}, part of the command-line contract in
 * DESIGN.md: scripts and the integration tests outside this repository test them.
 */
public final class ExitStatus {
    /**
     * The run finished and every verification was clean; also a run with pieces broken on
     * purpose ({@code --break}) that no oracle caught (verdict "not caught").
     */
    public static final int OK = 0;
    /** A checkmark failure, a lost object, a use after free, a failed mutator check, or a runtime throw. */
    public static final int VERIFICATION_FAILED = 1;
    /** Bad input: an unknown or out-of-range option, a malformed scenario file. */
    public static final int BAD_INPUT = 2;
    /** {@code --timeout} expired; a goroutine dump went to stderr. */
    public static final int TIMEOUT = 3;

    private ExitStatus() {}

    /**
     * The exit status of a run: a failed verification or a fatal error (1) outranks a timeout (3),
     * because a broken invariant is the more important news. A run with broken pieces that no
     * oracle caught exits 0: the run itself was fine.
     */
    public static int of(RunResult result) {
        if (result.verificationFailed()) {
            return VERIFICATION_FAILED;
        }
        return result.timedOut() || result.stuck() ? TIMEOUT : OK;
    }
}
