package gcsim.benchmarks.goroutines;

import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Interpreter speed: simulated instructions per second on one M. One
 * invocation runs a whole process (one P) whose main goroutine executes
 * {@link #INSTRUCTIONS} instructions: a loop of scalar arithmetic, a
 * tight inner loop and a call per iteration (with its prologue check).
 * Target: at least 50 million instructions per second per M.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InterpreterBench {
    static final int ITERATIONS = 500_000;
    /** Per iteration: leaf call (CALL, ADDI, RET) + ADD, SUB, CONST, 4x DECJNZ inner + outer DECJNZ = 11. */
    static final int INSTRUCTIONS = ITERATIONS * 11 + 3;

    private static final Program PROGRAM = Program.builder()
            .func("leaf", 1, 1).addi(0, 2, 1).ret(0).end()
            .func("main", 5, 0)
                .constant(0, ITERATIONS).constant(1, 0)
                .label("l").call("leaf", 2, 1).add(1, 1, 2).sub(3, 1, 2)
                .constant(4, 4).label("inner").decjnz(4, "inner")
                .decjnz(0, "l").ret().end()
            .build();

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public long instructions() throws InterruptedException {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        Interp in = new Interp(rt, null, PROGRAM);
        in.start();
        int code = rt.awaitExit(60, TimeUnit.SECONDS);
        if (code != 0 || in.instructions() != INSTRUCTIONS) {
            throw new AssertionError("exit " + code + ", instructions " + in.instructions());
        }
        return in.instructions();
    }
}
