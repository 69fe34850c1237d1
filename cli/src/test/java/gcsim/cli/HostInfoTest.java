package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON report's {@code host} object: the CPU model from /proc/cpuinfo's first {@code model
 * name} (null where there is none) and the processors the JVM may use.
 */
class HostInfoTest {
    @Test
    void theCpuModelIsTheFirstModelNameLine() {
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 25",
                "model\t\t: 17", "model name\t: AMD EPYC 9R14", "stepping\t: 1", "", "processor\t: 1",
                "model name\t: Something Else");
        assertThat(HostInfo.cpuModelOf(cpuinfo)).isEqualTo("AMD EPYC 9R14");
    }

    @Test
    void noModelNameMeansNoModel() {
        assertThat(HostInfo.cpuModelOf(List.of("processor\t: 0", "model\t\t: 17"))).isNull(); // "model" is not it
        assertThat(HostInfo.cpuModelOf(List.of("model name\t:   "))).isNull();
        assertThat(HostInfo.cpuModelOf(List.of())).isNull();
    }

    @Test
    void anUnreadableFileMeansNoModel(@TempDir Path dir) throws IOException {
        assertThat(HostInfo.cpuModel(dir.resolve("missing"))).isNull();
        Path file = dir.resolve("cpuinfo");
        Files.writeString(file, "model name : Test CPU\n");
        assertThat(HostInfo.cpuModel(file)).isEqualTo("Test CPU");
    }

    @Test
    void theReportNamesThisHost() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            assertThat(Main.execute(new String[] {"run", "--json", "--deterministic", "--seed", "1", "--goroutines",
                    "10", "--cycles", "1"}, o, e)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        }
        Map<?, ?> host = (Map<?, ?>) ((Map<?, ?>) JsonTree.parse(out.toString(StandardCharsets.UTF_8))).get("host");
        List<Object> keys = new ArrayList<>(host.keySet());
        assertThat(keys).containsExactlyInAnyOrder("cpuModel", "cpus");
        assertThat(((Number) host.get("cpus")).intValue()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(host.get("cpuModel")).isEqualTo(HostInfo.current().cpuModel());
    }
}
