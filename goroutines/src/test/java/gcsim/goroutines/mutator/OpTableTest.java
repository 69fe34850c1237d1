package gcsim.goroutines.mutator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Op's table is the one place an opcode's facts live: its rows agree with
 * the int constants the interpreter switches on, the lengths it gives are
 * the words the builder writes, and the builder refuses operands the table
 * does not describe.
 */
class OpTableTest {
    @Test
    void everyConstantHasItsRowAndEveryRowItsConstant() throws IllegalAccessException {
        List<String> constants = new ArrayList<>();
        for (Field f : Op.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                int code = f.getInt(null);
                assertThat(Op.info(code).name()).as(f.getName()).isEqualTo(f.getName());
                assertThat(Op.info(code).code()).isEqualTo(code);
                constants.add(f.getName());
            }
        }
        assertThat(constants).hasSize(Op.all().size());
        for (Op.Info info : Op.all()) {
            assertThat(Op.byMnemonic(info.mnemonic())).isSameAs(info);
        }
        assertThat(Op.byMnemonic("frobnicate")).isNull();
        assertThatThrownBy(() -> Op.info(Op.all().size())).isInstanceOf(IllegalArgumentException.class);
    }

    /** Walking a function with {@code Op.length} lands exactly on the offsets where the builder started each instruction. */
    @Test
    void lengthsAreTheWordsTheBuilderWrites() {
        Program.FuncBuilder f = Program.builder().func("main", 4, 0).ptrLocals(0);
        List<Integer> starts = new ArrayList<>();
        Runnable[] instrs = {
            () -> f.label("top"), () -> f.nop(), () -> f.constant(1, -1L), () -> f.mov(2, 1), () -> f.clear(0),
            () -> f.add(1, 2, 3), () -> f.sub(1, 2, 3), () -> f.addi(1, 2, 3), () -> f.jlt(1, 2, "top"),
            () -> f.jnz(1, "top"), () -> f.decjnz(3, "top"), () -> f.call("main", -1),
            () -> f.call("main", 1, 1, 2, 3), () -> f.spawn("main"), () -> f.spawn("main", 0, 1),
            () -> f.loadp(0, 0, 0), () -> f.sleep(1), () -> f.gosched(), () -> f.checkeq(1, 2), () -> f.ret(),
        };
        for (Runnable r : instrs) {
            int before = f.offset();
            r.run();
            if (f.offset() != before) {
                starts.add(before);
            }
        }
        int[] code = f.resolve().code(); // not built: the checker would refuse the calls' argument counts
        List<Integer> walked = new ArrayList<>();
        for (int ip = 0; ip < code.length; ip += Op.length(code, ip)) {
            walked.add(ip);
        }
        assertThat(walked).isEqualTo(starts);
        int[] everyOpcode = OpEncodingTest.everyOpcode().funcs().get(1).code();
        List<Integer> ops = new ArrayList<>();
        for (int ip = 0; ip < everyOpcode.length; ip += Op.length(everyOpcode, ip)) {
            ops.add(everyOpcode[ip]);
        }
        assertThat(ops).as("the encoding test covers every opcode").hasSize(Op.all().size()).doesNotHaveDuplicates();
    }

    @Test
    void theBuilderRefusesOperandsTheTableDoesNotDescribe() {
        Program.FuncBuilder f = Program.builder().func("main", 2, 0);
        assertThatThrownBy(() -> f.instr(Op.MOV, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MOV takes 2 operands, got 1");
        assertThatThrownBy(() -> f.instr(Op.JMP, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a String");
        assertThatThrownBy(() -> f.instr(99)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad opcode 99");
        assertThat(f.offset()).as("a refused instruction writes nothing").isZero();
        assertThat(f.instr(Op.CALL, "main", -1, new int[] {0}).offset()).isEqualTo(5);
    }
}
