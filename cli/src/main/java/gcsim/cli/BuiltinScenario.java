package gcsim.cli;

import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The built-in scenarios, in the one place that lists them: {@code gcsim
 * scenarios} prints this list and {@code --scenario NAME} looks names up here.
 * Each is a workload written in the scenario-file format and shipped as the
 * resource {@link #resourcePath()}; {@code --goroutines} scales it. The
 * descriptions say what each exercises (DESIGN.md).
 */
public enum BuiltinScenario {
    DEFAULT("default",
            "a few thousand goroutines of mixed behaviour: several cycles, concurrent mark, async preemption, checkmark on"),
    TIGHT_LOOPS("tight-loops",
            "goroutines spinning with no safe point: only async preemption can stop them for a stack scan"),
    DEEP_STACKS("deep-stacks",
            "deep recursion: stacks grow by copystack and shrink during GC; deep stack scans"),
    SYSCALLS("syscalls",
            "goroutines entering and leaving system calls (_Gsyscall): suspendG without preemption"),
    CHURN("churn",
            "goroutines exit and new ones reuse dead Gs from the free list while GC runs"),
    BLOCKED("blocked",
            "most goroutines parked (_Gwaiting): their stacks are scanned without stopping anything"),
    ALLOC_HEAVY("alloc-heavy",
            "allocation-bound mutators: mark assists and allocate-black");

    private final String scenarioName;
    private final String description;

    BuiltinScenario(String scenarioName, String description) {
        this.scenarioName = scenarioName;
        this.description = description;
    }

    /** The name users type after {@code --scenario}. */
    public String scenarioName() {
        return scenarioName;
    }

    /** What the scenario shows, one line. */
    public String description() {
        return description;
    }

    /**
     * Where the scenario's definition lives among this module's resources
     * (a scenario file, the same format users write).
     */
    public String resourcePath() {
        return "/gcsim/cli/scenarios/" + scenarioName + ".gcs";
    }

    /** The built-in scenario called {@code name} (exact, case-insensitive), or null. */
    public static @Nullable BuiltinScenario byName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (BuiltinScenario s : values()) {
            if (s.scenarioName.equals(wanted)) {
                return s;
            }
        }
        return null;
    }
}
