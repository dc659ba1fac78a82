package io.attnspark.train.config;

import io.attnspark.datasets.image.Augmentation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @Test
    void defaultsFollowTheStandardRecipe() {
        var cfg = ConfigLoader.load(null, List.of("data.path=/data/imagenet"));
        assertEquals("resnet18", cfg.model().backbone());
        assertEquals("none", cfg.model().attention());
        assertEquals(224, cfg.model().imageSize());
        assertFalse(cfg.model().smallStem());
        assertNull(cfg.spark().master());
        assertEquals(90, cfg.recipe().epochs());
        assertEquals(0.1, cfg.recipe().lr());
        assertEquals(1e-4, cfg.recipe().weightDecay());
        assertEquals("work/packs", cfg.packRoot());
    }

    @Test
    void yamlFileThenOverridesInOrder(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("run.yaml");
        Files.writeString(file, """
                data: {path: hdfs:///imagenet}
                model:
                  backbone: resnet50
                  imageSize: 32
                  attention: se
                  attentionOptions: {reduction: 16}
                spark: {master: "local[2]", batchSizePerWorker: 64}
                recipe: {schedule: step, lr: 0.2}
                """);
        var cfg = ConfigLoader.load(file, List.of("model.attentionOptions.reduction=8", "recipe.lr=0.05", "recipe.lr=0.3"));
        assertEquals("resnet50", cfg.model().backbone());
        assertTrue(cfg.model().smallStem(), "32 px defaults to the small stem");
        assertEquals(8, cfg.model().attentionOptions().get("reduction"));
        assertEquals(0.3, cfg.recipe().lr());
        assertEquals(RecipeConfig.Schedule.STEP, cfg.recipe().schedule());
        assertEquals(64, cfg.spark().batchSizePerWorker());
        assertEquals(2, cfg.spark().aggregationDepth());
        assertTrue(cfg.spark().saveUpdater());
        assertEquals("local[2]", cfg.spark().master());
    }

    @Test
    void augmentationDefaultsToImageNetsAndPadCropIsRecordedUnderItsConfigName() {
        var defaults = ConfigLoader.load(null, List.of("data.path=x")).data();
        assertEquals(Augmentation.IMAGENET, defaults.augment());
        assertEquals(4, defaults.padding());
        var padCrop = ConfigLoader.load(null, List.of("data.path=x", "data.augment=pad-crop", "data.padding=2",
                "model.imageSize=28"));
        assertEquals(Augmentation.PAD_CROP, padCrop.data().augment());
        @SuppressWarnings("unchecked")
        var data = (java.util.Map<String, Object>) ConfigLoader.toMap(padCrop).get("data");
        assertEquals("pad-crop", data.get("augment"));
        assertEquals(2, data.get("padding"));
        assertEquals(padCrop, ConfigLoader.fromMap(ConfigLoader.toMap(padCrop)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "data.augment=cifar | data.augment: unknown augmentation 'cifar'; use one of imagenet, pad-crop",
            "data.padding=-1 | data.padding: -1 is below 0; use a value >= 0",
            "data.padding=32 | data.padding: 32 leaves crops of nothing but padding at model.imageSize 32; use less than"
                    + " the image size, e.g. 4"})
    void badAugmentationSettingsAreNamed(String override, String message) {
        var error = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(null,
                List.of("data.path=x", "model.imageSize=32", "data.augment=pad-crop", override)));
        assertEquals(message, error.getMessage());
    }

    @Test
    void learningRateScalesWithGlobalBatchAndDecays() {
        var cosine = ConfigLoader.load(null, List.of("data.path=x", "recipe.epochs=10")).recipe();
        assertEquals(0.1 * 512 / 256, cosine.learningRate(0, 512), 1e-12);
        assertEquals(0.1 / 2, cosine.learningRate(5, 256), 1e-12);
        var step = ConfigLoader.load(null, List.of("data.path=x", "recipe.schedule=step", "recipe.stepEpochs=30")).recipe();
        assertEquals(0.1, step.learningRate(29, 256), 1e-12);
        assertEquals(0.01, step.learningRate(30, 256), 1e-12);
    }

    @Test
    void betweenEpochsTheRateFollowsTheScheduleAndMeetsItAtEachEpochStart() {
        var recipe = ConfigLoader.load(null, List.of("data.path=x", "recipe.epochs=4", "recipe.warmupEpochs=1",
                "recipe.schedulePer=round")).recipe();
        assertEquals(RecipeConfig.SchedulePer.ROUND, recipe.schedulePer());
        assertEquals(0.05, recipe.learningRate(0, 256), 1e-12);
        assertEquals(0.075, recipe.learningRate(0.5, 256), 1e-12);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 1.5 / 3)), recipe.learningRate(2.5, 256), 1e-12);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 2 / 3)), recipe.learningRate(3, 256), 1e-12);
        var step = ConfigLoader.load(null, List.of("data.path=x", "recipe.schedule=step", "recipe.stepEpochs=2")).recipe();
        assertEquals(RecipeConfig.SchedulePer.EPOCH, step.schedulePer());
        assertEquals(0.1, step.learningRate(1.99, 256), 1e-12);
        assertEquals(0.01, step.learningRate(2, 256), 1e-12);
    }

    @Test
    void warmupRisesLinearlyThenTheScheduleRunsOverTheRest() {
        var recipe = ConfigLoader.load(null, List.of("data.path=x", "recipe.epochs=6", "recipe.warmupEpochs=2",
                "recipe.optimizer=adamw", "recipe.labelSmoothing=0.1")).recipe();
        assertEquals(RecipeConfig.Optimizer.ADAMW, recipe.optimizer());
        assertEquals(0.1, recipe.labelSmoothing());
        assertEquals(0.1 / 3, recipe.learningRate(0, 256), 1e-12);
        assertEquals(0.2 / 3, recipe.learningRate(1, 256), 1e-12);
        assertEquals(0.1, recipe.learningRate(2, 256), 1e-12);
        assertEquals(0.05, recipe.learningRate(4, 256), 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "recipe.lr=-0.1                    | recipe.lr: -0.1 must be a positive finite number",
            "recipe.lr=0                       | recipe.lr: 0.0 must be a positive finite number",
            "model.width=-1                    | model.width: -1.0 must be a positive finite number",
            "recipe.lr=fast                    | recipe.lr: cannot use 'fast' as double",
            "recipe.epochs=0                   | recipe.epochs: 0 is below 1",
            "recipe.momentum=1.0               | recipe.momentum: 1.0 must be below 1",
            "recipe.momentum=-0.5              | recipe.momentum: -0.5 must be zero or a positive finite number",
            "recipe.weightDecay=-1             | recipe.weightDecay: -1.0 must be zero",
            "recipe.schedule=linear            | recipe.schedule: cannot use 'linear' as schedule",
            "recipe.stepEpochs=0               | recipe.stepEpochs: 0 is below 1",
            "recipe.optimizer=lamb             | recipe.optimizer: cannot use 'lamb' as optimizer",
            "recipe.warmupEpochs=-1            | recipe.warmupEpochs: -1 is below 0",
            "recipe.warmupEpochs=90            | recipe.warmupEpochs: 90 leaves no epoch after warmup",
            "recipe.labelSmoothing=1.5         | recipe.labelSmoothing: 1.5 must be below 1",
            "recipe.labelSmoothing=-0.1        | recipe.labelSmoothing: -0.1 must be zero",
            "recipe.learningRate=0.1           | recipe.learningRate: unknown key; known keys here: epochs, labelSmoothing, lr,",
            "spark.master=mesos://x:5050       | spark.master: unknown master 'mesos://x:5050'",
            "spark.master=localhost            | spark.master: unknown master 'localhost'",
            "spark.workers=0                   | spark.workers: 0 is below 1",
            "spark.batchSizePerWorker=0        | spark.batchSizePerWorker: 0 is below 1",
            "spark.averagingFrequency=-2       | spark.averagingFrequency: -2 is below 1",
            "spark.prefetch=-1                 | spark.prefetch: -1 is below 0",
            "spark.aggregationDepth=0          | spark.aggregationDepth: 0 is below 1",
            "spark.saveUpdater=maybe           | spark.saveUpdater: cannot use 'maybe' as boolean",
            "spark.conf=[1, 2]                 | spark.conf: wrong type; expected a map",
            "spark.trainingMaster=ring         | spark.trainingMaster: cannot use 'ring' as trainingmaster",
            "spark.sharing.threshold=0         | spark.sharing.threshold: 0.0 must be a positive finite number",
            "spark.sharing.threshold=2         | spark.sharing.threshold: 2.0 would hold back almost every update",
            "spark.sharing.thresholdAlgorithm=topk | spark.sharing.thresholdAlgorithm: cannot use 'topk' as thresholdalgorithm",
            "spark.sharing.port=70000          | spark.sharing.port: 70000 is not a UDP port",
            "spark.sharing.executorPort=0      | spark.sharing.executorPort: 0 is not a UDP port",
            "spark.sharing.controllerAddress=driver-1 | spark.sharing.controllerAddress: 'driver-1' is not an IPv4 address",
            "spark.sharing.networkMask=10.0.0.0 | spark.sharing.networkMask: '10.0.0.0' is not a network in CIDR notation",
            "spark.sharing.networkMask=10.0.0.0/40 | spark.sharing.networkMask: '10.0.0.0/40' is not a network",
            "spark.sharing.workersPerNode=0    | spark.sharing.workersPerNode: 0 is below 1",
            "spark.trainingMaster=sharing      | spark.trainingMaster: sharing keeps the learning rate the workers started with, so the cosine schedule over 90 epochs cannot run",
            "spark.sharing.rate=3              | spark.sharing.rate: unknown key; known keys here: controllerAddress,",
            "model.width=0                     | model.width: 0.0 must be a positive finite number",
            "model.imageSize=4                 | model.imageSize: 4 is below 8",
            "model.backbone=''                 | model.backbone: missing",
            "model.attentionOptions=16         | model.attentionOptions: wrong type; expected a map",
            "results=''                        | results: missing",
            "optimizer=adam                    | optimizer: unknown key",
    })
    void badValuesFailWithTheKeyAndTheFix(String override, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(null, List.of("data.path=/d", override)));
        assertTrue(e.getMessage().startsWith(expected.trim()), "message: " + e.getMessage());
    }

    @Test
    void sharingOnAClusterNeedsTheControllerAddressAndTheNetworkMask() {
        var onCluster = List.of("data.path=/d", "spark.trainingMaster=sharing", "recipe.epochs=1",
                "spark.master=spark://10.0.0.5:7077");
        var noController = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(null, onCluster));
        assertTrue(noController.getMessage().startsWith("spark.sharing.controllerAddress: missing"), noController.getMessage());

        var withController = new java.util.ArrayList<>(onCluster);
        withController.add("spark.sharing.controllerAddress=10.0.0.5");
        var noMask = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(null, withController));
        assertTrue(noMask.getMessage().startsWith("spark.sharing.networkMask: missing"), noMask.getMessage());

        withController.add("spark.sharing.networkMask=10.0.0.0/16");
        var spark = ConfigLoader.load(null, withController).spark();
        assertEquals(SparkConfig.TrainingMaster.SHARING, spark.trainingMaster());
        assertEquals("10.0.0.5", spark.controllerAddress());

        // one machine: the driver host is the controller and loopback needs no mask
        var loopback = ConfigLoader.load(null, List.of("data.path=/d", "spark.trainingMaster=sharing", "recipe.epochs=1",
                "spark.master=spark://127.0.0.1:7077", "spark.conf={spark.driver.host: 127.0.0.1}")).spark();
        assertEquals("127.0.0.1", loopback.controllerAddress());
        // spark-submit's master is only known at run time: the trainer checks it then
        var unknownMaster = ConfigLoader.load(null, List.of("data.path=/d", "spark.trainingMaster=sharing",
                "recipe.schedule=constant")).spark();
        assertThrows(IllegalArgumentException.class, () -> unknownMaster.checkSharingOn("yarn"));
        unknownMaster.checkSharingOn("local[2]");
    }

    @Test
    void averagingIsTheDefaultTrainingMasterAndSharingHasDefaults() {
        var spark = ConfigLoader.load(null, List.of("data.path=/d")).spark();
        assertEquals(SparkConfig.TrainingMaster.AVERAGING, spark.trainingMaster());
        assertEquals(SharingConfig.ThresholdAlgorithm.ADAPTIVE, spark.sharing().thresholdAlgorithm());
        assertEquals(1e-3, spark.sharing().threshold());
        assertEquals(40123, spark.sharing().port());
        var fixed = ConfigLoader.load(null, List.of("data.path=/d", "spark.trainingMaster=sharing", "recipe.schedule=constant",
                "spark.sharing.thresholdAlgorithm=targetSparsity", "spark.sharing.threshold=1e-4")).spark();
        assertEquals(SharingConfig.ThresholdAlgorithm.TARGETSPARSITY, fixed.sharing().thresholdAlgorithm());
        assertEquals(1e-4, fixed.sharing().threshold());
    }

    @Test
    void missingDataPathAndMalformedInputsAreNamed(@TempDir Path tmp) throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(null, List.of()))
                .getMessage().startsWith("data.path: missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(null, List.of("recipe.lr")))
                .getMessage().contains("must look like section.key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(tmp.resolve("none.yaml"), List.of()))
                .getMessage().contains("does not exist"));
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "data: {path: [unclosed\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(broken, List.of()))
                .getMessage().contains("is not valid YAML"));
        Path list = tmp.resolve("list.yaml");
        Files.writeString(list, "- a\n- b\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(list, List.of()))
                .getMessage().contains("must be a YAML mapping"));
    }

    @Test
    void attentionPositionAndStagesDefaultToStandardEverywhere() {
        var spec = ConfigLoader.load(null, List.of("data.path=x", "model.attention=se")).model().toSpec(10);
        assertEquals(io.attnspark.model.AttentionPosition.STANDARD, spec.position());
        assertEquals(io.attnspark.model.ModelSpec.ALL_STAGES, spec.stages());
    }

    @Test
    void attentionPositionAndStagesReachTheModelSpec() {
        var spec = ConfigLoader.load(null, List.of("data.path=x", "model.attention=se", "model.position=identity",
                "model.stages=[4, 3]")).model().toSpec(10);
        assertEquals(io.attnspark.model.AttentionPosition.IDENTITY, spec.position());
        assertEquals(List.of(3, 4), List.copyOf(spec.stages()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "model.position=middle     | model.position: cannot use 'middle' as attentionposition",
            "model.stages=[]           | model.stages: empty; list the residual stages",
            "model.stages=[0, 2]       | model.stages: 0 is not a stage; use numbers from 1 to 4",
            "model.stages=[2, 2]       | model.stages: stage 2 is listed twice",
    })
    void badAttentionPlacementIsExplained(String override, String message) {
        var error = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(null, List.of("data.path=x", override)));
        assertTrue(error.getMessage().startsWith(message), error.getMessage());
    }
}
