package io.attnspark;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.attnspark.model.attention.AttentionModule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dependency direction between the attnspark packages: datasets and model know nothing of training or results,
 * the record schema stands alone, the results side knows only the record schema, and sweeps drive training without
 * the CLI or the results side. Inside the model, the ops know no module, and the backbones, the trainer and the
 * explainer know modules only through {@link AttentionModule}, so that adding a module touches only its own files.
 */
class ArchitectureTest {

    private static final String DATASETS = "io.attnspark.datasets..";
    private static final String MODEL = "io.attnspark.model..";
    private static final String TRAIN = "io.attnspark.train..";
    private static final String RECORD = "io.attnspark.record..";
    private static final String RESULTS = "io.attnspark.results..";
    private static final String CLI = "io.attnspark.cli..";
    private static final String SWEEP = "io.attnspark.sweep..";
    private static final String EXPLAIN = "io.attnspark.explain..";
    private static final String ANY_ATTNSPARK = "io.attnspark..";
    private static final String ATTENTION = "io.attnspark.model.attention..";
    private static final String OPS = "io.attnspark.model.layer..";
    private static final String BACKBONES = "io.attnspark.model.backbone..";

    /** A class of the attention package that implements {@link AttentionModule}, or a type nested in one. */
    private static final DescribedPredicate<JavaClass> CONCRETE_MODULE = new DescribedPredicate<>("are concrete attention modules") {
        @Override
        public boolean test(JavaClass type) {
            JavaClass outer = type;
            while (outer.getEnclosingClass().isPresent()) {
                outer = outer.getEnclosingClass().get();
            }
            return outer.getPackageName().equals(AttentionModule.class.getPackageName()) && !outer.isInterface()
                    && outer.isAssignableTo(AttentionModule.class);
        }
    };

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // main classes of both modules (trainer classes and the datasets module's classes or jar), no test classes
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.attnspark");
    }

    @Test
    void theRulesSeeTheProjectClasses() {
        assertTrue(classes.contain("io.attnspark.record.RunRecord"), "record classes were not imported");
        assertTrue(classes.contain("io.attnspark.results.Aggregator"), "results classes were not imported");
        assertTrue(classes.contain("io.attnspark.datasets.pack.ShardPacker"), "datasets classes were not imported");
        assertTrue(classes.contain("io.attnspark.train.Trainer"), "train classes were not imported");
        assertTrue(classes.contain("io.attnspark.model.Models"), "model classes were not imported");
    }

    @Test
    void datasetsDependOnNoTrainerPackage() {
        check(noClasses().that().resideInAPackage(DATASETS)
                .should().dependOnClassesThat().resideInAnyPackage(MODEL, TRAIN, RECORD, RESULTS, CLI));
    }

    @Test
    void modelDependsOnNeitherTrainingNorResults() {
        check(noClasses().that().resideInAPackage(MODEL)
                .should().dependOnClassesThat().resideInAnyPackage(TRAIN, RECORD, RESULTS, CLI));
    }

    @Test
    void recordDependsOnNoOtherAttnsparkPackage() {
        check(noClasses().that().resideInAPackage(RECORD)
                .should().dependOnClassesThat(resideInAPackage(ANY_ATTNSPARK).and(not(resideInAPackage(RECORD)))));
    }

    @Test
    void resultsDependOnlyOnTheRecordSchema() {
        check(noClasses().that().resideInAPackage(RESULTS)
                .should().dependOnClassesThat(resideInAPackage(ANY_ATTNSPARK)
                        .and(not(resideInAnyPackage(RESULTS, RECORD)))));
    }

    @Test
    void trainingDependsOnNeitherCliNorResults() {
        check(noClasses().that().resideInAPackage(TRAIN)
                .should().dependOnClassesThat().resideInAnyPackage(CLI, RESULTS));
    }

    @Test
    void sweepDependsOnNeitherCliNorResults() {
        check(noClasses().that().resideInAPackage(SWEEP)
                .should().dependOnClassesThat().resideInAnyPackage(CLI, RESULTS));
    }

    @Test
    void onlyTheCliDependsOnTheSweep() {
        check(noClasses().that().resideInAnyPackage(DATASETS, MODEL, TRAIN, RECORD, RESULTS)
                .should().dependOnClassesThat().resideInAPackage(SWEEP));
    }

    @Test
    void explainDependsOnNeitherCliNorResults() {
        check(noClasses().that().resideInAPackage(EXPLAIN)
                .should().dependOnClassesThat().resideInAnyPackage(CLI, RESULTS, SWEEP));
    }

    @Test
    void onlyTheCliDependsOnExplain() {
        check(noClasses().that().resideInAnyPackage(DATASETS, MODEL, TRAIN, RECORD, RESULTS, SWEEP)
                .should().dependOnClassesThat().resideInAPackage(EXPLAIN));
    }

    @Test
    void opsDependOnNoAttentionModule() {
        check(noClasses().that().resideInAPackage(OPS).should().dependOnClassesThat().resideInAPackage(ATTENTION));
    }

    @Test
    void backbonesTrainerAndExplainerNameNoConcreteModule() {
        check(noClasses().that().resideInAnyPackage(BACKBONES, TRAIN, EXPLAIN)
                .should().dependOnClassesThat(CONCRETE_MODULE));
    }

    /** Backbones take a placed module, not the spec that names them, so ModelSpec and Backbone form no cycle. */
    @Test
    void backbonesKnowNeitherTheSpecNorTheResolvedModel() {
        check(noClasses().that().resideInAPackage(BACKBONES).should().dependOnClassesThat()
                .haveFullyQualifiedName("io.attnspark.model.ModelSpec")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.attnspark.model.ResolvedModel"));
    }

    @Test
    void theModuleRuleSeesTheModules() {
        assertTrue(CONCRETE_MODULE.test(classes.get("io.attnspark.model.attention.SqueezeExcite")));
        assertTrue(CONCRETE_MODULE.test(classes.get("io.attnspark.model.attention.GlobalContext$Pooling")));
        assertTrue(!CONCRETE_MODULE.test(classes.get("io.attnspark.model.attention.ConvReplacement")));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
