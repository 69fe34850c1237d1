package gcsim.process.scenario;

import gcsim.goroutines.mutator.Op;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a scenario file (the format docs/scenarios.md documents) into a {@link Scenario}: object types, channels, functions in
 * the mutator instruction set ({@link gcsim.goroutines.mutator.Op}), the goroutines
 * to start and GC settings. One statement per line; {@code #} starts a
 * comment.
 *
 * <pre>
 * file      = { line }
 * line      = [ stmt ] [ "#" comment ]
 * stmt      = "type" NAME WORDS [ "ptr" INDEX { INDEX } ]
 *           | "chan" NAME SIZE [ "ptr" ]
 *           | "gc" "autotrigger" ( "on" | "off" )
 *           | "maxstack" BYTES                    (Go's debug.SetMaxStack before main; 2048 to 1 GiB)
 *           | "signalcost" DURATION               (one preemption signal's delivery; "ns", "us" or "ms"; 0 to 10ms)
 *           | "go" FUNC COUNT { INT }            COUNT = INT | PERCENT "%" (of --goroutines, at least 1)
 *           | "func" NAME "(" [ slots ] ")" [ "locals" "(" [ slots ] ")" ] { "nosplit" | "ptrresult" }
 *             { LABEL ":" | instr } "end"
 * slots     = slot { "," slot }             slot = [ "*" ] NAME   ("*": a pointer slot)
 * instr     = MNEMONIC { operand }          (lower case; see Op for meanings)
 *             call FUNC { slot } [ "-&gt;" slot ] | ret [ slot ] | spawn FUNC { slot } | gc | ...
 * </pre>
 * {@code gc} alone in a func body is the instruction (runtime.GC()); {@code gc autotrigger} there
 * is the top-level setting, so the func before it has no end.
 *
 * <p>When the file has {@code go} lines, the parser writes the entry
 * function {@code main} itself: it spawns each line's goroutines (passing
 * the integer arguments) and then blocks for ever; the file must not define
 * {@code main} then. Without {@code go} lines the file's own {@code main}
 * is the entry.
 *
 * <p>Every error is a {@link ScenarioException} whose one-line message is
 * {@code file:line: problem}, including the program checker's findings,
 * which are mapped back to the line of the offending instruction. Not
 * thread-safe; one parser per file.
 */
public final class ScenarioParser {
    /** At most this many goroutines in all go lines together (the command's --goroutines bound too). */
    public static final int MAX_GOROUTINES = 10_000_000;
    /** The start order's seed when none is given (the command's default --seed). */
    public static final long DEFAULT_SEED = 1;

    private static final Pattern FUNC_HEADER = Pattern.compile(
            "func\\s+([A-Za-z_][\\w.-]*)\\s*\\(([^)]*)\\)(?:\\s*locals\\s*\\(([^)]*)\\))?((?:\\s+\\w+)*)\\s*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][\\w.-]*");

    /** Statements outside functions; meeting one inside a func means its end is missing. */
    private static final Set<String> TOP_LEVEL = Set.of("type", "chan", "gc", "go", "func", "maxstack", "signalcost");

    private final String file;
    private final int goroutines;
    private final Program.Builder builder = Program.builder();
    private final Set<String> types = new HashSet<>();
    private final Set<String> chans = new HashSet<>();
    private final Map<String, Integer> funcLines = new HashMap<>();
    private final Map<String, Integer> funcArgs = new HashMap<>();
    /** Per function: the source line of the instruction starting at each code offset. */
    private final Map<String, Map<Integer, Integer>> lineAt = new HashMap<>();
    private final List<Ref> refs = new ArrayList<>();
    private final List<GoLine> goLines = new ArrayList<>();
    private boolean autoTrigger = true;
    private int lineNo;

    // The function being written (null outside func ... end).
    private Program.@Nullable FuncBuilder fb;
    private String fname = ""; // the func being written; "" outside
    private final Map<String, Integer> slots = new HashMap<>();
    private final Set<String> ptrSlots = new HashSet<>();
    private final Set<String> labels = new HashSet<>();
    private final List<Ref> labelRefs = new ArrayList<>();

    private record Ref(String kind, String name, int line) {}

    private record GoLine(String func, int count, long[] args, int line) {}

    /** Draws the start order of the go lines' goroutines ({@link StartPlan}). */
    private long seed = DEFAULT_SEED;

    private ScenarioParser(String file, int goroutines) {
        this.file = file;
        this.goroutines = goroutines;
    }

    /**
     * Parses {@code text}, read from {@code file} (the name errors show),
     * scaling {@code go} counts by {@code goroutines}. Any thread.
     *
     * @param file       the name errors and reports use
     * @param text       the scenario's text
     * @param goroutines what {@code P%} counts in go lines are a percentage of
     * @return the checked scenario
     * @throws ScenarioException {@code file:line: problem}
     */
    public static Scenario parse(String file, String text, int goroutines) {
        return parse(file, text, goroutines, DEFAULT_SEED);
    }

    /**
     * {@link #parse(String, String, int)} with the goroutines of the generated
     * main started in the order drawn from {@code seed} (each go line's goroutines
     * cut into seeded runs, the runs of all lines shuffled).
     *
     * @param file       the name errors and reports use
     * @param text       the scenario's text
     * @param goroutines what {@code P%} counts in go lines are a percentage of
     * @param seed       draws the order in which the go lines' goroutines start
     * @return the checked scenario
     * @throws ScenarioException {@code file:line: problem}
     */
    public static Scenario parse(String file, String text, int goroutines, long seed) {
        ScenarioParser p = new ScenarioParser(file, goroutines);
        p.seed = seed;
        return p.parse(text);
    }

    private Scenario parse(String text) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            lineNo = i + 1;
            String line = stripComment(lines[i]).strip();
            if (!line.isEmpty()) {
                try {
                    statement(line);
                } catch (IllegalArgumentException e) { // the builder's MalformedProgramException, ObjectType's checks
                    throw error(lineNo, oneLine(e.getMessage()));
                }
            }
        }
        if (fb != null) {
            throw error(funcLines.getOrDefault(fname, lineNo), "func " + fname + " has no end");
        }
        checkRefs();
        if (!goLines.isEmpty()) {
            writeMain();
        } else if (!funcLines.containsKey("main")) {
            throw error(Math.max(1, lineNo), "nothing to run: no go lines and no func main");
        }
        try {
            return new Scenario(file, builder.build(), autoTrigger, spawned());
        } catch (Program.MalformedProgramException e) {
            throw checkerError(e);
        }
    }

    private int spawned() {
        int n = 0;
        for (GoLine g : goLines) {
            n += g.count();
        }
        return n;
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private void statement(String line) {
        String[] t = line.split("[\\s,]+");
        String kw = t[0].toLowerCase(Locale.ROOT);
        Program.FuncBuilder current = fb;
        if (current != null) {
            bodyLine(current, line, t, kw);
            return;
        }
        switch (kw) {
            case "type" -> typeDecl(t);
            case "chan" -> chanDecl(t);
            case "gc" -> gcSetting(t);
            case "go" -> goDecl(t);
            case "maxstack" -> maxStack(t);
            case "signalcost" -> signalCost(t);
            case "func" -> funcHeader(line);
            case "end" -> throw error(lineNo, "end outside a func");
            default -> throw error(lineNo, "unknown statement '" + t[0] + "' (want type, chan, gc, go, maxstack, signalcost or func)");
        }
    }

    private void typeDecl(String[] t) {
        if (t.length < 3 || (t.length > 3 && !t[3].equals("ptr")) || t.length == 4) {
            throw error(lineNo, "want: type NAME WORDS [ptr INDEX...]");
        }
        String name = name(t[1], "type");
        int words = (int) number(t[2], 1, 1 << 16, "type size in words");
        int[] ptrs = new int[Math.max(0, t.length - 4)];
        for (int i = 0; i < ptrs.length; i++) {
            ptrs[i] = (int) number(t[4 + i], 0, words - 1, "pointer word index");
        }
        if (!types.add(name)) {
            throw error(lineNo, "duplicate type " + name);
        }
        builder.type(ptrs.length == 0 ? ObjectType.scalars(name, words) : ObjectType.withPointers(name, words, ptrs));
    }

    private void chanDecl(String[] t) {
        if (t.length < 3 || t.length > 4 || (t.length == 4 && !t[3].equals("ptr"))) {
            throw error(lineNo, "want: chan NAME SIZE [ptr]");
        }
        String name = name(t[1], "channel");
        int size = (int) number(t[2], 0, 1 << 20, "channel size");
        if (!chans.add(name)) {
            throw error(lineNo, "duplicate channel " + name);
        }
        builder.chan(name, size, t.length == 4);
    }

    private void gcSetting(String[] t) {
        if (t.length != 3 || !t[1].equals("autotrigger") || !(t[2].equals("on") || t[2].equals("off"))) {
            throw error(lineNo, "want: gc autotrigger on|off");
        }
        autoTrigger = t[2].equals("on");
    }

    private void maxStack(String[] t) {
        if (t.length != 2) {
            throw error(lineNo, "want: maxstack BYTES");
        }
        builder.maxStack(number(t[1], 2048, 1L << 30, "maxstack bytes"));
    }

    private static final Pattern DURATION = Pattern.compile("(\\d[\\d_]*)(ns|us|µs|ms)");

    /** {@code signalcost DURATION}: the platform's cost of delivering one preemption signal. */
    private void signalCost(String[] t) {
        Matcher m = t.length == 2 ? DURATION.matcher(t[1]) : null;
        if (m == null || !m.matches()) {
            throw error(lineNo, "want: signalcost DURATION (e.g. 20us; unit ns, us or ms)");
        }
        long unit = switch (group(m, 2)) {
            case "ns" -> 1;
            case "ms" -> 1_000_000;
            default -> 1_000;
        };
        long max = Program.MAX_SIGNAL_COST / unit;
        long v = number(group(m, 1), 0, max, "signalcost " + group(m, 2));
        builder.signalCost(v * unit);
    }

    private void goDecl(String[] t) {
        if (t.length < 3) {
            throw error(lineNo, "want: go FUNC COUNT|PERCENT% [INT...]");
        }
        String func = name(t[1], "function");
        int count;
        if (t[2].endsWith("%")) {
            long pct = number(t[2].substring(0, t[2].length() - 1), 0, 100_000, "percentage of --goroutines");
            long scaled = Math.max(1, Math.round(goroutines * (pct / 100.0)));
            if (scaled > MAX_GOROUTINES) {
                throw error(lineNo, t[2] + " of --goroutines " + goroutines + " is " + scaled
                        + " goroutines, over the limit " + MAX_GOROUTINES);
            }
            count = (int) scaled;
        } else {
            count = (int) number(t[2], 1, MAX_GOROUTINES, "goroutine count");
        }
        long total = (long) spawned() + count;
        if (total > MAX_GOROUTINES) {
            throw error(lineNo, "the go lines start " + total + " goroutines in all, over the limit "
                    + MAX_GOROUTINES);
        }
        long[] args = new long[t.length - 3];
        for (int i = 0; i < args.length; i++) {
            args[i] = number(t[3 + i], Long.MIN_VALUE, Long.MAX_VALUE, "argument");
        }
        refs.add(new Ref("function", func, lineNo));
        goLines.add(new GoLine(func, count, args, lineNo));
    }

    private void funcHeader(String line) {
        Matcher m = FUNC_HEADER.matcher(line);
        if (!m.matches()) {
            throw error(lineNo, "want: func NAME(args) [locals(slots)] [nosplit] [ptrresult]");
        }
        String name = group(m, 1);
        if (funcLines.putIfAbsent(name, lineNo) != null) {
            throw error(lineNo, "duplicate func " + name);
        }
        slots.clear();
        ptrSlots.clear();
        labels.clear();
        labelRefs.clear();
        List<String> args = slotList(group(m, 2));
        List<String> locals = slotList(group(m, 3));
        Program.FuncBuilder f = builder.func(name, locals.size(), args.size());
        declare(locals, 0, f, true);
        declare(args, locals.size() + 1, f, false);
        for (String flag : group(m, 4).strip().split("\\s+")) {
            switch (flag) {
                case "" -> { }
                case "nosplit" -> f.nosplit();
                case "ptrresult" -> f.returnsPointer();
                default -> throw error(lineNo, "unknown func flag '" + flag + "' (want nosplit or ptrresult)");
            }
        }
        funcArgs.put(name, args.size());
        lineAt.put(name, new HashMap<>());
        fname = name;
        fb = f;
    }

    private static List<String> slotList(String s) {
        List<String> out = new ArrayList<>();
        for (String x : s.split("[\\s,]+")) {
            if (!x.isEmpty()) {
                out.add(x);
            }
        }
        return out;
    }

    private void declare(List<String> names, int firstSlot, Program.FuncBuilder f, boolean locals) {
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            boolean ptr = n.startsWith("*");
            String bare = name(ptr ? n.substring(1) : n, "slot");
            if (slots.putIfAbsent(bare, firstSlot + i) != null) {
                throw error(lineNo, "duplicate slot name " + bare);
            }
            if (ptr) {
                ptrSlots.add(bare);
                if (locals) {
                    f.ptrLocals(i);
                } else {
                    f.ptrArgs(i);
                }
            }
        }
    }

    private void bodyLine(Program.FuncBuilder f, String line, String[] t, String kw) {
        // "gc" starts a top-level setting ("gc autotrigger on") and is also an instruction
        // (runtime.GC()): in a func body only "gc autotrigger" means the func has no end.
        boolean gcInstr = kw.equals("gc") && (t.length == 1 || !t[1].equals("autotrigger"));
        if (TOP_LEVEL.contains(kw) && !gcInstr) {
            throw error(funcLines.getOrDefault(fname, lineNo), "func " + fname + " has no end (line " + lineNo
                    + " starts a new " + kw + ")");
        }
        if (kw.equals("end") && t.length == 1) {
            for (Ref r : labelRefs) {
                if (!labels.contains(r.name())) {
                    throw error(r.line(), "unknown label " + r.name() + " in func " + fname);
                }
            }
            fb = null;
            f.end();
            return;
        }
        if (line.endsWith(":") && t.length == 1) {
            String l = name(line.substring(0, line.length() - 1), "label");
            if (!labels.add(l)) {
                throw error(lineNo, "duplicate label " + l);
            }
            f.label(l);
            return;
        }
        lineAt.computeIfAbsent(fname, k -> new HashMap<>()).put(f.offset(), lineNo);
        switch (kw) {
            case "call" -> call(f, t);
            case "spawn" -> spawn(f, t);
            case "ret" -> ret(f, t);
            default -> simple(f, t, kw);
        }
    }

    private void call(Program.FuncBuilder f, String[] t) {
        int arrow = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i].equals("->")) {
                arrow = i;
            }
        }
        if (t.length < 2 || (arrow >= 0 && arrow != t.length - 2)) {
            throw error(lineNo, "want: call FUNC [slot...] [-> slot]");
        }
        int end = arrow >= 0 ? arrow : t.length;
        int[] args = slotArgs(t, 2, end);
        int dst = arrow >= 0 ? slot(t[t.length - 1]) : -1;
        refs.add(new Ref("function", t[1], lineNo));
        f.call(t[1], dst, args);
    }

    private void spawn(Program.FuncBuilder f, String[] t) {
        if (t.length < 2) {
            throw error(lineNo, "want: spawn FUNC [slot...]");
        }
        int[] args = slotArgs(t, 2, t.length);
        refs.add(new Ref("function", t[1], lineNo));
        f.spawn(t[1], args);
    }

    private void ret(Program.FuncBuilder f, String[] t) {
        if (t.length > 2) {
            throw error(lineNo, "want: ret [slot]");
        }
        if (t.length == 2) {
            f.ret(slot(t[1]));
        } else {
            f.ret();
        }
    }

    private int[] slotArgs(String[] t, int from, int to) {
        int[] a = new int[to - from];
        for (int i = from; i < to; i++) {
            a[i - from] = slot(t[i]);
        }
        return a;
    }

    /**
     * An instruction whose syntax is its operands in {@link Op}'s order (all
     * but call, spawn and ret): the operand kinds and their number come from
     * the opcode table, and so does the encoding.
     */
    private void simple(Program.FuncBuilder f, String[] t, String kw) {
        Op.Info info = Op.byMnemonic(kw);
        if (info == null || hasSpecialSyntax(info)) {
            throw error(lineNo, "unknown instruction '" + t[0] + "'");
        }
        List<Op.Operand> kinds = info.operands();
        if (t.length - 1 != kinds.size()) {
            throw error(lineNo, kw + " takes " + kinds.size() + " operand" + (kinds.size() == 1 ? "" : "s")
                    + ", got " + (t.length - 1));
        }
        Object[] o = new Object[kinds.size()];
        for (int i = 0; i < kinds.size(); i++) {
            o[i] = operand(kinds.get(i), t[i + 1]);
        }
        f.instr(info.code(), o);
    }

    /** Optional or variadic operands: the parser's own call, spawn and ret forms. */
    private static boolean hasSpecialSyntax(Op.Info info) {
        return info.operands().contains(Op.Operand.RESULT) || info.operands().contains(Op.Operand.ARGS);
    }

    private Object operand(Op.Operand kind, String tok) {
        return switch (kind) {
            case SLOT, SCALAR, POINTER, RESULT -> slot(tok);
            case INT, DURATION, FIELD, COUNT -> (int) number(tok, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
            case INT64 -> number(tok, Long.MIN_VALUE, Long.MAX_VALUE, "integer");
            case LABEL -> {
                labelRefs.add(new Ref("label", tok, lineNo));
                yield name(tok, "label");
            }
            case TYPE -> {
                refs.add(new Ref("type", tok, lineNo));
                yield tok;
            }
            case FUNC -> {
                refs.add(new Ref("function", tok, lineNo));
                yield tok;
            }
            case CHAN -> {
                refs.add(new Ref("channel", tok, lineNo));
                yield tok;
            }
            case ARGS -> throw new IllegalStateException("variadic operand in a simple instruction");
        };
    }

    private int slot(String tok) {
        Integer s = slots.get(tok);
        if (s == null) {
            throw error(lineNo, "unknown slot '" + tok + "' in func " + fname);
        }
        return s;
    }

    private void checkRefs() {
        for (Ref r : refs) {
            boolean known = switch (r.kind()) {
                case "function" -> funcLines.containsKey(r.name());
                case "type" -> types.contains(r.name());
                default -> chans.contains(r.name());
            };
            if (!known) {
                throw error(r.line(), "unknown " + r.kind() + " " + r.name());
            }
        }
        for (GoLine g : goLines) {
            int want = funcArgs.getOrDefault(g.func(), 0);
            if (g.args().length != want) {
                throw error(g.line(), "go " + g.func() + ": the function takes " + want + " argument"
                        + (want == 1 ? "" : "s") + ", got " + g.args().length);
            }
        }
    }

    /** The generated entry: spawn each go line's goroutines, then block for ever. */
    private void writeMain() {
        if (funcLines.containsKey("main")) {
            throw error(funcLines.getOrDefault("main", 1), "func main is generated from the go lines; rename this func");
        }
        int maxArgs = 0;
        for (GoLine g : goLines) {
            maxArgs = Math.max(maxArgs, g.args().length);
        }
        Program.FuncBuilder m = builder.func("main", 1 + maxArgs, 0);
        Map<Integer, Integer> lines = new HashMap<>();
        lineAt.put("main", lines);
        funcLines.put("main", goLines.get(0).line());
        int[] counts = new int[goLines.size()];
        for (int gi = 0; gi < counts.length; gi++) {
            counts[gi] = goLines.get(gi).count();
        }
        List<int[]> runs = StartPlan.of(counts, seed).runs();
        for (int ri = 0; ri < runs.size(); ri++) {
            int gi = runs.get(ri)[0];
            GoLine g = goLines.get(gi);
            int[] argSlots = new int[g.args().length];
            for (int i = 0; i < argSlots.length; i++) {
                lines.put(m.offset(), g.line());
                m.constant(1 + i, g.args()[i]);
                argSlots[i] = 1 + i;
            }
            lines.put(m.offset(), g.line());
            m.constant(0, runs.get(ri)[1]);
            m.label("go" + ri);
            lines.put(m.offset(), g.line());
            m.spawn(g.func(), argSlots);
            lines.put(m.offset(), g.line());
            m.decjnz(0, "go" + ri);
        }
        m.block();
        m.end();
    }

    /**
     * Maps a builder or checker error to the source line it is about, from
     * the exception's fields: the instruction's line when the offending
     * instruction is known, else the function's header line, else line 1.
     */
    private ScenarioException checkerError(Program.MalformedProgramException e) {
        String func = e.function();
        if (func != null) {
            if (e.instruction() >= 0) {
                Integer line = lineAt.getOrDefault(func, Map.of()).get(e.instruction());
                if (line != null) {
                    return error(line, "func " + func + " (" + e.op() + "): " + oneLine(e.reason()));
                }
            }
            Integer line = funcLines.get(func);
            if (line != null) {
                String at = e.instruction() >= 0 ? ": instruction at " + e.instruction() + " (" + e.op() + ")" : "";
                return error(line, "func " + func + at + ": " + oneLine(e.reason()));
            }
        }
        return error(1, oneLine(e.getMessage()));
    }

    /** A matched group, "" when it did not take part in the match. */
    private static String group(Matcher m, int i) {
        String g = m.group(i);
        return g == null ? "" : g;
    }

    private String name(String tok, String what) {
        if (!NAME.matcher(tok).matches()) {
            throw error(lineNo, "bad " + what + " name '" + tok + "'");
        }
        return tok;
    }

    private long number(String tok, long min, long max, String what) {
        long v;
        try {
            v = Long.parseLong(tok.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(lineNo, "bad " + what + " '" + tok + "'");
        }
        if (v < min || v > max) {
            throw error(lineNo, what + " " + v + " out of range " + min + ".." + max);
        }
        return v;
    }

    private static String oneLine(@Nullable String s) {
        return s == null ? "malformed program" : s.replaceAll("\\s*\\R\\s*", " ");
    }

    private ScenarioException error(int line, String problem) {
        return new ScenarioException(file, line, problem);
    }
}
