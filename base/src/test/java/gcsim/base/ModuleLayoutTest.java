package gcsim.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tests of this module run inside the named module, so JPMS rules apply to them. */
class ModuleLayoutTest {
    @Test
    void testsRunInsideTheNamedModuleWhichRequiresNoOtherGcsimModule() {
        assertThat(getClass().getModule().getName()).isEqualTo("gcsim.base");
        assertThat(getClass().getModule().getDescriptor().requires())
                .noneMatch(r -> r.name().startsWith("gcsim."));
    }
}
