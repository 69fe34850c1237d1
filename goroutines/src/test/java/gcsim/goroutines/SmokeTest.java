package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.ObjectType;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void spawnCallsChannelsAndExit() throws Exception {
        Program p = program(1000);
        Sched rt = new Sched(SchedConfig.of(2));
        Heap heap = new Heap(HeapConfig.of(2));
        Interp in = new Interp(rt, heap, p);
        in.start();
        assertThat(rt.awaitExit(20, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(rt.stats().goroutinesCreated()).isEqualTo(51);
        assertThat(in.allocations()).isEqualTo(50_000);
        System.out.println("instructions " + in.instructions());
    }

    /** 50 goroutines each call, allocate {@code loops} times and send on one channel to main, which receives 50 times. */
    static Program program(int loops) {
        return Program.builder()
                .type(ObjectType.withPointers("node", 3, 0))
                .chan("done", 0, false)
                .func("leaf", 1, 1).addi(0, 2, 1).ret(0).end()
                .func("work", 3, 0).ptrLocals(2)
                    .constant(0, loops)
                    .label("loop").call("leaf", 1, 0).newobj(2, "node").decjnz(0, "loop")
                    .send("done", 1).ret().end()
                .func("main", 2, 0)
                    .constant(0, 50)
                    .label("spawn").spawn("work").decjnz(0, "spawn")
                    .constant(0, 50)
                    .label("wait").recv("done", 1).decjnz(0, "wait")
                    .ret().end()
                .build();
    }
}
