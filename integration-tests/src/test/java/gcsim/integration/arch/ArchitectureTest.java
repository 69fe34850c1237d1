package gcsim.integration.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a module depends upward or reaches into another
 * module's non-exported packages, when a GC-only package is exported beyond
 * gc-mark, when a test seam is static, when the heap keeps mutable static
 * state, when the heap's GC door reaches back into the heap core or the heap
 * uses reflection, or when packages break
 * {@link PackageRules} (a package cycle, the goroutines module's platform,
 * core and mutator pointing the wrong way). The fixture
 * tests show that these rules do fail on a violation (fixtures live in {@code ..archfixture..} packages of
 * this test tree and are excluded from the real check).
 */
class ArchitectureTest {
    private static JavaClasses production;
    private static JavaClasses fixtures;
    /** The fixture goroutines layout (root {@code gcsim.goroutines.archfixture}) for {@link PackageRules}. */
    private static JavaClasses packageFixtures;
    private static Map<String, ModuleDescriptor> descriptors;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("gcsim");
        fixtures = new ClassFileImporter().importPackages(
                "gcsim.base.archfixture", "gcsim.heap.archfixture", "gcsim.gcmark.archfixture",
                "gcsim.process.archfixture",
                "gcsim.cli.archfixture");
        packageFixtures = new ClassFileImporter().importPackages("gcsim.goroutines.archfixture");
        descriptors = ModuleBoundaries.gcsimDescriptors();
    }

    @Test
    void everyModuleDescriptorIsFound() {
        assertThat(descriptors).containsOnlyKeys(ModuleBoundaries.MODULES);
    }

    @Test
    void everyPackageBelongsToTheModuleItIsNamedAfter() {
        for (ModuleDescriptor d : descriptors.values()) {
            for (ModuleDescriptor.Exports e : d.exports()) {
                assertThat(ModuleBoundaries.moduleOf(e.source())).as(e.source()).contains(d.name());
            }
        }
    }

    /** Guards the two rules below against passing because the importer saw nothing. */
    @Test
    void theImporterSeesEveryExportedPackage() {
        for (ModuleDescriptor d : descriptors.values()) {
            for (ModuleDescriptor.Exports e : d.exports()) {
                assertThat(production.containPackage(e.source())).as(e.source()).isTrue();
            }
        }
    }

    @Test
    void noModuleDependsUpward() {
        ModuleBoundaries.dependencyDirection().allowEmptyShould(true).check(production);
    }

    @Test
    void noModuleReachesAnotherModulesNonExportedPackages() {
        ModuleBoundaries.onlyExportedPackages(descriptors).allowEmptyShould(true).check(production);
    }

    @Test
    void theDirectionRuleCatchesAnUpwardDependency() {
        EvaluationResult result = ModuleBoundaries.dependencyDirection().evaluate(fixtures);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.heap.archfixture.ReachesUpward")
                        && line.contains("gcsim.gcmark.archfixture.Collector"));
    }

    /** gc-mark sits below the embedding API: its tests cannot use GoProcess, the command can. */
    @Test
    void theDirectionRuleKeepsGcMarkBelowTheProcessModule() {
        EvaluationResult result = ModuleBoundaries.dependencyDirection().evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.gcmark.archfixture.ReachesTheProcess")
                        && line.contains("gcsim.process.archfixture.Embedder"))
                .noneMatch(line -> line.contains("gcsim.cli.archfixture.Embeds"));
    }

    /** base is the floor: a base class that uses any other gcsim module (here the heap) breaks the rule. */
    @Test
    void theDirectionRuleCatchesBaseUsingAnotherModule() {
        EvaluationResult result = ModuleBoundaries.dependencyDirection().evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.base.archfixture.LeansOnTheHeap")
                        && line.contains("gcsim.heap.archfixture.Hidden"));
    }

    /** base's descriptor, too, requires no gcsim module (the JDK and checker-qual only). */
    @Test
    void baseRequiresNoGcsimModule() {
        assertThat(descriptors.get("gcsim.base").requires()).noneMatch(r -> r.name().startsWith("gcsim."));
    }

    @Test
    void theExportRuleCatchesAReachIntoInternals() {
        EvaluationResult result = ModuleBoundaries.onlyExportedPackages(descriptors).evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.heap does not export gcsim.heap.archfixture to gcsim.cli"));
    }

    @Test
    void aQualifiedExportAdmitsOnlyItsTarget() {
        ModuleDescriptor heap = ModuleDescriptor.newModule("gcsim.heap")
                .exports("gcsim.heap")
                .exports(java.util.Set.of(), "gcsim.heap.internal", java.util.Set.of("gcsim.gcmark"))
                .build();
        Map<String, ModuleDescriptor> ds = Map.of("gcsim.heap", heap);
        assertThat(ModuleBoundaries.exportViolation(ds, "gcsim.gcmark", "gcsim.heap.internal")).isEmpty();
        assertThat(ModuleBoundaries.exportViolation(ds, "gcsim.goroutines", "gcsim.heap")).isEmpty();
        assertThat(ModuleBoundaries.exportViolation(ds, "gcsim.goroutines", "gcsim.heap.internal"))
                .contains("gcsim.heap does not export gcsim.heap.internal to gcsim.goroutines");
    }

    @Test
    void gcOnlyPackagesAreExportedOnlyToGcMark() {
        assertThat(ModuleBoundaries.narrowExportViolations(descriptors)).isEmpty();
    }

    /** The rule above fails on a GC-only package exported to everyone, to a wrong module, or not at all. */
    @Test
    void theNarrowExportRuleCatchesAWideExport() {
        ModuleDescriptor toEveryone = ModuleDescriptor.newModule("gcsim.heap")
                .exports("gcsim.heap")
                .exports("gcsim.heap.internal")
                .build();
        assertThat(ModuleBoundaries.narrowExportViolations(
                        withHeap(toEveryone)))
                .containsExactly("gcsim.heap exports gcsim.heap.internal to everyone; only [gcsim.gcmark] may use it");
        ModuleDescriptor toCliToo = ModuleDescriptor.newModule("gcsim.heap")
                .exports("gcsim.heap")
                .exports(java.util.Set.of(), "gcsim.heap.internal", java.util.Set.of("gcsim.gcmark", "gcsim.cli"))
                .build();
        assertThat(ModuleBoundaries.narrowExportViolations(
                        withHeap(toCliToo)))
                .containsExactly("gcsim.heap exports gcsim.heap.internal to gcsim.cli; only [gcsim.gcmark] may use it");
        ModuleDescriptor notAtAll = ModuleDescriptor.newModule("gcsim.heap").exports("gcsim.heap").build();
        assertThat(ModuleBoundaries.narrowExportViolations(
                        withHeap(notAtAll)))
                .containsExactly("gcsim.heap does not export gcsim.heap.internal (expected: only to [gcsim.gcmark])");
    }

    /** The real descriptors, with the heap's replaced by a fixture. */
    private static Map<String, ModuleDescriptor> withHeap(ModuleDescriptor heap) {
        Map<String, ModuleDescriptor> ds = new java.util.HashMap<>(descriptors);
        ds.put("gcsim.heap", heap);
        return ds;
    }

    /** A collector's use of the heap's GC-only package passes the export rule; a cli class's does not. */
    @Test
    void onlyGcMarkMayUseTheHeapsGcOnlyPackage() {
        assertThat(ModuleBoundaries.exportViolation(descriptors, "gcsim.gcmark", "gcsim.heap.internal")).isEmpty();
        assertThat(ModuleBoundaries.exportViolation(descriptors, "gcsim.cli", "gcsim.heap.internal"))
                .contains("gcsim.heap does not export gcsim.heap.internal to gcsim.cli");
        assertThat(ModuleBoundaries.exportViolation(descriptors, "gcsim.goroutines", "gcsim.heap.internal"))
                .contains("gcsim.heap does not export gcsim.heap.internal to gcsim.goroutines");
    }

    /**
     * Test seams (fields named {@code ...ForTest}) are per instance, set on the test's own runtime,
     * heap or collector, never static: a static one lets a test affect any other test in the JVM.
     */
    static ArchRule noTestSeamIsStatic() {
        return fields().that().haveNameMatching(".*ForTest")
                .should().notBeStatic()
                .because("a test seam belongs to one runtime, heap or collector (issue 14), not to the JVM");
    }

    @Test
    void noTestSeamIsStaticInProduction() {
        noTestSeamIsStatic().allowEmptyShould(true).check(production);
    }

    /** Guards the rule above against passing because production has no seam at all. */
    @Test
    void theImporterSeesTheInstanceSeams() {
        assertThat(production.get("gcsim.goroutines.Sched").getFields())
                .anyMatch(f -> f.getName().equals("suspendWaitHookForTest"));
        assertThat(production.get("gcsim.heap.MHeap").getFields())
                .anyMatch(f -> f.getName().equals("takeSpanHookForTest"));
    }

    /**
     * Static fields of the heap excepted from the rule below: none. (The collector's door is an
     * instance per heap, {@code Heap.gc()}; no static bridge hands it out.)
     */
    static final Set<String> HEAP_STATIC_BRIDGES = Set.of();

    /**
     * The heap keeps no mutable static state (issue 14: no static, growing type table): every
     * static field in {@code gcsim.heap..} is final and holds no container that can change, so
     * two heaps in one JVM share nothing but constants (primitive tables such as Go's size
     * classes, method and var handles). Object arrays, atomics, collections and maps are refused.
     */
    static ArchRule heapHasNoMutableStaticState() {
        return fields().that().areDeclaredInClassesThat().resideInAPackage("gcsim.heap..")
                .and().areStatic()
                .should(new ArchCondition<JavaField>("be constants (final, primitive or immutable)") {
                    @Override
                    public void check(JavaField f, ConditionEvents events) {
                        String name = f.getOwner().getName() + "." + f.getName();
                        if (f.getModifiers().contains(JavaModifier.SYNTHETIC) || HEAP_STATIC_BRIDGES.contains(name)) {
                            return;
                        }
                        JavaClass type = f.getRawType();
                        String why = null;
                        if (!f.getModifiers().contains(JavaModifier.FINAL)) {
                            why = "is not final";
                        } else if (type.isArray() && !type.getBaseComponentType().isPrimitive()) {
                            why = "is an array of references (a table that can fill)";
                        } else if (type.getPackageName().equals("java.util.concurrent.atomic")
                                || type.isAssignableTo(java.util.Collection.class)
                                || type.isAssignableTo(java.util.Map.class)) {
                            why = "holds mutable state (" + type.getSimpleName() + ")";
                        }
                        if (why != null) {
                            events.add(SimpleConditionEvent.violated(f, name + " " + why));
                        }
                    }
                })
                .because("the heap is an instance: two heaps in one JVM share no state (issue 14)");
    }

    @Test
    void theHeapHasNoMutableStaticState() {
        heapHasNoMutableStaticState().check(production);
    }

    @Test
    void theHeapStateRuleCatchesAStaticGrowingTable() {
        EvaluationResult result = heapHasNoMutableStaticState().evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.heap.archfixture.GrowingTable.table is not final"))
                .anyMatch(line -> line.contains("gcsim.heap.archfixture.GrowingTable.NEXT_ID holds mutable state"))
                .anyMatch(line -> line.contains("gcsim.heap.archfixture.GrowingTable.BY_ID is an array of references"))
                .noneMatch(line -> line.contains("GrowingTable.SIZES"));
    }

    @Test
    void theSeamRuleCatchesAStaticSeam() {
        EvaluationResult result = noTestSeamIsStatic().evaluate(fixtures);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.heap.archfixture.StaticSeam.hookForTest"));
    }

    // ---- the heap's GC door ----

    /** The heap's GC-only package (the collector's door), exported to gc-mark alone. */
    static final String HEAP_GC_DOOR = "gcsim.heap.internal";

    /** gc-mark's package for the JMH benchmarks (a standalone write barrier), exported to them alone. */
    static final String BENCHMARK_DOOR = "gcsim.gcmark.bench";

    /**
     * A door ({@code door}, and below: the heap's GC door, gc-mark's benchmark door) is a lower
     * layer its module's core builds on: it depends on the JDK, checker-qual's annotations, itself
     * and the lower modules in {@code lower} only, so it names nothing in its core and the core's
     * use of it points one way (issue 14: no package cycle, no hidden one).
     */
    static ArchRule doorIsALowerLayer(String door, String... lower) {
        List<String> allowed = new java.util.ArrayList<>(List.of("java..", "org.checkerframework..", door + ".."));
        allowed.addAll(List.of(lower));
        return classes().that().resideInAPackage(door + "..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed.toArray(String[]::new))
                .because("the core implements its door; the door never reaches back (issue 14)");
    }

    /** Guards a layer rule against passing because the door is empty, and shows {@code coreClass} uses it. */
    private static void assertCoreUsesDoor(String coreClass, String door) {
        assertThat(production.containPackage(door)).isTrue();
        assertThat(production.get(coreClass).getDirectDependenciesFromSelf())
                .anyMatch(d -> d.getTargetClass().getPackageName().equals(door));
    }

    /**
     * No class in {@code root} (and below) uses reflection: nothing in {@code java.lang.reflect},
     * no class found by name. A dependency made by name is hidden from the compiler, the module
     * system and the rules above.
     */
    static ArchRule usesNoReflection(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.reflect..")
                .orShould().callMethod(Class.class, "forName", String.class)
                .orShould().callMethod(Class.class, "forName", String.class, boolean.class, ClassLoader.class)
                .because("every dependency between gcsim's packages is one the build sees (issue 14)");
    }

    @Test
    void theHeapGcDoorIsALowerLayer() {
        doorIsALowerLayer(HEAP_GC_DOOR).check(production);
    }

    @Test
    void theImporterSeesTheHeapGcDoor() {
        assertCoreUsesDoor("gcsim.heap.Heap", HEAP_GC_DOOR);
    }

    @Test
    void theLayerRuleCatchesADoorReachingIntoTheCore() {
        EvaluationResult result = doorIsALowerLayer("gcsim.heap.archfixture.internal").evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.heap.archfixture.internal.ReachesIntoTheCore.peek()")
                        && line.contains("gcsim.heap.archfixture.Hidden.secret()"));
    }

    /** No gcsim module finds a class by name (gc-mark's benchmark door once did, to hide a cycle). */
    @Test
    void noGcsimModuleUsesReflection() {
        usesNoReflection("gcsim").check(production);
    }

    /** gc-mark's benchmark door is a lower layer, like the heap's GC door: it names nothing in gc-mark. */
    @Test
    void theBenchmarkDoorIsALowerLayerOfGcMark() {
        doorIsALowerLayer(BENCHMARK_DOOR, "gcsim.heap..").check(production);
        assertCoreUsesDoor("gcsim.gcmark.Collector", BENCHMARK_DOOR);
    }

    @Test
    void theReflectionRuleCatchesAClassCreatedByName() {
        EvaluationResult result = usesNoReflection("gcsim.heap.archfixture").evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.heap.archfixture.ByName.create(java.lang.String)")
                        && line.contains("Class.forName"))
                .anyMatch(line -> line.contains("java.lang.reflect.Constructor"))
                .noneMatch(line -> line.contains("Hidden"));
    }

    // ---- packages (PackageRules) ----

    private static final String FIXTURE_ROOT = "gcsim.goroutines.archfixture";

    @Test
    void noPackageCycles() {
        PackageRules.noPackageCycles().check(production);
    }

    /** The cycles a slice rule found, each as its slices joined by " -> " (the report's first lines). */
    private static List<String> cycles(EvaluationResult result) {
        return result.getFailureReport().getDetails().stream()
                .filter(d -> d.startsWith("Cycle detected: "))
                .map(d -> d.substring("Cycle detected: ".length()).split("\\R\\s*1\\. ")[0]
                        .replaceAll("\\s+", " ").trim())
                .toList();
    }

    @Test
    void theCycleRuleCatchesACycle() {
        EvaluationResult result = PackageRules.noPackageCycles().evaluate(packageFixtures);
        assertThat(cycles(result)).containsExactly(
                "goroutines.archfixture -> goroutines.archfixture.mutator -> goroutines.archfixture");
    }

    @Test
    void theGoroutinesPackagesPointOneWay() {
        PackageRules.goroutinesPackageDirection(PackageRules.GOROUTINES).check(production);
    }

    /** Guards the direction rule against passing because a layer is empty. */
    @Test
    void theImporterSeesEveryGoroutinesPackage() {
        for (String pkg : List.of("", ".platform", ".mutator", ".internal")) {
            assertThat(production.containPackage(PackageRules.GOROUTINES + pkg)).as(pkg).isTrue();
        }
        assertThat(production.get("gcsim.goroutines.mutator.Interp").getDirectDependenciesFromSelf())
                .anyMatch(d -> d.getTargetClass().getFullName().equals(PackageRules.MUTATOR_SUPPORT));
    }

    @Test
    void theDirectionRuleCatchesTheCoreUsingTheMutator() {
        EvaluationResult result = PackageRules.goroutinesPackageDirection(FIXTURE_ROOT).evaluate(packageFixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.goroutines.archfixture.Core.run()")
                        && line.contains("gcsim.goroutines.archfixture.mutator.Language.opcodes()"));
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.goroutines.archfixture.platform.Leaky.peek()")
                        && line.contains("gcsim.goroutines.archfixture.Core.status()"));
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.goroutines.archfixture.internal.Door.peek()")
                        && line.contains("gcsim.goroutines.archfixture.Core.status()"));
    }

    @Test
    void thePlatformUsesOnlyTheJdk() {
        PackageRules.platformUsesOnlyTheJdk(PackageRules.GOROUTINES + ".platform").check(production);
    }

    @Test
    void thePlatformRuleCatchesAReachIntoTheRuntime() {
        EvaluationResult result = PackageRules.platformUsesOnlyTheJdk(FIXTURE_ROOT + ".platform")
                .evaluate(packageFixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.goroutines.archfixture.platform.Leaky.peek()")
                        && line.contains("gcsim.goroutines.archfixture.Core.status()"));
    }

    @Test
    void theReportReadsOnlyJson() {
        assertThat(production.containPackage(PackageRules.REPORT)).isTrue();
        PackageRules.reportReadsOnlyJson(PackageRules.REPORT).check(production);
    }

    @Test
    void theReportRuleCatchesAReachIntoTheCollector() {
        EvaluationResult result = PackageRules.reportReadsOnlyJson("gcsim.cli.archfixture.report").evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.cli.archfixture.report.ReadsTheCollector.cycle(")
                        && line.contains("gcsim.gcmark.CycleRecord"));
    }

    @Test
    void onlyTheMutatorUsesMutatorSupport() {
        PackageRules.onlyTheMutatorUsesMutatorSupport().check(production);
    }

    @Test
    void theMutatorSupportRuleCatchesAnotherUser() {
        EvaluationResult result = PackageRules.onlyTheMutatorUsesMutatorSupport().evaluate(fixtures);
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("gcsim.cli.archfixture.MutatorMeddler.meddle()")
                        && line.contains("gcsim.goroutines.MutatorSupport.hex(long)"));
    }
}
