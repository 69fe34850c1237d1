package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import gcsim.process.GoProcess;
import gcsim.process.RunResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadmeExampleTest {
    /** Four goroutines build a 100-node list, walk it checking every value, and start again, for ever. */
    static Program lists() {
        return Program.builder()
                .type(ObjectType.withPointers("node", 2, 0))    // word 0: next (a pointer); word 1: value
                .func("worker", 5, 0).ptrLocals(0, 1)           // slots 0 head, 1 node; 2 i, 3 n, 4 v
                    .label("round").clear(0).constant(2, 0).constant(3, 100)
                    .label("build")                             // push nodes 0..99: head holds 99
                    .newobj(1, "node").storew(1, 1, 2).storep(1, 0, 0).mov(0, 1)
                    .addi(2, 2, 1).jlt(2, 3, "build")
                    .clear(1)
                    .label("check")                             // walk: 99, 98, ..., 0
                    .addi(2, 2, -1).loadw(4, 0, 1).checkeq(4, 2)  // a lost node fails here
                    .loadp(0, 0, 0).jnz(0, "check")
                    .jmp("round").end()
                .func("main", 1, 0)
                    .constant(0, 4).label("spawn").spawn("worker").decjnz(0, "spawn")
                    .block().end()
                .entry("main")
                .build();
    }

    @Test
    void threeCyclesUnderRunningMutatorsLoseNothing() {
        try (GoProcess process = GoProcess.builder().program(lists()).procs(2).checkmark(true).build().start()) {
            // Wait until all four workers exist and have built their first lists.
            assertThat(process.awaitCondition(() -> process.mutator().goroutinesCreated() == 5
                    && process.mutator().allocations() >= 400, Duration.ofSeconds(30))).isTrue();

            List<CycleRecord> cycles = process.runCycles(3);   // forced, while the workers run

            assertThat(cycles).hasSize(3)
                    .allMatch(c -> c.checkmark() == CycleRecord.Checkmark.OK)  // nothing reachable unmarked
                    .allMatch(c -> c.stacksScanned() >= 5);                   // main and the four workers
            RunResult result = process.result();   // the records the JSON report has
            assertThat(result.verification().clean()).isTrue();
            assertThat(result.verdict(false)).isEqualTo(RunResult.OK);
            assertThat(result.fatal()).isNull();
        }
    }
}
