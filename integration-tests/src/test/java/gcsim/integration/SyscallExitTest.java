package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A goroutine that waited for a P after its system call (exitsyscall0 queued it) must drop its
 * syscallsp when it runs again, as the rest of Go's exitsyscall does. When it kept it, the
 * syscalls scenario's calls after a system call met "fatal error: shrinkstack at bad time" at a
 * prologue preemption carrying a GC's preemptShrink: 14 of 16 seeds of this very command failed.
 */
class SyscallExitTest {
    @Test
    void callsAfterSlowSyscallExitsSurviveTwoHundredStressCycles() {
        for (String seed : new String[] {"1", "4"}) {
            Cli r = Cli.run("run", "--scenario", "syscalls", "--goroutines", "16", "--procs", "2",
                    "--cycles", "200", "--gc-every", "64", "--preempt", "cooperative",
                    "--stack-scan", "two-phase", "--seed", seed, "--timeout", "120");
            assertThat(r.status()).as("seed %s, stderr:%n%s", seed, r.err()).isZero();
            assertThat(r.err()).doesNotContain("shrinkstack");
            assertThat(r.out()).contains("verification: ok");
        }
    }
}
