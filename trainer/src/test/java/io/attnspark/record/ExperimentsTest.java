package io.attnspark.record;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentsTest {

    private static final DatasetIdentity FMNIST = new DatasetIdentity("3f9a1c2b" + "0".repeat(56), "fmnist", 10, 5000,
            1000);

    @Test
    void theSeedTheComparedAxesAndWhereARunRanAreNoPartOfTheKey() {
        String key = key(config(), FMNIST, 2);
        for (String[] same : new String[][]{{"recipe.seed", "7"}, {"model.attention", "se"}, {"model.backbone",
                "resnet50"}, {"model.position", "post"}, {"model.stages", "[3]"}, {"spark.master", "spark://h:7077"},
                {"results", "elsewhere"}, {"workDir", "w2"}, {"data.packs", "/packs"}, {"spark.prefetch", "8"},
                {"data.path", "/copy/of/fmnist"}}) {
            assertEquals(key, key(with(config(), same[0], same[1]), FMNIST, 2), same[0]);
        }
        // a whole number and its decimal form are the same setting
        assertEquals(key, key(with(config(), "model.imageSize", 32.0), FMNIST, 2));
    }

    @Test
    void everythingElseThatChangesTheNumbersSplitsExperiments() {
        String key = key(config(), FMNIST, 2);
        for (String[] other : new String[][]{{"recipe.lr", "0.4"}, {"recipe.epochs", "2"}, {"model.width", "0.5"},
                {"spark.batchSizePerWorker", "64"}, {"spark.averagingFrequency", "1"}}) {
            assertNotEquals(key, key(with(config(), other[0], Double.parseDouble(other[1])), FMNIST, 2), other[0]);
        }
        assertNotEquals(key, key(config(), FMNIST, 8), "workers");
        assertNotEquals(key, key(config(), new DatasetIdentity("ffff" + "0".repeat(60), "fmnist", 10, 5000, 1000), 2),
                "another dataset under the same name");
        // a record that predates dataset identities is keyed by its data path
        assertNotEquals(key(config(), null, 2), key(with(config(), "data.path", "data/cifar"), null, 2));
    }

    @Test
    void anAxisLeavesTheKeyAndTheSummarySaysWhatIsHeldFixed() {
        Experiment low = Experiments.of(config(), FMNIST, 2, List.of("recipe.lr"));
        Experiment high = Experiments.of(with(config(), "recipe.lr", 0.4), FMNIST, 2, List.of("recipe.lr"));
        assertEquals(low, high);
        assertTrue(low.summary().endsWith("varying: recipe.lr"), low.summary());
        assertEquals("data fmnist [3f9a1c2b] (10 classes, 5000 train / 1000 val images) · width 0.25, 32 px · "
                        + "4 epochs, sgd, lr 0.1, cosine schedule, wd 0.0001 · 2 workers x batch 32, averaging every 5",
                Experiments.of(config(), FMNIST, 2, List.of()).summary());
        assertTrue(key(config(), FMNIST, 2).matches("[0-9a-f]{12}"));
    }

    private static String key(Map<String, Object> config, DatasetIdentity dataset, int workers) {
        return Experiments.of(config, dataset, workers, List.of()).key();
    }

    private static Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("data", new LinkedHashMap<>(Map.of("path", "data/fmnist", "packSeed", 1234)));
        config.put("model", new LinkedHashMap<>(Map.of("backbone", "resnet18", "attention", "none", "width", 0.25,
                "imageSize", 32, "position", "standard", "stages", List.of(1, 2, 3, 4))));
        config.put("spark", new LinkedHashMap<>(Map.of("master", "local[2]", "batchSizePerWorker", 32,
                "averagingFrequency", 5, "trainingMaster", "AVERAGING", "prefetch", 2)));
        config.put("recipe", new LinkedHashMap<>(Map.of("epochs", 4, "lr", 0.1, "optimizer", "SGD", "schedule",
                "COSINE", "weightDecay", 1e-4, "seed", 42)));
        config.put("results", "results");
        config.put("workDir", "work");
        return config;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> with(Map<String, Object> config, String path, Object value) {
        String[] parts = path.split("\\.");
        if (parts.length == 1) {
            config.put(path, value);
        } else {
            ((Map<String, Object>) config.get(parts[0])).put(parts[1], value);
        }
        return config;
    }
}
