package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./gcsim} launcher at the repository root. The script is copied
 * into a temporary "repository" and run with stub {@code java} and
 * {@code mvn} programs on PATH that record how they were called, so the test
 * checks the build-on-first-use logic without running Maven.
 *
 * <p>Tried by hand as well (on the build machine, from /tmp and from /):
 * {@code ./gcsim --help} (built on first use, then ran), {@code ./gcsim
 * scenarios} (seven lines), {@code ./gcsim run --procs 0; echo $?} (one line
 * "gcsim: --procs must be between 1 and 256, got 0", then 2), and after
 * touching a source file it said "gcsim: sources changed, rebuilding...".
 */
class LauncherScriptTest {
    private static final Path SCRIPT = Path.of("..", "gcsim").toAbsolutePath().normalize();

    @TempDir
    Path repo;
    @TempDir
    Path bin;
    private Path log;

    @BeforeEach
    void stubs() throws IOException {
        log = bin.resolve("calls.log");
        Files.copy(SCRIPT, repo.resolve("gcsim"));
        Files.createDirectories(repo.resolve("cli/src/main/java"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
        setOld(repo.resolve("pom.xml"));
        setOld(repo.resolve("cli/src/main/java"));
    }

    @Test
    void scriptIsValidBashAndExecutable() throws Exception {
        assertThat(Files.isExecutable(SCRIPT)).isTrue();
        Result r = bash(List.of("/bin/bash", "-n", SCRIPT.toString()), System.getenv("PATH"), "");
        assertThat(r.status).as(r.err).isZero();
    }

    @Test
    void missingJavaIsOneClearLineAndExitTwo() throws Exception {
        Result r = launch(bin.toString(), "", "--help"); // bin holds neither java nor mvn yet
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).isEqualTo("gcsim: 'java' not found on PATH: install a JDK 17+ and Maven"
                + " (Debian: apt-get install openjdk-17-jdk maven)\n");
    }

    @Test
    void missingMavenOnFirstRunIsOneClearLineAndExitTwo() throws Exception {
        stub("java", "");
        Result r = launch(bin.toString(), "", "--help");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).contains("gcsim: 'mvn' not found").contains("apt-get install openjdk-17-jdk maven");
        assertThat(r.err.lines()).hasSize(1);
    }

    @Test
    void firstRunBuildsThenRunsTheJarWithJavaOptsAndArguments() throws Exception {
        stubJavaAndMaven();
        Result r = launch(bin + ":/usr/bin:/bin", "-Xmx64m -Dx=y", "run", "--scenario", "a b");
        assertThat(r.status).as(r.err).isZero();
        assertThat(r.err).isEqualTo("gcsim: building (first run)...\n");
        assertThat(r.out).as("build output stays off stdout").isEqualTo("java ran\n");
        assertThat(Files.readAllLines(log)).containsExactly(
                "mvn -B -q -Dstyle.color=never -DskipTests -DskipChecker package -pl cli -am in " + repo.toRealPath(),
                "java -Dgcsim.stderrIsTerminal=false " + jitOptions() + " -Xmx64m -Dx=y -jar " + repo.toRealPath()
                        + "/cli/target/gcsim.jar run --scenario [a b]");
    }

    /**
     * The stopped path's compile policy (docs/benchmarks.md, "The stopped path compiled"): the
     * launcher passes the compile commands file of the repository it runs from and the two JIT
     * options, before JAVA_OPTS (which can override them); GCSIM_JIT=default passes none.
     */
    @Test
    void theStoppedPathsCompilePolicyIsPassedUnlessGcsimJitIsDefault() throws Exception {
        stubJavaAndMaven();
        launch(bin + ":/usr/bin:/bin", "", "scenarios");
        assertThat(Files.readAllLines(log)).last().asString()
                .isEqualTo("java -Dgcsim.stderrIsTerminal=false " + jitOptions() + " -jar " + repo.toRealPath()
                        + "/cli/target/gcsim.jar scenarios");
        Files.delete(log);

        List<String> cmd = List.of("/bin/bash", repo.resolve("gcsim").toString(), "scenarios");
        Result r = bash(cmd, bin + ":/usr/bin:/bin", "-Xmx64m", "default");
        assertThat(r.status).as(r.err).isZero();
        assertThat(Files.readAllLines(log)).singleElement().asString()
                .isEqualTo("java -Dgcsim.stderrIsTerminal=false -Xmx64m -jar " + repo.toRealPath()
                        + "/cli/target/gcsim.jar scenarios");
    }

