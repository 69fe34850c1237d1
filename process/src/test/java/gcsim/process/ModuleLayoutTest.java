package gcsim.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tests of this module run inside the named module, so JPMS rules apply to them. */
class ModuleLayoutTest {
    @Test
    void testsRunInsideTheNamedModule() {
        assertThat(getClass().getModule().getName()).isEqualTo("gcsim.process");
        assertThat(getClass().getModule().getDescriptor().requires())
                .anyMatch(r -> r.name().equals("org.checkerframework.checker.qual"));
    }
}
