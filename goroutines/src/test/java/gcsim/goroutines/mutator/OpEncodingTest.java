package gcsim.goroutines.mutator;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.heap.ObjectType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The builder's encoding of every opcode, word for word. The deterministic
 * digests depend on the opcode numbers and encodings, so these words are
 * pinned as literals (they are the ones the builder wrote before the opcode
 * table existed).
 */
class OpEncodingTest {
    static Program everyOpcode() {
        return Program.builder()
                .type(ObjectType.withPointers("t", 2, 0))
                .chan("c", 1, false)
                .func("leaf", 1, 2).ptrArgs(0).ret().end()
                .func("main", 4, 0).ptrLocals(0)
                .label("top")
                .nop().constant(1, 0x3_0000_0002L).mov(2, 1).clear(0).add(1, 2, 3).sub(1, 2, 3).addi(1, 2, -7)
                .jlt(1, 2, "top").jnz(1, "top").decjnz(3, "top").call("leaf", -1, 0, 1).newobj(0, "t")
                .loadp(0, 0, 0).storep(0, 1, 0).loadw(1, 0, 1).storew(0, 1, 2).spawn("leaf", 0, 1).send("c", 1)
                .recv("c", 2).sleep(5).syscall(6).gosched().checkeq(1, 2).gc().readmemstats().traceadvance().goexit().block().jmp("top").ret(1)
                .end()
                .build();
    }

    static final int[] MAIN = {
        0, // NOP
        1, 1, 2, 3, // CONST d lo hi
        2, 2, 1, // MOV
        3, 0, // CLEAR
        4, 1, 2, 3, // ADD
        5, 1, 2, 3, // SUB
        6, 1, 2, -7, // ADDI
        8, 1, 2, 0, // JLT a b top
        9, 1, 0, // JNZ
        10, 3, 0, // DECJNZ
        11, 0, -1, 2, 0, 1, // CALL leaf dst n args
        13, 0, 0, // NEW d t
        14, 0, 0, 0, // LOADP
        15, 0, 1, 0, // STOREP
        16, 1, 0, 1, // LOADW
        17, 0, 1, 2, // STOREW
        18, 0, 2, 0, 1, // SPAWN leaf n args
        19, 0, 1, // SEND c s
        20, 0, 2, // RECV c d
        21, 5, // SLEEP
        22, 6, // SYSCALL
        23, // GOSCHED
        26, 1, 2, // CHECKEQ
        27, // GC
        28, // READMEMSTATS
        29, // TRACEADVANCE
        24, // GOEXIT
        25, // BLOCK
        7, 0, // JMP top
        12, 1, // RET s
    };

    @Test
    void everyOpcodeEncodesAsBefore() {
        Program p = everyOpcode();
        assertThat(p.funcs().get(0).code()).containsExactly(12, -1);
        assertThat(p.funcs().get(1).code()).as(Arrays.toString(p.funcs().get(1).code())).containsExactly(MAIN);
    }
}
