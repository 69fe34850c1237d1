package gcsim.goroutines.mutator;

import static gcsim.stacks.StackConstants.STACK_LIMIT;

import gcsim.goroutines.mutator.Program.Func;
import gcsim.goroutines.mutator.Program.MalformedProgramException;
import java.util.List;

/**
 * Rejects malformed programs before they run: bad opcodes and truncated
 * instructions, jumps into the middle of an instruction or outside the code,
 * slots out of the frame or naming the return pc, pointer/scalar mix-ups
 * (which would make the stack maps lie to the GC), argument count and kind
 * mismatches in calls and spawns, falling off the end of a function, an
 * entry function with arguments, and nosplit chains that call splittable
 * functions or overflow Go's nosplit budget ({@code StackLimit}).
 */
final class Checker {
    private final Program p;
    private final List<Func> funcs;

    Checker(Program p) {
        this.p = p;
        this.funcs = p.funcs;
    }

    void check() {
        Func entry = funcs.get(p.entry);
        if (entry.argWords() != 0) {
            throw new MalformedProgramException("entry function " + entry.name() + " takes arguments");
        }
        for (Func f : funcs) {
            checkFunc(f);
        }
        for (Func f : funcs) {
            if (f.nosplit()) {
                nosplitDepth(f, 0, 0);
            }
        }
    }

    private void checkFunc(Func f) {
        int[] c = f.code();
        if (c.length == 0) {
            throw bad(f, 0, "NOP", "empty function");
        }
        boolean[] starts = new boolean[c.length + 1];
        int ip = 0;
        int last = -1;
        while (ip < c.length) {
            if (!Op.valid(c[ip])) {
                throw bad(f, ip, "?", "bad opcode " + c[ip]);
            }
            int len = safeLength(f, c, ip);
            starts[ip] = true;
            last = ip;
            ip += len;
        }
        int op = c[last];
        if (!Op.info(op).endsFunction()) {
            throw bad(f, last, Op.info(op).name(), "function can fall off its end (last instruction must be RET, JMP, GOEXIT or BLOCK)");
        }
        for (ip = 0; ip < c.length; ip += Op.length(c, ip)) {
            checkInstr(f, c, ip, starts);
        }
        checkLoopCounts(f, c);
    }

    /**
     * A DECJNZ counter loaded with a constant that is not positive would count
     * down through zero for 2^64 iterations: reject the constant (a negative
     * or zero loop count) before the run starts.
     */
    private void checkLoopCounts(Func f, int[] c) {
        boolean[] counters = new boolean[f.localWords() + f.argWords() + 2];
        boolean any = false;
        for (int ip = 0; ip < c.length; ip += Op.length(c, ip)) {
            if (c[ip] == Op.DECJNZ && c[ip + 1] >= 0 && c[ip + 1] < counters.length) {
                counters[c[ip + 1]] = true;
                any = true;
            }
        }
        if (!any) {
            return;
        }
        for (int ip = 0; ip < c.length; ip += Op.length(c, ip)) {
            if (c[ip] == Op.CONST && c[ip + 1] >= 0 && c[ip + 1] < counters.length && counters[c[ip + 1]]) {
                long v = ((long) c[ip + 3] << 32) | (c[ip + 2] & 0xffffffffL);
                if (v <= 0) {
                    throw bad(f, ip, Op.info(Op.CONST).name(), "loop count " + v + " in slot " + c[ip + 1]
                            + " is not positive (DECJNZ would count down through zero)");
                }
            }
        }
    }

    private int safeLength(Func f, int[] c, int ip) {
        int op = c[ip];
        int fixed = Op.fixedLength(op);
        if (ip + fixed > c.length) {
            throw bad(f, ip, Op.info(op).name(), "truncated instruction");
        }
        int len = Op.length(c, ip);
        if (len < fixed || ip + len > c.length) {
            throw bad(f, ip, Op.info(op).name(), "bad argument count");
        }
        return len;
    }

