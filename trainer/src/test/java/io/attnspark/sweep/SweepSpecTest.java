package io.attnspark.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepSpecTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheCommittedExample() {
        var spec = SweepSpec.load(Path.of(System.getProperty("attnspark.root"), "cluster-config/sweeps/example.yaml"));
        assertEquals("example", spec.name());
        assertEquals(List.of("model.backbone", "model.attention", "model.position", "recipe.lr"), List.copyOf(spec.grid().keySet()));
        assertEquals(List.of(1L, 2L, 3L), spec.seeds());
        assertEquals("local[2]", spec.master());
        assertEquals(1, spec.retries());
        assertEquals("4g", spec.submit().conf().get("spark.executor.memory"));
        assertNull(spec.random());
        assertNull(spec.baseConfig());
        assertEquals(4, spec.base().get("recipe.epochs"));
        // 2 backbones x 3 attentions x 2 positions x 2 learning rates x 3 seeds, every one a valid network
        // plain x post is plain x standard again: 2 x (1 + 2 x 2) x 2 x 3
        assertEquals(60, SweepPlan.of(spec).points().size());
    }

    @Test
    void defaultsAndABaseConfigFileRelativeToTheSpec() throws IOException {
        var spec = load("name: s\nbase: configs/run.yaml\n");
        assertEquals(tmp.resolve("configs/run.yaml").toAbsolutePath(), spec.baseConfig());
        assertEquals(Map.of(), spec.base());
        assertEquals(1, spec.concurrency());
        assertEquals(1, spec.retries());
        assertEquals(List.of(), spec.seeds());
        assertEquals(Path.of("trainer/target/attnspark-trainer.jar"), spec.submit().jar());
    }

    @Test
    void readsARandomSearch() throws IOException {
        var spec = load("""
                name: r
                random:
                  samples: 5
                  seed: 9
                  space:
                    model.attention: [se, eca]
                    recipe.lr: {min: 0.01, max: 1.0, log: true}
                    model.attentionOptions.reduction: {min: 4, max: 32}
                """);
        var space = spec.random().space();
        assertInstanceOf(SweepSpec.Choice.class, space.get("model.attention"));
        var lr = (SweepSpec.Range) space.get("recipe.lr");
        assertTrue(lr.log() && !lr.integer());
        assertTrue(((SweepSpec.Range) space.get("model.attentionOptions.reduction")).integer());
    }

    @Test
    void badSpecsGiveOneLineThatSaysWhatIsWrong() {
        assertMessage("name: 'a b'\n", "name: 'a b' must be set and contain only letters");
        assertMessage("grid: {model.attention: [se]}\n", "name: 'null' must be set");
        assertMessage("name: s\ngrids: {}\n", "grids: unknown key; known keys here: base, concurrency, grid");
        assertMessage("name: s\ngrid: {model.attention: []}\n", "grid.model.attention: give a list of at least one value");
        assertMessage("name: s\ngrid: {model.attention: [se, se]}\n", "grid.model.attention: [se, se] lists a value twice");
        assertMessage("name: s\ngrid: {'model..attention': [se]}\n", "grid: 'model..attention' is not a dotted config key");
        assertMessage("name: s\ngrid: {model.attention: [se]}\nrandom: {samples: 2, space: {recipe.lr: [0.1]}}\n",
                "grid and random are both set");
        assertMessage("name: s\nrandom: {samples: 0, space: {recipe.lr: [0.1]}}\n", "random.samples: 0 must be at least 1");
        assertMessage("name: s\nrandom: {samples: 2}\n", "random.space: empty");
        assertMessage("name: s\nrandom: {samples: 2, space: {recipe.lr: {min: 1, max: 0.5}}}\n",
                "random.space.recipe.lr: min 1.0 must be below max 0.5");
        assertMessage("name: s\nrandom: {samples: 2, space: {recipe.lr: {min: 0, max: 1, log: true}}}\n",
                "random.space.recipe.lr: a log range needs min above 0");
        assertMessage("name: s\nrandom: {samples: 2, space: {recipe.lr: {min: 0.1, max: 1, step: 2}}}\n",
                "random.space.recipe.lr: unknown key [step]");
        assertMessage("name: s\nrandom: {samples: 2, space: {recipe.lr: 0.1}}\n",
                "random.space.recipe.lr: use a list of values [a, b] or a range");
        assertMessage("name: s\nseeds: [1, 1]\n", "seeds: [1, 1] lists a seed twice");
        assertMessage("name: s\nseeds: [1]\ngrid: {recipe.seed: [3, 4]}\n", "seeds and recipe.seed in the grid/space both set the seed");
        assertMessage("name: s\nconcurrency: 0\n", "concurrency: 0 must be at least 1");
        assertMessage("name: s\nretries: -1\n", "retries: -1 must be 0 or more");
        assertMessage("name: s\nbase: [a]\n", "base: use a run config file path, or a map of dotted overrides");
        assertMessage("name: s\nseeds: one\n", "seeds: wrong type");
        assertMessage("name: s\nsubmit: {jars: x}\n", "submit.jars: unknown key");
        assertMessage("name: \"s\n", "is not valid YAML");
    }

    @Test
    void aMissingSpecFileIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.load(tmp.resolve("nope.yaml")));
        assertEquals("sweep spec " + tmp.resolve("nope.yaml") + " does not exist", e.getMessage());
    }

    private void assertMessage(String yaml, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> load(yaml), yaml);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    }

    private SweepSpec load(String yaml) throws IOException {
        Path file = tmp.resolve("spec.yaml");
        Files.writeString(file, yaml);
        return SweepSpec.load(file);
    }
}
