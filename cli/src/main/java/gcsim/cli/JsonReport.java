package gcsim.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import gcsim.gcmark.CycleRecord;
import gcsim.gcmark.GcTrace;
import gcsim.goroutines.GoVersion;
import gcsim.goroutines.ProtocolPiece;
import gcsim.process.RunResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The {@code --json} report: exactly one JSON object, streamed with Jackson's
 * {@link JsonGenerator}. The keys DESIGN.md lists are a contract (tests
 * outside this repository read them); keys beyond those are extras and may
 * grow. Stateless: any thread.
 */
public final class JsonReport {
    private static final JsonFactory JSON = new JsonFactory();
    /** How many first lines of a fatal error's report the JSON's {@code fatal.lines} carries. */
    static final int FATAL_LINES = 60;

    private JsonReport() {}

    /**
     * Writes the report and a newline to {@code out}, flushing but not closing it.
     */
    public static void write(RunConfig config, RunResult result, OutputStream out) throws IOException {
        try (JsonGenerator gen = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.useDefaultPrettyPrinter();
            gen.writeStartObject();
            writeConfig(gen, config);
            gen.writeArrayFieldStart("cycles");
            for (int i = 0; i < result.cycles().size(); i++) {
                writeCycle(gen, result.cycles().get(i), result.verification().checkmarkUnmarked(i), config.goVersion());
            }
            gen.writeEndArray();
            writeMutator(gen, result.mutator());
            writeVerification(gen, result, !config.broken().isEmpty());
            writeFatal(gen, result.fatal());
            writeDeterminism(gen, result.determinism());
            writeJvm(gen, JvmInfo.current());
            writeHost(gen, HostInfo.current());
            gen.writeBooleanField("timedOut", result.timedOut());
            gen.writeNumberField("exitStatus", ExitStatus.of(result));
            gen.writeEndObject();
            gen.writeRaw('\n');
        }
        out.flush();
    }

    private static void writeConfig(JsonGenerator gen, RunConfig config) throws IOException {
        gen.writeObjectFieldStart("config");
        gen.writeStringField("scenario", config.scenario().name());
        gen.writeNumberField("goroutines", config.goroutines());
        gen.writeNumberField("procs", config.procs());
        gen.writeNumberField("workers", config.workers());
        gen.writeNumberField("cycles", config.cycles());
        gen.writeNumberField("seed", config.seed());
        gen.writeStringField("mode", config.mode().text());
        gen.writeStringField("preempt", config.preempt().text());
        gen.writeStringField("checkmark", config.checkmark() ? "on" : "off");
        gen.writeNumberField("timeoutSeconds", config.timeoutSeconds());
        gen.writeNumberField("gcEvery", config.gcEvery());
        gen.writeBooleanField("gcAtSafepoints", config.gcAtSafepoints());
        gen.writeStringField("suspend", config.suspend().text());
        gen.writeStringField("stackScan", config.stackScan().text());
        gen.writeBooleanField("deterministic", config.deterministic());
        gen.writeArrayFieldStart("broken");
        for (ProtocolPiece p : config.broken()) {
            gen.writeString(p.cliName());
        }
        gen.writeEndArray();
        gen.writeStringField("go", config.goVersion().cliName());
        Path trace = config.trace();
        if (trace == null) {
            gen.writeNullField("trace");
        } else {
            gen.writeStringField("trace", trace.toString());
        }
        gen.writeEndObject();
    }