    /** What the launcher passes for the stopped path's compile policy (its file in this repository). */
    private String jitOptions() throws IOException {
        return "-XX:+IgnoreUnrecognizedVMOptions -XX:CompileCommandFile=" + repo.toRealPath()
                + "/cli/src/main/jvm/stopped-path-compile-commands.txt -XX:MinInliningThreshold=0 -XX:CICompilerCount=4";
    }

    /** On a terminal (a pty from util-linux's script) the launcher tells Java that stderr is one. */
    @Test
    void stderrOnATerminalIsPassedToJava() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "util-linux script (makes a pty) is not installed");
        stubJavaAndMaven();
        String launch = "/bin/bash " + repo.resolve("gcsim") + " scenarios";
        Result r = bash(List.of(script.toString(), "-qec", launch, "/dev/null"), bin + ":/usr/bin:/bin", "");
        assertThat(r.status).as(r.out + r.err).isZero();
        assertThat(Files.readAllLines(log)).last().asString()
                .startsWith("java -Dgcsim.stderrIsTerminal=true " + jitOptions() + " -jar ");
    }

    @Test
    void upToDateJarIsNotRebuiltAndANewerSourceRebuildsIt() throws Exception {
        stubJavaAndMaven();
        launch(bin + ":/usr/bin:/bin", "", "scenarios");
        Files.delete(log);

        Result again = launch(bin + ":/usr/bin:/bin", "", "scenarios");
        assertThat(again.err).isEmpty();
        assertThat(Files.readAllLines(log)).singleElement().asString().startsWith("java ");
        Files.delete(log);

        Path source = Files.writeString(repo.resolve("cli/src/main/java/New.java"), "class New {}\n");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
        Result rebuilt = launch(bin + ":/usr/bin:/bin", "", "scenarios");
        assertThat(rebuilt.err).isEqualTo("gcsim: sources changed, rebuilding...\n");
        assertThat(Files.readAllLines(log)).hasSize(2).first().asString().startsWith("mvn ");
    }

    @Test
    void failedBuildShowsMavensOutputAndExitsTwo() throws Exception {
        stub("java", "echo java ran");
        stub("mvn", "echo '[ERROR] COMPILATION ERROR'; exit 1");
        Result r = launch(bin + ":/usr/bin:/bin", "", "run");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).contains("[ERROR] COMPILATION ERROR").contains("gcsim: the build failed");
        assertThat(r.out).isEmpty();
    }

    private void stubJavaAndMaven() throws IOException {
        // mvn: log the call and the directory, then "build" the jar.
        stub("mvn", "echo \"mvn $*\" in \"$PWD\" >> '" + log + "'; echo '[INFO] noise'; "
                + "mkdir -p cli/target && : > cli/target/gcsim.jar");
        // java: log the arguments, bracketing any with a space to show word boundaries.
        stub("java", "line=java; for a in \"$@\"; do case \"$a\" in *' '*) a=\"[$a]\";; esac; line=\"$line $a\"; done; "
                + "echo \"$line\" >> '" + log + "'; echo java ran");
    }

    private void stub(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void setOld(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
    }

    /** Runs the copied launcher from an unrelated directory with the given PATH. */
    private Result launch(String path, String javaOpts, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/bin/bash", repo.resolve("gcsim").toString()));
        cmd.addAll(List.of(args));
        return bash(cmd, path, javaOpts);
    }

    private Result bash(List<String> cmd, String path, String javaOpts) throws Exception {
        return bash(cmd, path, javaOpts, null);
    }

    /** Runs {@code cmd} with PATH, JAVA_OPTS and (unless null) GCSIM_JIT set; the rest of the environment as the test's. */
    private Result bash(List<String> cmd, String path, String javaOpts, @Nullable String gcsimJit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(bin.toFile());
        pb.environment().put("PATH", path);
        pb.environment().put("JAVA_OPTS", javaOpts);
        if (gcsimJit == null) {
            pb.environment().remove("GCSIM_JIT");
        } else {
            pb.environment().put("GCSIM_JIT", gcsimJit);
        }
        Path out = Files.createTempFile(bin, "out", ".txt");
        Path err = Files.createTempFile(bin, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private record Result(int status, String out, String err) {}
}