    /**
     * Checks each operand as its {@link Op.Operand} kind says, in encoding
     * order, then the rules that relate operands to each other or to the
     * function (kinds that must match, calls and nosplit). The first problem
     * found is the one reported, so the order of the checks is part of the
     * messages users see.
     */
    private void checkInstr(Func f, int[] c, int ip, boolean[] starts) {
        int op = c[ip];
        Op.Info info = Op.info(op);
        String n = info.name();
        int at = ip + 1;
        for (Op.Operand kind : info.operands()) {
            int v = c[at];
            switch (kind) {
                case SLOT -> slot(f, ip, n, v);
                case SCALAR -> scalar(f, ip, n, v);
                case POINTER -> pointer(f, ip, n, v);
                case RESULT -> {
                    if (v != -1) {
                        slot(f, ip, n, v);
                    }
                }
                case FIELD -> field(f, ip, n, v);
                case LABEL -> target(f, ip, n, v, starts);
                case FUNC -> callee(f, ip, n, v);
                case TYPE -> {
                    if (v < 0 || v >= p.types.size()) {
                        throw bad(f, ip, n, "unknown type " + v);
                    }
                }
                case CHAN -> {
                    if (v < 0 || v >= p.chans.size()) {
                        throw bad(f, ip, n, "unknown channel " + v);
                    }
                }
                case DURATION -> {
                    if (v < 0) {
                        throw bad(f, ip, n, "negative duration");
                    }
                }
                case INT, INT64, COUNT, ARGS -> { } // any value; ARGS are checked against the callee below
            }
            at += kind.words();
        }
        switch (op) {
            case Op.MOV -> {
                if (f.isPointerSlot(c[ip + 1]) != f.isPointerSlot(c[ip + 2])) {
                    throw bad(f, ip, n, "moves between a pointer slot and a scalar slot");
                }
            }
            case Op.CALL -> {
                Func callee = funcs.get(c[ip + 1]);
                int dst = c[ip + 2];
                if (dst != -1 && f.isPointerSlot(dst) != callee.returnsPointer()) {
                    throw bad(f, ip, n, "result of " + callee.name() + " stored in a slot of the wrong kind");
                }
                args(f, ip, n, callee, c, ip + 4, c[ip + 3]);
                if (f.nosplit() && !callee.nosplit()) {
                    throw bad(f, ip, n, "nosplit function calls splittable function " + callee.name());
                }
            }
            case Op.RET -> {
                int s = c[ip + 1];
                if (s != -1 && f.isPointerSlot(s) != f.returnsPointer()) {
                    throw bad(f, ip, n, "returns a slot of the wrong kind");
                }
            }
            case Op.SPAWN -> args(f, ip, n, funcs.get(c[ip + 1]), c, ip + 3, c[ip + 2]);
            case Op.SEND, Op.RECV -> {
                int ch = c[ip + 1];
                if (f.isPointerSlot(c[ip + 2]) != p.chans.get(ch).pointers()) {
                    throw bad(f, ip, n, "slot kind does not match channel " + p.chans.get(ch).name());
                }
                if (f.nosplit()) {
                    throw bad(f, ip, n, "nosplit function blocks on a channel");
                }
            }
            default -> { }
        }
    }

    private void args(Func f, int ip, String n, Func callee, int[] c, int from, int count) {
        if (count != callee.argWords()) {
            throw bad(f, ip, n, callee.name() + " takes " + callee.argWords() + " args, got " + count);
        }
        for (int i = 0; i < count; i++) {
            int s = c[from + i];
            slot(f, ip, n, s);
            boolean wantPtr = callee.isPointerSlot(callee.localWords() + 1 + i);
            if (f.isPointerSlot(s) != wantPtr) {
                throw bad(f, ip, n, "argument " + i + " of " + callee.name() + " has the wrong kind");
            }
        }
    }

    private Func callee(Func f, int ip, String n, int idx) {
        if (idx < 0 || idx >= funcs.size()) {
            throw bad(f, ip, n, "unknown function " + idx);
        }
        return funcs.get(idx);
    }

    private void nosplitDepth(Func f, int bytes, int depth) {
        int total = bytes + f.callBytes();
        if (total > STACK_LIMIT || depth > funcs.size()) {
            throw MalformedProgramException.inFunction(f.name(),
                    "nosplit stack overflow (" + total + " > " + STACK_LIMIT + " bytes of nosplit frames)");
        }
        int[] c = f.code();
        for (int ip = 0; ip < c.length; ip += Op.length(c, ip)) {
            if (c[ip] == Op.CALL) {
                nosplitDepth(funcs.get(c[ip + 1]), total, depth + 1);
            }
        }
    }

    private void slot(Func f, int ip, String n, int s) {
        if (!f.validSlot(s)) {
            throw bad(f, ip, n, "slot " + s + " is outside the frame or is the return pc");
        }
    }

    private void pointer(Func f, int ip, String n, int s) {
        slot(f, ip, n, s);
        if (!f.isPointerSlot(s)) {
            throw bad(f, ip, n, "slot " + s + " is not a pointer slot");
        }
    }

    private void scalar(Func f, int ip, String n, int s) {
        slot(f, ip, n, s);
        if (f.isPointerSlot(s)) {
            throw bad(f, ip, n, "slot " + s + " is a pointer slot, not a scalar");
        }
    }

    private void field(Func f, int ip, String n, int field) {
        if (field < 0) {
            throw bad(f, ip, n, "negative field " + field);
        }
    }

    private void target(Func f, int ip, String n, int t, boolean[] starts) {
        if (t < 0 || t >= f.code().length || !starts[t]) {
            throw bad(f, ip, n, "jump target " + t + " is not an instruction of the function");
        }
    }

    private static MalformedProgramException bad(Func f, int ip, String op, String problem) {
        return MalformedProgramException.atInstruction(f.name(), ip, op, problem);
    }
}
