package gcsim.goroutines;

/**
 * The code a G runs: the M calls {@link #run} with the G in _Grunning and its
 * own P, and the code runs until the G must leave the M, returning why. The M
 * then does what Go does after {@code mcall}: {@link #PARK} → park_m,
 * {@link #GOSCHED} → gosched_m, {@link #MORESTACK} → newstack (which may resume
 * the G at once), {@link #EXIT} → goexit0 (or program exit for main),
 * {@link #GOEXIT} → goexit0 even for main (runtime.Goexit),
 * {@link #EXITSYSCALL0} → exitsyscall0, {@link #PREEMPT_ASYNC} → asyncPreempt2.
 *
 * <p>All execution state is in the G (saved pc/sp and the stack): {@code run}
 * must save it before returning and must not keep state elsewhere, so any M
 * can continue the G. Implementations: the program {@link gcsim.goroutines.mutator.Interp interpreter};
 * tests may supply their own.
 */
@FunctionalInterface
public interface GoCode {
    /** gopark: the code prepared the wait (see {@link M#gopark}); park_m follows. */
    int PARK = 1;
    /** Gosched: goschedImpl, the G goes to the global run queue. */
    int GOSCHED = 2;
    /** A prologue check failed (sp below stackguard0): morestack → newstack. */
    int MORESTACK = 3;
    /** The outermost function returned: goexit1 (for main: the program exits). */
    int EXIT = 4;
    /** runtime.Goexit: goexit0 even for the main goroutine. */
    int GOEXIT = 5;
    /** exitsyscall found no P: exitsyscall0. */
    int EXITSYSCALL0 = 6;
    /** An asynchronous preemption was injected at a safe point: asyncPreempt2. */
    int PREEMPT_ASYNC = 7;

    /**
     * Runs gp on mp until it must yield; called by mp's thread only, with gp
     * running on mp. Returns one of the reasons above.
     */
    int run(M mp, G gp);
}
