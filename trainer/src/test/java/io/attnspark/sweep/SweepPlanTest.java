package io.attnspark.sweep;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepPlanTest {

    private static final Map<String, Object> BASE = Map.of("data.path", "/data/fmnist", "recipe.epochs", 1);

    @Test
    void aGridIsTheCartesianProductFirstKeySlowestSeedsFastest() {
        var plan = SweepPlan.of(spec(grid("model.backbone", List.of("resnet18", "resnet34"),
                "model.attention", List.of("none", "se", "eca")), List.of(1L, 2L), null));
        assertEquals(12, plan.points().size());
        var first = plan.points().get(0).overrides();
        assertEquals(Map.of("model.backbone", "resnet18", "model.attention", "none", "recipe.seed", 1L), first);
        assertEquals(Map.of("model.backbone", "resnet18", "model.attention", "none", "recipe.seed", 2L), plan.points().get(1).overrides());
        assertEquals(Map.of("model.backbone", "resnet18", "model.attention", "se", "recipe.seed", 1L), plan.points().get(2).overrides());
        assertEquals(Map.of("model.backbone", "resnet34", "model.attention", "eca", "recipe.seed", 2L), plan.points().get(11).overrides());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), plan.points().stream().map(SweepPoint::index).toList());
        assertEquals(12, new HashSet<>(plan.points().stream().map(SweepPoint::id).toList()).size());

        var config = plan.configs().get(11);
        assertEquals("resnet34", config.model().backbone());
        assertEquals("eca", config.model().attention());
        assertEquals(2, config.recipe().seed());
        assertEquals(1, config.recipe().epochs());
        assertEquals("/data/fmnist", config.data().path());
        assertEquals("/tmp/sweep-results", config.results());
        assertEquals("local[2]", config.spark().master());
    }

    @Test
    void valuesKeepTheirTypesAndNestedKeysWork() {
        var plan = SweepPlan.of(spec(grid("model.stages", List.of(List.of(3, 4)), "model.attention", List.of("se"),
                "model.attentionOptions.reduction", List.of(8), "recipe.lr", List.of(0.05)), List.of(), null));
        var config = plan.configs().get(0);
        assertEquals(List.of(3, 4), config.model().stages());
        assertEquals(8, config.model().attentionOptions().get("reduction"));
        assertEquals(0.05, config.recipe().lr());
    }

    @Test
    void withoutGridOrRandomTheBaseRunsOncePerSeed() {
        var plan = SweepPlan.of(spec(Map.of(), List.of(5L, 6L), null));
        assertEquals(List.of(5L, 6L), plan.configs().stream().map(c -> c.recipe().seed()).toList());
    }

    @Test
    void theIdDependsOnTheOverridesNotOnTheirOrderOrIndex() {
        var ab = new LinkedHashMap<String, Object>();
        ab.put("a.x", 1);
        ab.put("b.y", "se");
        var ba = new LinkedHashMap<String, Object>();
        ba.put("b.y", "se");
        ba.put("a.x", 1);
        assertEquals(SweepPoint.of(1, ab).id(), SweepPoint.of(7, ba).id());
        assertNotEquals(SweepPoint.of(1, ab).id(), SweepPoint.of(1, Map.of("a.x", 2, "b.y", "se")).id());
        assertTrue(SweepPoint.of(1, ab).id().matches("[0-9a-f]{10}"));
    }

    @Test
    void aBadPointIsNamedBeforeAnythingRuns() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SweepPlan.of(spec(grid("recipe.lr", List.of(0.1, -1)), List.of(), null)));
        assertTrue(e.getMessage().startsWith("point 2 (recipe.lr=-1): recipe.lr"), e.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> SweepPlan.of(spec(grid("model.attention", List.of("se", "no-such-attention")), List.of(), null)));
        assertTrue(unknown.getMessage().startsWith("point 2 (model.attention=no-such-attention): "), unknown.getMessage());
        var key = assertThrows(IllegalArgumentException.class,
                () -> SweepPlan.of(spec(grid("model.colour", List.of("red")), List.of(), null)));
        assertTrue(key.getMessage().contains("model.colour: unknown key"), key.getMessage());
    }

    @Test
    void randomSamplesAreReproducibleForASeed() {
        var space = new LinkedHashMap<String, SweepSpec.Dimension>();
        space.put("model.attention", new SweepSpec.Choice("a", List.of("se", "eca", "none")));
        space.put("recipe.lr", new SweepSpec.Range("lr", 0.01, 1.0, true, false));
        var seven = SweepPlan.expand(spec(Map.of(), List.of(1L), new SweepSpec.RandomSearch(6, 7, space)));
        assertEquals(6, seven.size());
        assertEquals(seven, SweepPlan.expand(spec(Map.of(), List.of(1L), new SweepSpec.RandomSearch(6, 7, space))));
        assertNotEquals(seven, SweepPlan.expand(spec(Map.of(), List.of(1L), new SweepSpec.RandomSearch(6, 8, space))));
        assertEquals(List.of("model.attention", "recipe.lr", "recipe.seed"), List.copyOf(seven.get(0).overrides().keySet()));
    }

    @Test
    void repeatedDrawsAreOnePoint() {
        var space = Map.<String, SweepSpec.Dimension>of("model.attention", new SweepSpec.Choice("a", List.of("se", "eca")));
        var points = SweepPlan.expand(spec(Map.of(), List.of(), new SweepSpec.RandomSearch(20, 3, space)));
        assertEquals(2, points.size());
        assertEquals(List.of(1, 2), points.stream().map(SweepPoint::index).toList());
    }

    @Test
    void rangesStayWithinTheirBounds() {
        var rng = new Random(1);
        var logRange = new SweepSpec.Range("lr", 0.001, 1.0, true, false);
        int belowHundredth = 0;
        for (int i = 0; i < 3000; i++) {
            double lr = (double) SweepPlan.draw(logRange, rng);
            assertTrue(lr >= 0.001 && lr <= 1.0, "lr " + lr);
            belowHundredth += lr < 0.01 ? 1 : 0;
        }
        // log-uniform: a third of the draws in each decade (a uniform draw would put 0.9% below 0.01)
        assertEquals(1000, belowHundredth, 100);

        var integers = new TreeSet<Object>();
        var intRange = new SweepSpec.Range("r", 4, 6, false, true);
        for (int i = 0; i < 300; i++) {
            integers.add(SweepPlan.draw(intRange, rng));
        }
        assertEquals(new TreeSet<>(List.of(4L, 5L, 6L)), integers);

        var logIntegers = new TreeSet<Object>();
        var logIntRange = new SweepSpec.Range("r", 2, 32, true, true);
        for (int i = 0; i < 2000; i++) {
            logIntegers.add(SweepPlan.draw(logIntRange, rng));
        }
        assertEquals(2L, logIntegers.first());
        assertEquals(32L, logIntegers.last());
    }

    static Map<String, List<Object>> grid(Object... keysAndValues) {
        var grid = new LinkedHashMap<String, List<Object>>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            var values = (List<Object>) keysAndValues[i + 1];
            grid.put((String) keysAndValues[i], values);
        }
        return grid;
    }

    private static SweepSpec spec(Map<String, List<Object>> grid, List<Long> seeds, SweepSpec.RandomSearch random) {
        return new SweepSpec("t", null, BASE, grid, random, seeds, "/tmp/sweep-results", "local[2]", 1, 1,
                SweepSpec.Submit.DEFAULT);
    }
}
