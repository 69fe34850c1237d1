package gcsim.integration.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The two rules that keep gcsim's module boundaries (DESIGN.md, "Modules and
 * the direction of dependencies"):
 *
 * <ol>
 *   <li>{@link #dependencyDirection()}: base (Go's throw) is the floor: it uses
 *       no gcsim module and every module may use it; heap and stacks stand on
 *       it alone (stacks does not use heap), goroutines uses both, gc-mark uses
 *       all three, process (the embedding API, GoProcess) uses gc-mark and
 *       below, cli sits on top. No arrow points up.
 *   <li>{@link #onlyExportedPackages(Map)}: a class may use another module's
 *       package only if that module exports it, to everyone or (qualified
 *       export) to the user's module. The rule reads the real
 *       {@code module-info.class} of every gcsim module, so it follows the
 *       descriptors as they change.
 *   <li>{@link #narrowExportViolations(Map)}: the packages of operations only one
 *       neighbour may use ({@link #NARROW_EXPORTS}: the heap's and the
 *       goroutines' GC-only operations, gc-mark's benchmark barrier) are
 *       exported, and only to that neighbour (gc-mark; the benchmarks), never
 *       to everyone.
 * </ol>
 *
 * A gcsim class belongs to the module whose name its package starts with
 * ({@code gcsim.goroutines.internal} belongs to {@code gcsim.goroutines});
 * {@link ArchitectureTest} checks that convention too.
 */
final class ModuleBoundaries {
    static final List<String> MODULES =
            List.of("gcsim.base", "gcsim.heap", "gcsim.stacks", "gcsim.goroutines", "gcsim.gcmark", "gcsim.process",
                    "gcsim.cli");

    /**
     * Packages of operations only one neighbour may use, and the only modules each may be
     * exported to (issue 14 item 6: GC-only operations are exported only to gc-mark; the
     * benchmark-only write barrier only to the benchmarks).
     */
    static final Map<String, Set<String>> NARROW_EXPORTS = Map.of(
            "gcsim.heap.internal", Set.of("gcsim.gcmark"),
            "gcsim.goroutines.internal", Set.of("gcsim.gcmark"),
            "gcsim.gcmark.bench", Set.of("gcsim.benchmarks"));

    private ModuleBoundaries() {}

    /**
     * Why each {@link #NARROW_EXPORTS} package breaks its rule in these descriptors, one line per
     * break: its module is missing or does not export it, exports it to everyone, or exports it
     * to a module not in its list. Empty when every such package is exported to its neighbours only.
     */
    static List<String> narrowExportViolations(Map<String, ModuleDescriptor> descriptors) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> rule : new TreeMap<>(NARROW_EXPORTS).entrySet()) {
            String pkg = rule.getKey();
            Set<String> allowed = rule.getValue();
            String module = moduleOf(pkg).orElseThrow();
            ModuleDescriptor d = descriptors.get(module);
            if (d == null) {
                violations.add("no module-info.class found for " + module);
                continue;
            }
            List<ModuleDescriptor.Exports> exports = d.exports().stream()
                    .filter(e -> e.source().equals(pkg))
                    .toList();
            if (exports.isEmpty()) {
                violations.add(module + " does not export " + pkg + " (expected: only to " + allowed + ")");
            }
            for (ModuleDescriptor.Exports e : exports) {
                if (!e.isQualified()) {
                    violations.add(module + " exports " + pkg + " to everyone; only " + allowed + " may use it");
                } else {
                    for (String target : new TreeSet<>(e.targets())) {
                        if (!allowed.contains(target)) {
                            violations.add(module + " exports " + pkg + " to " + target
                                    + "; only " + allowed + " may use it");
                        }
                    }
                }
            }
        }
        return violations;
    }

    static ArchRule dependencyDirection() {
        return layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage("gcsim..")
                .withOptionalLayers(true)
                .layer("base").definedBy("gcsim.base..")
                .layer("heap").definedBy("gcsim.heap..")
                .layer("stacks").definedBy("gcsim.stacks..")
                .layer("goroutines").definedBy("gcsim.goroutines..")
                .layer("gcmark").definedBy("gcsim.gcmark..")
                .layer("process").definedBy("gcsim.process..")
                .layer("cli").definedBy("gcsim.cli..")
                // base: any layer may use it (no rule); the rules below keep it from using them.
                .whereLayer("heap").mayOnlyBeAccessedByLayers("goroutines", "gcmark", "process", "cli")
                .whereLayer("stacks").mayOnlyBeAccessedByLayers("goroutines", "gcmark", "process", "cli")
                .whereLayer("goroutines").mayOnlyBeAccessedByLayers("gcmark", "process", "cli")
                .whereLayer("gcmark").mayOnlyBeAccessedByLayers("process", "cli")
                .whereLayer("process").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer();
    }

    static ArchRule onlyExportedPackages(Map<String, ModuleDescriptor> descriptors) {
        return ArchRuleDefinition.classes()
                .that().resideInAPackage("gcsim..")
                .should(new ArchCondition<JavaClass>("use only packages that other gcsim modules export to them") {
                    @Override
                    public void check(JavaClass origin, ConditionEvents events) {
                        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                            String target = d.getTargetClass().getPackageName();
                            Optional<String> violation = exportViolation(
                                    descriptors, origin.getPackageName(), target);
                            violation.ifPresent(why -> events.add(
                                    SimpleConditionEvent.violated(d, why + ": " + d.getDescription())));
                        }
                    }
                });
    }

    /** Why using {@code targetPackage} from {@code originPackage} breaks a module boundary, if it does. */
    static Optional<String> exportViolation(
            Map<String, ModuleDescriptor> descriptors, String originPackage, String targetPackage) {
        Optional<String> from = moduleOf(originPackage);
        Optional<String> to = moduleOf(targetPackage);
        if (from.isEmpty() || to.isEmpty() || from.equals(to)) {
            return Optional.empty();
        }
        ModuleDescriptor target = descriptors.get(to.get());
        if (target == null) {
            return Optional.of("no module-info.class found for " + to.get());
        }
        boolean exported = target.exports().stream()
                .anyMatch(e -> e.source().equals(targetPackage)
                        && (!e.isQualified() || e.targets().contains(from.get())));
        return exported
                ? Optional.empty()
                : Optional.of(to.get() + " does not export " + targetPackage + " to " + from.get());
    }

    static Optional<String> moduleOf(String pkg) {
        return MODULES.stream()
                .filter(m -> pkg.equals(m) || pkg.startsWith(m + "."))
                .findFirst();
    }

    /** Every gcsim module descriptor visible on the class path, by module name. */
    static Map<String, ModuleDescriptor> gcsimDescriptors() {
        Map<String, ModuleDescriptor> result = new LinkedHashMap<>();
        try {
            Enumeration<URL> urls = ModuleBoundaries.class.getClassLoader().getResources("module-info.class");
            for (URL url : Collections.list(urls)) {
                try (InputStream in = url.openStream()) {
                    ModuleDescriptor d = ModuleDescriptor.read(in);
                    if (MODULES.contains(d.name())) {
                        result.put(d.name(), d);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }
}
