package gcsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a {@code gcsim hunt} runs: the seeds {@code from..to}, each a plain
 * {@code gcsim run RUNARGS --deterministic --seed K}, then {@code real} runs of
 * {@code gcsim run RUNARGS --seed J} (J = 1..real) without {@code --deterministic}.
 * Run {@code i} (0-based) is seed {@code from + i} while {@code i < seedCount()},
 * else real run {@code i - seedCount() + 1}. Immutable; any thread.
 *
 * @param runArgs the user's {@code gcsim run} options, {@code --scenario} first, validated, in
 *                the user's order (plus {@code --timeout} when the user gave none); never
 *                {@code --seed}, {@code --deterministic} or {@code --json}
 * @param from    the first seed
 * @param to      the last seed, {@code >= from}
 * @param real    how many real-mode runs follow the seeds, {@code >= 0}
 */
record HuntPlan(List<String> runArgs, long from, long to, int real) {
    /** How the printed commands start: the launcher at the repository root. */
    static final String LAUNCHER = "./gcsim";
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:=,+@%^-]+");

    HuntPlan {
        runArgs = List.copyOf(runArgs);
    }

    /** The number of seeds, {@code to - from + 1} (at least 1). */
    long seedCount() {
        return to - from + 1;
    }

    /** All runs: the seeds, then the real runs. */
    long total() {
        return seedCount() + real;
    }

    /** Whether run {@code i} is one of the seeds (deterministic, replayable). */
    boolean isSeed(long i) {
        return i < seedCount();
    }

    /** The seed (or the real run's {@code --seed}) of run {@code i}. */
    long seedOf(long i) {
        return isSeed(i) ? from + i : i - seedCount() + 1;
    }

    /** The arguments of run {@code i} after the program: {@code run ... [--deterministic] --seed K}. */
    List<String> argsOf(long i) {
        List<String> args = new ArrayList<>(runArgs.size() + 4);
        args.add("run");
        args.addAll(runArgs);
        if (isSeed(i)) {
            args.add("--deterministic");
        }
        args.add("--seed");
        args.add(Long.toString(seedOf(i)));
        return args;
    }

    /** Run {@code i} as one shell line, {@code ./gcsim run ... --deterministic --seed K}, quoted for a POSIX shell. */
    String commandLineOf(long i) {
        StringBuilder b = new StringBuilder(LAUNCHER);
        for (String a : argsOf(i)) {
            b.append(' ').append(shellQuote(a));
        }
        return b.toString();
    }

    /** {@code word} as one POSIX shell word: unchanged if plain, else in single quotes. */
    static String shellQuote(String word) {
        if (PLAIN_WORD.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
