package gcsim.integration.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
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
 *       the mutator language and the collector's door ({@code internal}) use
 *       the core; nothing points down-up (the core never uses the mutator).
 *   <li>{@link #platformUsesOnlyTheJdk(String)}: the platform package depends
 *       on the JDK and checker-qual's annotations only, so it can be read,
 *       tested and replaced without the runtime.
 *   <li>{@link #onlyTheMutatorUsesMutatorSupport()}: the runtime operations the
 *       interpreter performs beyond the public API of G, M and Sched are used
 *       by the mutator package alone.
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

    private PackageRules() {}

    /**
     * Every gcsim package is a slice; no slice may depend on another that
     * depends back on it (a cycle of any length).
     *
     * <p>One known cycle is excepted, by name: the runtime core's use of its own
     * GC door (G, Sched and Suspension install and read
     * {@code gcsim.goroutines.internal.GcSupport}, which uses G, M and Sched).
     * Removed by the sched branch; when that branch is merged, delete this
     * exception and {@code ArchitectureTest.theOnlyExceptedCycleIsTheGcDoor}.
     */
    static ArchRule noPackageCycles() {
        return noPackageCyclesWithoutExceptions()
                // Temporary: removed by the sched branch (issue 14 item 2).
                .ignoreDependency(resideInAPackage(GOROUTINES), resideInAPackage(GOROUTINES + ".internal"));
    }

    /** {@link #noPackageCycles()} without its named exception. */
    static SliceRule noPackageCyclesWithoutExceptions() {
        return slices().matching("gcsim.(**)").namingSlices("$1")
                .should().beFreeOfCycles();
    }

    /**
     * The direction inside the goroutines module rooted at {@code root}
     * ({@link #GOROUTINES} for the real one): {@code root.platform} &lt;- {@code root}
     * (the core) &lt;- {@code root.mutator} and {@code root.internal}. Only
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
                .whereLayer("core").mayOnlyBeAccessedByLayers("mutator", "gcDoor")
                .whereLayer("mutator").mayNotBeAccessedByAnyLayer()
                .whereLayer("gcDoor").mayOnlyBeAccessedByLayers("core") // removed by the sched branch
                .because("the platform is the bottom of the runtime and the mutator language sits on "
                        + "the core (issue 14 item 3)");
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
}
