package gcsim.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * What {@code gcsim hunt} prints on stdout when it is done: per failed run its seed, exit
 * status, first lines and the command that replays it, then one summary line; or with
 * {@code --json} one JSON object with the same. Stateless: any thread.
 *
 * <p>The JSON object's keys: {@code scenario}, {@code runArgs} (the {@code gcsim run} options
 * every run got), {@code seeds} {@code {from, to}}, {@code seedsTried}, {@code real},
 * {@code realTried}, {@code jobs}, {@code all}, {@code stoppedEarly}, {@code failures} (each:
 * {@code seed}, {@code deterministic}, {@code exitStatus}, {@code firstLines}, {@code command},
 * {@code replayable}, {@code elapsedSeconds}), {@code elapsedSeconds}, {@code exitStatus}.
 */
final class HuntReport {
    private static final JsonFactory JSON = new JsonFactory();

    private HuntReport() {}

    /** The text report. */
    static void text(HuntPlan plan, boolean all, Hunter.Result r, PrintStream out) {
        for (Hunter.Outcome f : r.failures()) {
            long seed = plan.seedOf(f.index());
            boolean det = plan.isSeed(f.index());
            out.println((det ? "seed " + seed : "real run " + seed + " (--seed " + seed + ", not deterministic)")
                    + ": exit " + f.status() + " (" + meaning(f.status()) + ") after " + Units.duration(f.nanos()));
            for (String line : f.firstLines()) {
                out.println("    " + line);
            }
            if (det) {
                out.println("replay: " + plan.commandLineOf(f.index()));
            } else {
                out.println("cannot be replayed (a real run's schedule is not seeded); the same options: "
                        + plan.commandLineOf(f.index()));
            }
            out.println();
        }
        out.println(summary(plan, all, r));
        out.flush();
    }

    /** The one summary line. */
    static String summary(HuntPlan plan, boolean all, Hunter.Result r) {
        int n = r.failures().size();
        String tried = Units.count(r.seedsDone()) + " of " + Units.count(plan.seedCount()) + " seeds ("
                + plan.from() + ".." + plan.to() + ")"
                + (plan.real() > 0 ? " and " + r.realDone() + " of " + plan.real() + " real runs" : "");
        String what = n == 0 ? "no failure in " + tried
                : (n == 1 ? "1 failure" : n + " failures") + " in " + tried;
        String early = r.stoppedEarly() && n > 0 && !all ? "; stopped at the first failure (--all runs every seed)"
                : "";
        return "gcsim hunt: " + what + early + ", " + Units.duration(r.nanos());
    }

    /** What an exit status of {@code gcsim run} means. */
    static String meaning(int status) {
        return switch (status) {
            case ExitStatus.VERIFICATION_FAILED -> "verification failed";
            case ExitStatus.TIMEOUT -> "timeout or no progress";
            case ExitStatus.BAD_INPUT -> "bad input";
            default -> "the JVM ended abnormally";
        };
    }

    /** The {@code --json} report: one object and a newline. */
    static void json(HuntPlan plan, int jobs, boolean all, Hunter.Result r, PrintStream out) {
        try (JsonGenerator gen = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.useDefaultPrettyPrinter();
            gen.writeStartObject();
            gen.writeStringField("scenario", plan.runArgs().get(1));
            gen.writeArrayFieldStart("runArgs");
            for (String a : plan.runArgs()) {
                gen.writeString(a);
            }
            gen.writeEndArray();
            gen.writeObjectFieldStart("seeds");
            gen.writeNumberField("from", plan.from());
            gen.writeNumberField("to", plan.to());
            gen.writeEndObject();
            gen.writeNumberField("seedsTried", r.seedsDone());
            gen.writeNumberField("real", plan.real());
            gen.writeNumberField("realTried", r.realDone());
            gen.writeNumberField("jobs", jobs);
            gen.writeBooleanField("all", all);
            gen.writeBooleanField("stoppedEarly", r.stoppedEarly());
            gen.writeArrayFieldStart("failures");
            for (Hunter.Outcome f : r.failures()) {
                writeFailure(gen, plan, f);
            }
            gen.writeEndArray();
            gen.writeNumberField("elapsedSeconds", seconds(r.nanos()));
            gen.writeNumberField("exitStatus", r.failures().isEmpty() ? ExitStatus.OK : ExitStatus.VERIFICATION_FAILED);
            gen.writeEndObject();
            gen.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static void writeFailure(JsonGenerator gen, HuntPlan plan, Hunter.Outcome f) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("seed", plan.seedOf(f.index()));
        gen.writeBooleanField("deterministic", plan.isSeed(f.index()));
        gen.writeNumberField("exitStatus", f.status());
        gen.writeArrayFieldStart("firstLines");
        for (String line : f.firstLines()) {
            gen.writeString(line);
        }
        gen.writeEndArray();
        gen.writeStringField("command", plan.commandLineOf(f.index()));
        gen.writeBooleanField("replayable", plan.isSeed(f.index()));
        gen.writeNumberField("elapsedSeconds", seconds(f.nanos()));
        gen.writeEndObject();
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }
}
