package gcsim.process.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.mutator.Op;
import gcsim.goroutines.mutator.Program;
import org.junit.jupiter.api.Test;

/**
 * The {@code gc} instruction (runtime.GC()) in a scenario file: {@code gc} alone in a func body is
 * the instruction, {@code gc autotrigger on|off} stays the top-level setting (and inside a func
 * body it still means the func has no end), and a wrong use is the parser's usual one line.
 */
class GcInstructionSyntaxTest {
    private static void rejects(String text, String message) {
        assertThatThrownBy(() -> ScenarioParser.parse("t.gcs", text, 10)).isInstanceOf(ScenarioException.class)
                .hasMessage(message);
    }

    @Test
    void gcAloneInAFuncBodyIsTheInstructionBesideTheSetting() {
        Scenario s = ScenarioParser.parse("t.gcs", """
                gc autotrigger off
                func f() locals(v)
                  const v 3
                l:
                  GC          # runtime.GC(); mnemonics are case-insensitive
                  decjnz v l
                  ret
                end
                go f 1
                """, 10);
        assertThat(s.autoTrigger()).isFalse();
        Program.Func f = s.program().funcs().stream().filter(fn -> fn.name().equals("f")).findFirst().orElseThrow();
        assertThat(f.code()).containsExactly(Op.CONST, 0, 3, 0, Op.GC, Op.DECJNZ, 0, 4, Op.RET, -1);
    }

    @Test
    void gcTakesNoOperands() {
        rejects("func f()\n  gc now\n  ret\nend\ngo f 1\n", "t.gcs:2: gc takes 0 operands, got 1");
    }

    @Test
    void theSettingInsideAFuncBodyMeansTheFuncHasNoEnd() {
        rejects("func f()\n  gc\n  ret\ngc autotrigger on\n", "t.gcs:1: func f has no end (line 4 starts a new gc)");
    }

    @Test
    void theInstructionOutsideAFuncIsABadSetting() {
        rejects("gc\n", "t.gcs:1: want: gc autotrigger on|off");
    }
}
