package gcsim.goroutines;

/**
 * The mutator's instruction set. A function's code is an {@code int[]}: an
 * opcode followed by its operands. Slots are word offsets from the frame's sp
 * (FRAME LAYOUT of the stacks module): locals are {@code 0..localWords-1},
 * word {@code localWords} is the return pc (never addressable), arguments are
 * {@code localWords+1 ..}. Each slot is either a pointer slot (in the
 * function's stack map, holds nil or a heap pointer) or a scalar slot.
 *
 * <pre>
 * op        operands                 meaning
 * NOP
 * CONST     d lo hi                  scalar d = (hi &lt;&lt; 32) | lo
 * MOV       d s                      d = s (same kind)
 * CLEAR     d                        d = 0
 * ADD/SUB   d a b                    scalar d = a +/- b
 * ADDI      d a imm                  scalar d = a + imm
 * JMP       t                        goto t (instruction index)
 * JLT       a b t                    if scalar a &lt; b goto t
 * JNZ       a t                      if a != 0 goto t
 * DECJNZ    s t                      s--; if s != 0 goto t   (tight loops)
 * CALL      f dst n s1..sn           call f with args s1..sn; result to dst (-1: none)
 * RET       s                        return s (-1: nothing)
 * NEW       d type                   pointer d = new object of type
 * LOADP     d s field                pointer d = s.field   (s a non-nil pointer)
 * STOREP    s field v                s.field = v (write barrier)
 * LOADW     d s field                scalar d = s.field
 * STOREW    s field v                s.field = scalar v
 * SPAWN     f n s1..sn               go f(s1..sn)
 * SEND      ch s                     ch &lt;- s
 * RECV      ch d                     d = &lt;-ch
 * SLEEP     micros                   time.Sleep
 * SYSCALL   micros                   a blocking system call of that length
 * GOSCHED                            runtime.Gosched()
 * GOEXIT                             runtime.Goexit()
 * BLOCK                              select {} (parks for ever)
 * CHECKEQ   a b                      throw "mutator check failed" unless a == b
 * </pre>
 */
public final class Op {
    private Op() {}

    public static final int NOP = 0;
    public static final int CONST = 1;
    public static final int MOV = 2;
    public static final int CLEAR = 3;
    public static final int ADD = 4;
    public static final int SUB = 5;
    public static final int ADDI = 6;
    public static final int JMP = 7;
    public static final int JLT = 8;
    public static final int JNZ = 9;
    public static final int DECJNZ = 10;
    public static final int CALL = 11;
    public static final int RET = 12;
    public static final int NEW = 13;
    public static final int LOADP = 14;
    public static final int STOREP = 15;
    public static final int LOADW = 16;
    public static final int STOREW = 17;
    public static final int SPAWN = 18;
    public static final int SEND = 19;
    public static final int RECV = 20;
    public static final int SLEEP = 21;
    public static final int SYSCALL = 22;
    public static final int GOSCHED = 23;
    public static final int GOEXIT = 24;
    public static final int BLOCK = 25;
    public static final int CHECKEQ = 26;

    static final String[] NAMES = {
        "NOP", "CONST", "MOV", "CLEAR", "ADD", "SUB", "ADDI", "JMP", "JLT", "JNZ", "DECJNZ", "CALL", "RET",
        "NEW", "LOADP", "STOREP", "LOADW", "STOREW", "SPAWN", "SEND", "RECV", "SLEEP", "SYSCALL", "GOSCHED",
        "GOEXIT", "BLOCK", "CHECKEQ",
    };

    /** Fixed lengths (opcode included); CALL and SPAWN add their argument count. */
    private static final int[] LENGTH = {
        1, 4, 3, 2, 4, 4, 4, 2, 4, 3, 3, 4, 2, 3, 4, 4, 4, 4, 3, 3, 3, 2, 2, 1, 1, 1, 3,
    };

    /** Length of the instruction at {@code ip} in {@code code}. */
    static int length(int[] code, int ip) {
        int op = code[ip];
        return switch (op) {
            case CALL -> LENGTH[op] + code[ip + 3];
            case SPAWN -> LENGTH[op] + code[ip + 2];
            default -> LENGTH[op];
        };
    }

    static boolean valid(int op) {
        return op >= 0 && op < LENGTH.length;
    }

    static int fixedLength(int op) {
        return LENGTH[op];
    }
}
