package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import org.junit.jupiter.api.Test;

/**
 * The timeout dump adds the runtime threads' Java stacks only when no goroutine is running: then
 * the runtime, not the program, holds the run up (the dump with running goroutines is checked end
 * to end in the integration tests' FailuresTest).
 */
class TimeoutDumpTest {
    @Test
    void withNoGoroutineRunningTheDumpAddsTheThreadsJavaStacksAsIndentedFrames() {
        Sched rt = new Sched(SchedConfig.of(1));
        try {
            String dump = ProcessRun.timeoutDump(rt);
            assertThat(dump).contains("none running")
                    .contains("SCHED ")
                    .contains("runtime threads (Java stacks, for a bug report):")
                    .contains('"' + Thread.currentThread().getName() + '"')
                    .contains("\tjava.base")
                    .doesNotContain("\tat ");
        } finally {
            rt.shutdown();
        }
    }
}
