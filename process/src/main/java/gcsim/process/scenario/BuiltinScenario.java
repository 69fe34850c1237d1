package gcsim.process.scenario;

import java.io.IOException;
import java.io.InputStream;
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
    /** {@code --scenario default}. */
    DEFAULT("default",
            "a few thousand goroutines of mixed behaviour: several cycles, concurrent mark, async preemption, checkmark on"),
    /** {@code --scenario tight-loops}. */
    TIGHT_LOOPS("tight-loops",
            "goroutines spinning with no safe point: only async preemption can stop them for a stack scan"),
    /** {@code --scenario deep-stacks}. */
    DEEP_STACKS("deep-stacks",
            "deep recursion: stacks grow by copystack and shrink during GC; deep stack scans"),
    /** {@code --scenario syscalls}. */
    SYSCALLS("syscalls",
            "goroutines entering and leaving system calls (_Gsyscall): suspendG without preemption"),
    /** {@code --scenario churn}. */
    CHURN("churn",
            "goroutines exit and new ones reuse dead Gs from the free list while GC runs"),
    /** {@code --scenario blocked}. */
    BLOCKED("blocked",
            "most goroutines parked (_Gwaiting): their stacks are scanned without stopping anything"),
    /** {@code --scenario alloc-heavy}. */
    ALLOC_HEAVY("alloc-heavy",
            "allocation-bound mutators: mark assists and allocate-black");

    private final String scenarioName;
    private final String description;

    BuiltinScenario(String scenarioName, String description) {
        this.scenarioName = scenarioName;
        this.description = description;
    }

    /**
     * The scenario's name.
     *
     * @return what users type after {@code --scenario}
     */
    public String scenarioName() {
        return scenarioName;
    }

    /**
     * What the scenario shows.
     *
     * @return one line
     */
    public String description() {
        return description;
    }

    /**
     * Where the scenario's definition lives among this module's resources
     * (a scenario file, the same format users write). Other modules read it
     * with {@link #text()}: the resource is encapsulated in this module.
     *
     * @return an absolute resource path
     */
    public String resourcePath() {
        return "/gcsim/process/scenarios/" + scenarioName + ".gcs";
    }

    /**
     * The name errors and reports use for the scenario's file.
     *
     * @return the scenario's name with {@code .gcs}
     */
    public String fileName() {
        return scenarioName + ".gcs";
    }

    /**
     * The scenario's text, as a scenario file holds it. Any thread.
     *
     * @return the text of {@link #resourcePath()}
     * @throws IllegalStateException when the resource is missing or unreadable (a broken build)
     */
    public String text() {
        try (InputStream in = BuiltinScenario.class.getResourceAsStream(resourcePath())) {
            if (in == null) {
                throw new IllegalStateException("built-in scenario resource missing: " + resourcePath());
            }
            return ScenarioText.decode(fileName(), in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("reading " + resourcePath(), e);
        }
    }

    /**
     * Looks a built-in scenario up by name.
     *
     * @param name the name, case-insensitive
     * @return the built-in scenario called {@code name}, or null
     */
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
