package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.RuntimeEvents;
import gcsim.goroutines.mutator.Program;
import gcsim.process.scenario.BuiltinScenario;
import gcsim.process.scenario.ScenarioException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedding API's own contract: the lifecycle (build, start, cycles, dump, close), the
 * command's run with its records and its deterministic replay, and what it refuses.
 */
@Timeout(120)
class GoProcessTest {
    /** main parks two goroutines on a channel that nobody sends on, then sleeps for ever. */
    private static Program parked() {
        return Program.builder()
                .chan("never", 0, false)
                .func("wait", 1, 0).recv("never", 0).ret().end()
                .func("main", 0, 0).spawn("wait").spawn("wait").label("s").sleep(1000).jmp("s").end()
                .entry("main")
                .build();
    }

    @Test
    void forcedCyclesThenADumpThenClose() {
        List<CycleRecord> heard = new CopyOnWriteArrayList<>();
        GoProcess p = GoProcess.builder().program(parked()).procs(2).workers(1)
                .observer(new RunObserver() {
                    @Override
                    public void cycleFinished(CycleRecord cycle) {
                        heard.add(cycle);
                    }
                })
                .build().start();
        try {
            assertThat(p.awaitCondition(() -> p.mutator().goroutinesCreated() == 3, Duration.ofSeconds(30))).isTrue();
            List<CycleRecord> rs = p.runCycles(2);
            assertThat(rs).extracting(CycleRecord::n).containsExactly(1, 2);
            assertThat(heard).containsExactlyElementsOf(rs);
            assertThat(p.cycles()).containsExactlyElementsOf(rs);
            RunResult r = p.result();
            assertThat(r.cycles()).containsExactlyElementsOf(rs);
            assertThat(r.verdict(false)).isEqualTo(RunResult.OK);
            assertThat(r.mutator().goroutinesCreated()).isEqualTo(3);
            assertThat(p.goroutineDump()).contains("goroutine 1 [").contains("[chan receive]:");
        } finally {
            p.close();
        }
        p.close(); // idempotent
        assertThatThrownBy(p::runCycle).isInstanceOf(IllegalStateException.class).hasMessage("closed");
    }

    @Test
    void aBuiltProcessDoesNothingUntilStarted() {
        try (GoProcess p = GoProcess.builder().program(parked()).procs(1).build()) {
            assertThatThrownBy(p::runCycle).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not started");
            assertThat(p.mutator().goroutinesCreated()).isZero();
            assertThat(p.heap()).isNotNull();
            assertThat(p.name()).isEqualTo("program");
        }
    }

    /** The command's run through the API: the same seed replays the same interleaving, digest and all. */
    @Test
    void aDeterministicRunReplaysItsDigest() {
        GoProcessBuilder b = GoProcess.builder().scenario(BuiltinScenario.DEEP_STACKS).goroutines(50).procs(2)
                .seed(3).deterministic(true);
        RunResult first = b.build().run(2, Duration.ofSeconds(60));
        RunResult again = b.build().run(2, Duration.ofSeconds(60));
        assertThat(first.cycles()).hasSize(2);
        assertThat(first.verdict(false)).isEqualTo(RunResult.OK);
        RunResult.Determinism d = first.determinism();
        assertThat(d).isNotNull();
        assertThat(d.seed()).isEqualTo(3);
        assertThat(d.stuck()).isNull();
        assertThat(again.determinism()).isNotNull();
        assertThat(again.determinism().digest()).isEqualTo(d.digest());
        assertThat(again.determinism().events()).isEqualTo(d.events());
    }

    @Test
    void aDeterministicProcessRunsOnlyInsideRun() {
        try (GoProcess p = GoProcess.builder().program(parked()).procs(1).deterministic(true).build()) {
            assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only inside run()");
        }
    }

    @Test
    void aScenarioWhoseProgramEndsEarlyIsBadInputNamingIt() {
        String text = "func main()\n  ret\nend\n";
        GoProcess p = GoProcess.builder().scenarioText("short.gcs", text).procs(1).build();
        assertThatThrownBy(() -> p.run(3, Duration.ofSeconds(60)))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.file()).isEqualTo("short.gcs");
                    assertThat(e.line()).isZero();
                    assertThat(e.getMessage()).startsWith("short.gcs: the program ended after 0 of 3 cycles");
                });
    }

    @Test
    void aBrokenScenarioIsRejectedWithItsLine() {
        assertThatThrownBy(() -> GoProcess.builder().scenarioText("bad.gcs", "type node 2\nfrob\n").build())
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("bad.gcs:2: unknown statement 'frob'");
                });
    }

    @Test
    void theBuilderRefusesWhatCannotRun() {
        assertThatThrownBy(() -> GoProcess.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no program or scenario");
        assertThatThrownBy(() -> GoProcess.builder().program(parked()).procs(2).workers(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
        assertThatThrownBy(() -> GoProcess.builder().program(parked()).procs(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("procs");
        assertThatThrownBy(() -> GoProcess.builder().program(parked()).deterministic(true)
                .runtimeEvents(start -> new RuntimeEvents() {}).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("deterministic");
    }
}
