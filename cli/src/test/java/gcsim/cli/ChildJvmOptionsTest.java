package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A hunt's or bench's child run gets this JVM's memory, JIT and property options, nothing else. */
class ChildJvmOptionsTest {
    @Test
    void memoryJitAndPropertiesPassOnTerminalAgentsAndDebuggersDoNot() {
        List<String> parent = List.of("-Dgcsim.stderrIsTerminal=true", "-Xmx12g", "-XX:+UseParallelGC",
                "-XX:CompileThresholdScaling=0.1", "-Dgcsim.debugHeapMarked=true", "-javaagent:/x/agent.jar",
                "-agentlib:jdwp=transport=dt_socket", "-Xdebug", "-Xrunjdwp:server=y", "--add-opens=java.base/x=y",
                "-Xss4m");
        assertThat(Hunter.childJvmOptions(parent)).containsExactly("-Xmx12g", "-XX:+UseParallelGC",
                "-XX:CompileThresholdScaling=0.1", "-Dgcsim.debugHeapMarked=true", "-Xss4m");
    }

    @Test
    void theChildCommandStartsWithJavaThenTheOptionsThenTheClassPath() {
        List<String> cmd = Hunter.javaCommand();
        assertThat(cmd.get(0)).endsWith("java");
        int cp = cmd.indexOf("-cp");
        assertThat(cp).isPositive();
        assertThat(cmd.subList(1, cp)).allMatch(a -> a.startsWith("-X") || a.startsWith("-D"))
                .noneMatch(a -> a.startsWith("-Dgcsim.stderrIsTerminal"));
        assertThat(cmd.get(cmd.size() - 1)).isEqualTo(Main.class.getName());
    }
}
