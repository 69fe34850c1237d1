package gcsim.goroutines.mutator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.mutator.Program.MalformedProgramException;
import gcsim.heap.ObjectType;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The checker rejects malformed programs with a message naming function, instruction and problem. */
class CheckerTest {
    private static Program.Builder base() {
        return Program.builder()
                .type(ObjectType.withPointers("t", 2, 0))
                .chan("c", 0, false)
                .chan("pc", 1, true)
                .func("leaf", 1, 1).ptrArgs(0).ret().end()
                .func("ns", 1, 0).nosplit().ret().end();
    }

    private static void rejects(Consumer<Program.FuncBuilder> body, String msg) {
        Program.FuncBuilder f = base().func("main", 3, 0).ptrLocals(0);
        body.accept(f);
        assertThatThrownBy(() -> f.end().build()).isInstanceOf(MalformedProgramException.class)
                .hasMessageContaining(msg);
    }

    @Test
    void wellFormedProgramPasses() {
        assertThatCode(() -> base().func("main", 3, 0).ptrLocals(0)
                .newobj(0, "t").call("leaf", -1, 0).send("pc", 0).ret().end().build()).doesNotThrowAnyException();
    }

    /** Nonsense at run time is rejected before the run: a DECJNZ loop that would count down through zero. */
    @Test
    void rejectsANegativeOrZeroLoopCount() {
        rejects(f -> f.constant(1, -3).label("l").decjnz(1, "l").ret(),
                "(CONST): loop count -3 in slot 1 is not positive");
        rejects(f -> f.constant(1, 0).label("l").decjnz(1, "l").ret(), "loop count 0 in slot 1 is not positive");
        assertThatCode(() -> base().func("main", 3, 0).ptrLocals(0)
                .constant(1, 5).label("l").decjnz(1, "l").constant(2, -1).ret().end().build())
                .as("a negative constant in a slot that is no loop counter is fine").doesNotThrowAnyException();
    }

    @Test
    void rejectsMalformedPrograms() {
        rejects(f -> f.newobj(1, "t").ret(), "program: function main: instruction at 0 (NEW): slot 1 is not a pointer slot");
        rejects(f -> f.constant(0, 1).ret(), "(CONST): slot 0 is a pointer slot, not a scalar");
        rejects(f -> f.mov(0, 1).ret(), "moves between a pointer slot and a scalar slot");
        rejects(f -> f.clear(3).ret(), "slot 3 is outside the frame or is the return pc");
        rejects(f -> f.clear(9).ret(), "slot 9 is outside the frame");
        rejects(f -> f.nop(), "function can fall off its end");
        rejects(f -> f.jmp("nowhere"), "unknown label nowhere");
        rejects(f -> f.call("leaf", -1, 1).ret(), "argument 0 of leaf has the wrong kind");
        rejects(f -> f.call("leaf", -1).ret(), "leaf takes 1 args, got 0");
        rejects(f -> f.call("missing", -1).ret(), "unknown function missing");
        rejects(f -> f.newobj(0, "nope").ret(), "unknown type nope");
        rejects(f -> f.send("c", 0).ret(), "slot kind does not match channel c");
        rejects(f -> f.recv("zz", 1).ret(), "unknown channel zz");
        rejects(f -> f.loadp(0, 1, 0).ret(), "slot 1 is not a pointer slot");
        rejects(f -> f.sleep(-1).ret(), "negative duration");
        rejects(f -> f.ret(0), "returns a slot of the wrong kind");
    }

    @Test
    void rejectsBadEntryAndNosplitChains() {
        assertThatThrownBy(() -> Program.builder().func("main", 0, 1).ret().end().build())
                .isInstanceOf(MalformedProgramException.class).hasMessage("program: entry function main takes arguments");
        assertThatThrownBy(() -> Program.builder().func("f", 0, 0).ret().end().build())
                .hasMessage("program: no entry function main");
        assertThatThrownBy(() -> Program.builder()
                .func("g", 0, 0).ret().end()
                .func("main", 0, 0).nosplit().call("g", -1).ret().end().build())
                .hasMessageContaining("nosplit function calls splittable function g");
        assertThatThrownBy(() -> Program.builder()
                .func("big", 100, 0).nosplit().ret().end()
                .func("main", 0, 0).call("big", -1).ret().end().build())
                .hasMessageContaining("big: nosplit stack overflow");
        assertThatThrownBy(() -> Program.builder()
                .func("r", 0, 0).nosplit().call("r", -1).ret().end()
                .func("main", 0, 0).ret().end().build())
                .hasMessageContaining("nosplit stack overflow");
        assertThatThrownBy(() -> Program.builder().func("main", 0, 0).ret().end().func("main", 0, 0))
                .hasMessage("program: duplicate function main");
    }

    /** The location is in fields (what the scenario parser reads), and the message is composed from them. */
    @Test
    void errorsCarryFunctionInstructionAndReasonAsFields() {
        assertThatThrownBy(() -> base().func("main", 3, 0).ptrLocals(0).nop().newobj(1, "t").ret().end().build())
                .isInstanceOfSatisfying(MalformedProgramException.class, e -> {
                    assertThat(e.function()).isEqualTo("main");
                    assertThat(e.instruction()).isEqualTo(1);
                    assertThat(e.op()).isEqualTo("NEW");
                    assertThat(e.reason()).isEqualTo("slot 1 is not a pointer slot");
                    assertThat(e).hasMessage("program: function main: instruction at 1 (NEW): slot 1 is not a pointer slot");
                });
        assertThatThrownBy(() -> Program.builder()
                .func("big", 100, 0).nosplit().ret().end()
                .func("main", 0, 0).call("big", -1).ret().end().build())
                .isInstanceOfSatisfying(MalformedProgramException.class, e -> {
                    assertThat(e.function()).isEqualTo("big");
                    assertThat(e.instruction()).isEqualTo(-1);
                    assertThat(e.reason()).startsWith("nosplit stack overflow (");
                });
        assertThatThrownBy(() -> base().func("main", 0, 0).jmp("nowhere").end().build())
                .isInstanceOfSatisfying(MalformedProgramException.class, e -> {
                    assertThat(e.function()).isEqualTo("main");
                    assertThat(e).hasMessage("program: function main: unknown label nowhere");
                });
        assertThatThrownBy(() -> Program.builder().func("main", 0, 1).ret().end().build())
                .isInstanceOfSatisfying(MalformedProgramException.class, e -> {
                    assertThat(e.function()).isNull();
                    assertThat(e.instruction()).isEqualTo(-1);
                    assertThat(e.reason()).isEqualTo("entry function main takes arguments");
                });
    }
}