    private static void writeCycle(JsonGenerator gen, CycleRecord c, @Nullable Long unmarked, GoVersion version)
            throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("n", c.n());
        gen.writeNumberField("stwSweepTermNanos", c.stwSweepTermNanos());
        gen.writeNumberField("concurrentMarkNanos", c.concurrentMarkNanos());
        gen.writeNumberField("stwMarkTermNanos", c.stwMarkTermNanos());
        gen.writeNumberField("markCpuNanos", c.markCpuNanos());
        gen.writeNumberField("heapLiveBytes", c.heapLiveBytes());
        gen.writeNumberField("heapGoalBytes", c.heapGoalBytes());
        gen.writeNumberField("objectsMarked", c.objectsMarked());
        gen.writeNumberField("bytesMarked", c.bytesMarked());
        gen.writeNumberField("stacksScanned", c.stacksScanned());
        gen.writeNumberField("framesScanned", c.framesScanned());
        writeSuspend(gen, c.suspend());
        gen.writeObjectFieldStart("preemptions");
        gen.writeNumberField("cooperative", c.cooperativePreemptions());
        gen.writeNumberField("async", c.asyncPreemptions());
        gen.writeEndObject();
        gen.writeStringField("checkmark", c.checkmark().json());
        // Beyond the contract: how many objects this cycle's checkmark found unmarked (null: not known).
        if (unmarked == null) {
            gen.writeNullField("checkmarkUnmarked");
        } else {
            gen.writeNumberField("checkmarkUnmarked", unmarked);
        }
        writeAssists(gen, c.assists());
        writeRootSnapshot(gen, c.roots());
        writeCycleExtras(gen, c, version);
        writePacer(gen, c.pacer());
        gen.writeEndObject();
    }

    /**
     * Beyond the contract, from go1.18 only (absent under go1.14, which has none of it): the
     * redesigned pacer at this cycle's mark termination, {"pacer": {"goalStackBytes",
     * "goalGlobalsBytes", "heapScanWork", "stackScanWork", "globalsScanWork", "consMark",
     * "runwayBytes", "startingStackSize"}} (see docs/go-versions.md). The next goal is
     * heapLiveBytes + (heapLiveBytes + goalStackBytes + goalGlobalsBytes) * GOGC/100 unless the
     * trigger's bounds push it up.
     */
    private static void writePacer(JsonGenerator gen, CycleRecord.PacerFigures p) throws IOException {
        if (p.equals(CycleRecord.PacerFigures.NONE)) {
            return;
        }
        gen.writeObjectFieldStart("pacer");
        gen.writeNumberField("goalStackBytes", p.goalStackBytes());
        gen.writeNumberField("goalGlobalsBytes", p.goalGlobalsBytes());
        gen.writeNumberField("heapScanWork", p.heapScanWork());
        gen.writeNumberField("stackScanWork", p.stackScanWork());
        gen.writeNumberField("globalsScanWork", p.globalsScanWork());
        gen.writeNumberField("consMark", p.consMark());
        gen.writeNumberField("runwayBytes", p.runwayBytes());
        gen.writeNumberField("startingStackSize", p.startingStackSize());
        gen.writeEndObject();
    }

    private static void writeSuspend(JsonGenerator gen, CycleRecord.SuspendLatency s) throws IOException {
        gen.writeObjectFieldStart("suspendG");
        gen.writeNumberField("calls", s.calls());
        gen.writeNumberField("dead", s.dead());
        gen.writeNumberField("p50Nanos", s.p50Nanos());
        gen.writeNumberField("p99Nanos", s.p99Nanos());
        gen.writeNumberField("maxNanos", s.maxNanos());
        gen.writeArrayFieldStart("buckets");
        for (CycleRecord.SuspendLatency.Bucket b : s.buckets()) {
            gen.writeStartObject();
            gen.writeNumberField("upToNanos", b.upToNanos());
            gen.writeNumberField("count", b.count());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    /** Beyond the contract: mark assists, {"count", "scanWork", "creditSteals", "parks", "nanos"}. */
    private static void writeAssists(JsonGenerator gen, CycleRecord.AssistStats a) throws IOException {
        gen.writeObjectFieldStart("assists");
        gen.writeNumberField("count", a.count());
        gen.writeNumberField("scanWork", a.scanWork());
        gen.writeNumberField("creditSteals", a.creditSteals());
        gen.writeNumberField("parks", a.parks());
        gen.writeNumberField("nanos", a.nanos());
        gen.writeEndObject();
    }

    /** Beyond the contract: the root snapshot, {"allgs", "alive"} (stacksScanned + suspendG.dead == allgs). */
    private static void writeRootSnapshot(JsonGenerator gen, CycleRecord.RootSnapshot r) throws IOException {
        gen.writeObjectFieldStart("rootSnapshot");
        gen.writeNumberField("allgs", r.allgs());
        gen.writeNumberField("alive", r.alive());
        gen.writeEndObject();
    }

    /** Beyond the contract: the rest of the record, and the gctrace line itself. */
    private static void writeCycleExtras(JsonGenerator gen, CycleRecord c, GoVersion version) throws IOException {
        gen.writeNumberField("startNanosSinceInit", c.startNanosSinceInit());
        gen.writeNumberField("cpuUtilisationPercent", c.cpuUtilisationPercent());
        gen.writeNumberField("sweepTermCpuNanos", c.sweepTermCpuNanos());
        gen.writeNumberField("assistCpuNanos", c.assistCpuNanos());
        gen.writeNumberField("backgroundCpuNanos", c.backgroundCpuNanos());
        gen.writeNumberField("idleCpuNanos", c.idleCpuNanos());
        gen.writeNumberField("markTermCpuNanos", c.markTermCpuNanos());
        gen.writeNumberField("heapStartBytes", c.heapStartBytes());
        gen.writeNumberField("heapMarkTermBytes", c.heapMarkTermBytes());
        gen.writeNumberField("procs", c.procs());
        gen.writeBooleanField("forced", c.forced());
        gen.writeStringField("gctrace", GcTrace.line(c, version));
        writeStrategies(gen, c.strategies());
        writeMarkWorkers(gen, c);
        writePauses(gen, c.pauses());
    }

    /**
     * Beyond the contract: the two stops of the world broken down, {"pauses": {"sweepTermination":
     * P, "markTermination": P}} with P = {"requestNanosSinceInit", "timeToStopNanos", "lastP",
     * "lastM", "stoppedNanos", "steps": {name: nanos, ..., "rest": nanos}, "restartNanos"}.
     */
    private static void writePauses(JsonGenerator gen, CycleRecord.Pauses p) throws IOException {
        gen.writeObjectFieldStart("pauses");
        writePause(gen, "sweepTermination", p.sweepTermination());
        writePause(gen, "markTermination", p.markTermination());
        gen.writeEndObject();
    }

    private static void writePause(JsonGenerator gen, String name, CycleRecord.Pause p) throws IOException {
        gen.writeObjectFieldStart(name);
        gen.writeNumberField("requestNanosSinceInit", p.requestNanosSinceInit());
        gen.writeNumberField("timeToStopNanos", p.timeToStopNanos());
        gen.writeNumberField("lastP", p.lastP());
        gen.writeNumberField("lastM", p.lastM());
        gen.writeNumberField("stoppedNanos", p.stoppedNanos());
        gen.writeObjectFieldStart("steps");
        for (CycleRecord.Step s : p.steps()) {
            gen.writeNumberField(s.name(), s.nanos());
        }
        gen.writeNumberField("rest", p.restNanos());
        gen.writeEndObject();
        gen.writeNumberField("restartNanos", p.restartNanos());
        gen.writeEndObject();
    }

    /**
     * Beyond the contract: the background mark workers by mode (Go's gcControllerState) and the
     * mark phase's GC CPU utilization, {"markUtilization", "markWorkers": {"dedicatedWorkers",
     * "fractionalGoal", "dedicatedNanos", "fractionalNanos", "idleNanos", "dedicatedRuns",
     * "fractionalRuns", "idleRuns", "threadCpuNanos", "perP": [{"p", "runs", "wallNanos",
     * "threadCpuNanos", "objectsGreyed"}]}}.
     */
    private static void writeMarkWorkers(JsonGenerator gen, CycleRecord c) throws IOException {
        gen.writeNumberField("markUtilization", c.markUtilization());
        CycleRecord.MarkWorkers w = c.workers();
        gen.writeObjectFieldStart("markWorkers");
        gen.writeNumberField("dedicatedWorkers", w.dedicatedWorkers());
        gen.writeNumberField("fractionalGoal", w.fractionalGoal());
        gen.writeNumberField("dedicatedNanos", w.dedicatedNanos());
        gen.writeNumberField("fractionalNanos", w.fractionalNanos());
        gen.writeNumberField("idleNanos", w.idleNanos());
        gen.writeNumberField("dedicatedRuns", w.dedicatedRuns());
        gen.writeNumberField("fractionalRuns", w.fractionalRuns());
        gen.writeNumberField("idleRuns", w.idleRuns());
        gen.writeNumberField("threadCpuNanos", w.threadCpuNanos());
        gen.writeArrayFieldStart("perP");
        for (CycleRecord.WorkerOnP p : w.perP()) {
            gen.writeStartObject();
            gen.writeNumberField("p", p.p());
            gen.writeNumberField("runs", p.runs());
            gen.writeNumberField("wallNanos", p.wallNanos());
            gen.writeNumberField("threadCpuNanos", p.threadCpuNanos());
            gen.writeNumberField("objectsGreyed", p.objectsGreyed());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    private static void writeStrategies(JsonGenerator gen, CycleRecord.Strategies s) throws IOException {
        gen.writeObjectFieldStart("strategies");
        gen.writeNumberField("suspendSpins", s.suspendSpins());
        gen.writeNumberField("suspendParks", s.suspendParks());
        gen.writeNumberField("suspendWakeups", s.suspendWakeups());
        gen.writeNumberField("suspendParkTimeouts", s.suspendParkTimeouts());
        gen.writeNumberField("suspendWaitingCalls", s.suspendWaitingCalls());
        gen.writeNumberField("suspendWaitCpuNanos", s.suspendWaitCpuNanos());
        gen.writeNumberField("stacksNoWait", s.stacksNoWait());
        gen.writeNumberField("stacksSelfScanned", s.stacksSelfScanned());
        gen.writeNumberField("stacksBlocked", s.stacksBlocked());
        gen.writeNumberField("blockedNanos", s.blockedNanos());
        gen.writeNumberField("stackJobNanos", s.stackJobNanos());
        gen.writeEndObject();
    }

    private static void writeMutator(JsonGenerator gen, RunResult.MutatorCounters m) throws IOException {
        gen.writeObjectFieldStart("mutator");
        gen.writeNumberField("instructions", m.instructions());
        gen.writeNumberField("allocations", m.allocations());
        gen.writeNumberField("stackGrowths", m.stackGrowths());
        gen.writeNumberField("stackShrinks", m.stackShrinks());
        gen.writeNumberField("goroutinesCreated", m.goroutinesCreated());
        gen.writeNumberField("goroutinesExited", m.goroutinesExited());
        gen.writeEndObject();
    }

    private static void writeJvm(JsonGenerator gen, JvmInfo jvm) throws IOException {
        gen.writeObjectFieldStart("jvm");
        gen.writeStringField("version", jvm.version());
        gen.writeBooleanField("stoppedPathCompiled", jvm.stoppedPathCompiled());
        gen.writeEndObject();
    }

    private static void writeHost(JsonGenerator gen, HostInfo host) throws IOException {
        gen.writeObjectFieldStart("host");
        String model = host.cpuModel();
        if (model == null) {
            gen.writeNullField("cpuModel");
        } else {
            gen.writeStringField("cpuModel", model);
        }
        gen.writeNumberField("cpus", host.cpus());
        gen.writeEndObject();
    }

    private static void writeDeterminism(JsonGenerator gen, RunResult.@Nullable Determinism d) throws IOException {
        if (d == null) {
            return;
        }
        gen.writeObjectFieldStart("determinism");
        gen.writeNumberField("seed", d.seed());
        gen.writeStringField("digest", d.digest());
        gen.writeNumberField("events", d.events());
        gen.writeBooleanField("stuck", d.stuck() != null);
        gen.writeEndObject();
    }

    /**
     * The contract's {@code lostObjects} (objects the checkmark found unmarked) and
     * {@code useAfterFree}; beyond it {@code ok}, each other oracle's count, the oracles that
     * fired ({@code caughtBy}) and the {@code verdict} ("ok", "failed", or "not caught" when
     * pieces were broken on purpose and no oracle saw it).
     */
    private static void writeVerification(JsonGenerator gen, RunResult result, boolean anyBroken)
            throws IOException {
        RunResult.Verification v = result.verification();
        gen.writeObjectFieldStart("verification");
        gen.writeNumberField("lostObjects", v.lostObjects());
        gen.writeNumberField("useAfterFree", v.useAfterFree());
        gen.writeBooleanField("ok", !result.verificationFailed());
        gen.writeNumberField("checkmarkFailedCycles", result.checkmarkFailedCycles());
        gen.writeNumberField("mutatorCheckFailures", v.mutatorCheckFailures());
        gen.writeNumberField("runtimeThrows", v.runtimeThrows());
        gen.writeArrayFieldStart("caughtBy");
        for (String oracle : result.caughtBy()) {
            gen.writeString(oracle);
        }
        gen.writeEndArray();
        gen.writeStringField("verdict", result.verdict(anyBroken));
        gen.writeEndObject();
    }

    /** Beyond the contract: the fatal error that ended the run, or null. */
    private static void writeFatal(JsonGenerator gen, RunResult.@Nullable Fatal f) throws IOException {
        if (f == null) {
            gen.writeNullField("fatal");
            return;
        }
        gen.writeObjectFieldStart("fatal");
        gen.writeStringField("message", f.message());
        Long goid = f.goroutine();
        if (goid == null) {
            gen.writeNullField("goroutine");
        } else {
            gen.writeNumberField("goroutine", goid);
        }
        gen.writeArrayFieldStart("lines");
        for (String line : f.lines(FATAL_LINES)) {
            gen.writeString(line);
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }
}
