package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad options through the real command (with the simulation engine in
 * place, unlike cli's own tests): exit 2, nothing on stdout, one line on
 * stderr that names the option, no stack trace, and no run started.
 */
class BadOptionsTest {

    @ParameterizedTest(name = "gcsim {0}")
    @ValueSource(strings = {
        "run --frob",
        "run --procs 0",
        "run --goroutines -5",
        "run --goroutines 99999999999999999999",
        "run --cycles x",
        "run --mode parallel",
        "run --preempt signal",
        "run --checkmark maybe",
        "run --timeout -1",
        "run --workers 3 --procs 2",
        "run --scenario no-such-scenario",
        "run --scenario=",
        "run --trace=",
        "run --trace /no/such/dir/t.json",
        "run -- --cycles 1",
        "scenarios extra",
        "frob",
    })
    void badOptionIsOneLineAndExitTwo(String args) {
        Cli r = Cli.run(args.split(" "));
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).as(r.err()).singleElement().asString().startsWith("gcsim: ")
                .doesNotContain("Exception").doesNotContain("\tat ");
        String option = args.split(" ")[args.startsWith("run ") ? 1 : 0].split("=")[0];
        if (option.startsWith("--") && !option.equals("--")) {
            assertThat(r.err()).as("names the option").contains(option);
        }
    }
}
