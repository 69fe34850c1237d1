package gcsim.process.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.mutator.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * The program checker's findings reach the user as one line naming the
 * source line: the offending instruction's line, the function's header line
 * for a problem of the whole function, the go line for the generated main,
 * line 1 for a problem of the whole program. The parser reads the
 * location from the exception's fields; these exact messages are the ones
 * the regular expression over the message produced before, so the mapping
 * did not change. And the parser's instruction syntax comes from Op's table.
 */
class ScenarioParserErrorsTest {
    private static void rejects(String text, String message) {
        assertThatThrownBy(() -> ScenarioParser.parse("t.gcs", text, 10)).isInstanceOf(ScenarioException.class)
                .hasMessage(message);
    }

    @Test
    void anInstructionsFindingNamesItsLine() {
        rejects("""
                type node 2 ptr 0
                func f() locals(*x, v)
                  new x node
                  loadw x x 1
                  ret
                end
                go f 1
                """, "t.gcs:4: func f (LOADW): slot 0 is a pointer slot, not a scalar");
        rejects("func f() locals(v)\n  nop\n  clear v\nend\ngo f 1\n",
                "t.gcs:3: func f (CLEAR): function can fall off its end"
                        + " (last instruction must be RET, JMP, GOEXIT or BLOCK)");
        rejects("func f() locals(v)\n  const v 0\nl:\n  decjnz v l\n  ret\nend\ngo f 1\n",
                "t.gcs:2: func f (CONST): loop count 0 in slot 0 is not positive"
                        + " (DECJNZ would count down through zero)");
    }

    @Test
    void aFindingInTheGeneratedMainNamesTheGoLine() {
        rejects("func f(*p)\n  ret\nend\ngo f 1 3\n",
                "t.gcs:4: func main (SPAWN): argument 0 of f has the wrong kind");
    }

    @Test
    void aFunctionsFindingNamesItsHeader() {
        StringJoiner locals = new StringJoiner(", ");
        for (int i = 0; i < 120; i++) {
            locals.add("l" + i);
        }
        rejects("func g()\n  ret\nend\nfunc big() locals(" + locals + ") nosplit\n  ret\nend\n"
                        + "func f()\n  call big\n  ret\nend\ngo f 1\n",
                "t.gcs:4: func big: nosplit stack overflow (968 > 768 bytes of nosplit frames)");
    }

    @Test
    void aProgramsFindingNamesLineOne() {
        rejects("# no go lines\n\nfunc main(a)\n  ret\nend\n", "t.gcs:1: program: entry function main takes arguments");
    }

    /** Every instruction of Op's table with plain operand syntax parses from its kinds, with no list of its own. */
    @Test
    void everyPlainOpcodeParsesFromTheTable() {
        List<String> body = new ArrayList<>();
        for (Op.Info info : Op.all()) {
            if (info.operands().contains(Op.Operand.ARGS) || info.operands().contains(Op.Operand.RESULT)) {
                continue; // call, spawn, ret: their own syntax
            }
            StringJoiner line = new StringJoiner(" ", "  ", "");
            line.add(info.mnemonic());
            for (Op.Operand kind : info.operands()) {
                line.add(switch (kind) {
                    case SLOT, SCALAR -> "v";
                    case POINTER -> "x";
                    case INT, INT64, DURATION -> "1";
                    case FIELD -> "0";
                    case LABEL -> "l";
                    case TYPE -> "node";
                    case CHAN -> "c";
                    default -> throw new AssertionError(kind);
                });
            }
            body.add(line.toString());
        }
        assertThat(body).hasSizeGreaterThanOrEqualTo(Op.all().size() - 3);
        String text = "type node 2 ptr 0\nchan c 1\nfunc f() locals(*x, v)\nl:\n" + String.join("\n", body)
                + "\n  ret\nend\ngo f 1\n";
        assertThat(ScenarioParser.parse("t.gcs", text, 10).program().funcs()).hasSize(2);
    }

    /** maxstack: Go's debug.SetMaxStack at start, one number of bytes in range. */
    @Test
    void maxstackTakesOneByteCountInRange() {
        String body = "func f()\n  ret\nend\ngo f 1\n";
        assertThat(ScenarioParser.parse("t.gcs", "maxstack 16384\n" + body, 10).program().maxStack()).isEqualTo(16384);
        assertThat(ScenarioParser.parse("t.gcs", body, 10).program().maxStack()).isZero();
        rejects("maxstack 1024\n" + body, "t.gcs:1: maxstack bytes 1024 out of range 2048..1073741824");
        rejects("maxstack\n" + body, "t.gcs:1: want: maxstack BYTES");
        rejects("maxstack 4k\n" + body, "t.gcs:1: bad maxstack bytes '4k'");
    }

    /** signalcost: the platform's cost of one preemption signal, a duration with a unit, 0 to 10 ms. */
    @Test
    void signalcostTakesOneDurationInRange() {
        String body = "func f()\n  ret\nend\ngo f 1\n";
        assertThat(ScenarioParser.parse("t.gcs", "signalcost 20us\n" + body, 10).program().signalCost())
                .isEqualTo(20_000);
        assertThat(ScenarioParser.parse("t.gcs", "signalcost 20µs\n" + body, 10).program().signalCost())
                .isEqualTo(20_000);
        assertThat(ScenarioParser.parse("t.gcs", "signalcost 1500ns\n" + body, 10).program().signalCost())
                .isEqualTo(1500);
        assertThat(ScenarioParser.parse("t.gcs", "signalcost 10ms\n" + body, 10).program().signalCost())
                .isEqualTo(10_000_000);
        assertThat(ScenarioParser.parse("t.gcs", "signalcost 0us\n" + body, 10).program().signalCost()).isZero();
        assertThat(ScenarioParser.parse("t.gcs", body, 10).program().signalCost()).as("no line").isEqualTo(-1);
        rejects("signalcost 11ms\n" + body, "t.gcs:1: signalcost ms 11 out of range 0..10");
        rejects("signalcost 20\n" + body, "t.gcs:1: want: signalcost DURATION (e.g. 20us; unit ns, us or ms)");
        rejects("signalcost\n" + body, "t.gcs:1: want: signalcost DURATION (e.g. 20us; unit ns, us or ms)");
        rejects("signalcost -2us\n" + body, "t.gcs:1: want: signalcost DURATION (e.g. 20us; unit ns, us or ms)");
    }
}
