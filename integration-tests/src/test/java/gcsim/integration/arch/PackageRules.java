package gcsim.integration.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SliceRule;

/**
 * The rules that keep gcsim's packages (inside its modules) showing the
 * architecture, next to {@link ModuleBoundaries}' rules between modules:
 *
 * <ol>
 *   <li>{@link #noPackageCycles()}: no two gcsim packages, in any module,
 *       depend on each other, directly or around a longer circle.
 *   <li>{@link #goroutinesPackageDirection(String)}: inside the goroutines
 *       module, the platform is at the bottom, the runtime core uses it, and
 *       the mutator language uses the core, and the core implements the
 *       collector's door ({@code internal}), which names no core type; nothing
 *       points down-up (the core never uses the mutator, the door never the core).
 *   <li>{@link #platformUsesOnlyTheJdk(String)}: the platform package depends
 *       on the JDK and checker-qual's annotations only, so it can be read,
 *       tested and replaced without the runtime.
 *   <li>{@link #onlyTheMutatorUsesMutatorSupport()}: the runtime operations the
 *       interpreter performs beyond the public API of G, M and Sched are used
 *       by the mutator package alone.
 *   <li>{@link #reportReadsOnlyJson(String)}: {@code gcsim report}'s package
 *       ({@link #REPORT}) works from the JSON files alone: it uses no other gcsim
 *       package (not the simulation's records, not the command around it), only the
 *       JDK, the JSON parser and reader ({@code gcsim.cli.json}) and the charting library, so it reads any report a
 *       {@code gcsim run --json} ever wrote, on any machine.
 * </ol>
 *
 * Rules that name packages take the root so that {@link ArchitectureTest}'s
 * fixtures (under {@code gcsim.goroutines.archfixture}) can show each rule
 * failing: a fixture class cannot live in a package the goroutines module
 * already has.
 */
final class PackageRules {
    /** The runtime core's package. */
    static final String GOROUTINES = "gcsim.goroutines";
    /** The class the mutator package reaches the runtime through. */
    static final String MUTATOR_SUPPORT = "gcsim.goroutines.MutatorSupport";
    /** The package of {@code gcsim report}. */
    static final String REPORT = "gcsim.cli.report";

    private PackageRules() {}

    /**
     * Every gcsim package is a slice; no slice may depend on another that
     * depends back on it (a cycle of any length). No exception: the runtime
     * core and its GC door ({@code gcsim.goroutines.internal}) were one until
     * the door became a lower layer of the core.
     */
    static SliceRule noPackageCycles() {
        return slices().matching("gcsim.(**)").namingSlices("$1")
                .should().beFreeOfCycles();
    }

    /**
     * The direction inside the goroutines module rooted at {@code root}
     * ({@link #GOROUTINES} for the real one): {@code root.platform} &lt;- {@code root}
     * (the core) &lt;- {@code root.mutator}, and {@code root.internal} (the
     * collector's door: JDK types only, implemented by the core) &lt;- the core. Only
     * dependencies between these packages count: other modules may use any of
     * them that the module exports.
     */
    static ArchRule goroutinesPackageDirection(String root) {
        return layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("platform").definedBy(root + ".platform..")
                .layer("core").definedBy(root)
                .layer("mutator").definedBy(root + ".mutator..")
                .layer("gcDoor").definedBy(root + ".internal..")
                .whereLayer("platform").mayOnlyBeAccessedByLayers("core", "mutator", "gcDoor")
                .whereLayer("core").mayOnlyBeAccessedByLayers("mutator")
                .whereLayer("mutator").mayNotBeAccessedByAnyLayer()
                .whereLayer("gcDoor").mayOnlyBeAccessedByLayers("core")
                .because("the platform is the bottom of the runtime, the mutator language sits on "
                        + "the core, and the collector's door is a layer the core builds on (issue 14 items 3, 6)");
    }

    /** Classes in {@code platformPackage} (and below) use the JDK, checker-qual and each other only. */
    static ArchRule platformUsesOnlyTheJdk(String platformPackage) {
        return ArchRuleDefinition.classes()
                .that().resideInAPackage(platformPackage + "..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.checkerframework..", platformPackage + "..")
                .because("the platform depends on the JDK only (issue 14 item 3)");
    }

    /** No class outside the core and the mutator packages uses {@link #MUTATOR_SUPPORT}. */
    static ArchRule onlyTheMutatorUsesMutatorSupport() {
        return ArchRuleDefinition.noClasses()
                .that().resideOutsideOfPackages(GOROUTINES, GOROUTINES + ".mutator..")
                .should().dependOnClassesThat().haveFullyQualifiedName(MUTATOR_SUPPORT)
                .because("MutatorSupport is the mutator language's door into the runtime, "
                        + "as GcSupport is the collector's");
    }

    /**
     * Classes in {@code reportPackage} (and below) use the JDK, jackson-core, JFreeChart and
     * JFreeSVG, checker-qual's annotations and each other only.
     */
    static ArchRule reportReadsOnlyJson(String reportPackage) {
        return ArchRuleDefinition.classes()
                .that().resideInAPackage(reportPackage + "..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax..", "org.checkerframework..", "com.fasterxml.jackson.core..",
                        "org.jfree..", "gcsim.cli.json..", reportPackage + "..")
                .because("gcsim report works from the JSON reports alone (issue 18)");
    }
}
