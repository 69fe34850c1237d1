package gcsim.integration;

import static gcsim.integration.Cli.list;
import static gcsim.integration.Cli.map;
import static gcsim.integration.Cli.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --suspend and --stack-scan end to end: echoed in "config", accounted for in each cycle's "strategies". */
class StrategiesJsonTest {

    @ParameterizedTest(name = "--suspend {0} --stack-scan {1}")
    @CsvSource({"park,two-phase", "spin,blocking"})
    void strategiesShowInConfigAndRecords(String suspend, String stackScan) {
        Cli r = Cli.run("run", "--scenario", "tight-loops", "--goroutines", "200", "--cycles", "3", "--json",
                "--suspend", suspend, "--stack-scan", stackScan, "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        Map<String, Object> j = r.json();
        Map<String, Object> config = map(j.get("config"));
        assertThat(config).containsEntry("suspend", suspend).containsEntry("stackScan", stackScan)
                .containsEntry("preempt", "async");
        List<Map<String, Object>> cycles = list(j.get("cycles"));
        assertThat(cycles).hasSize(3);
        for (Map<String, Object> c : cycles) {
            assertThat(c.get("checkmark")).isEqualTo("ok");
            Map<String, Object> s = map(c.get("strategies"));
            long taken = num(s, "stacksNoWait") + num(s, "stacksSelfScanned") + num(s, "stacksBlocked");
            if (stackScan.equals("two-phase")) {
                assertThat(taken).isEqualTo(num(c, "stacksScanned") + num(map(c.get("suspendG")), "dead"));
            } else {
                assertThat(taken).isZero();
            }
            assertThat(num(s, suspend.equals("park") ? "suspendSpins" : "suspendParks")).isZero();
            assertThat(s).containsKeys("suspendWakeups", "suspendParkTimeouts", "suspendWaitCpuNanos",
                    "suspendWaitingCalls", "blockedNanos", "stackJobNanos");
        }
        // tight-loops: only signals stop the spinners.
        assertThat(cycles).anyMatch(c -> num(map(c.get("preemptions")), "async") > 0);
    }
}
