package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;

class ModelsValidationTest {

    private static String rejection(ModelSpec spec) {
        return assertThrows(IllegalArgumentException.class,
                () -> Models.configure(spec.resolve(), new NeuralNetConfiguration.Builder())).getMessage();
    }

    private static ModelSpec spec(String backbone, double width, int numClasses, int imageSize, boolean smallStem) {
        return new ModelSpec(backbone, width, numClasses, imageSize, smallStem, ModelSpec.NONE, Map.of());
    }

    @Test
    void unknownBackboneListsTheKnownOnes() {
        String message = rejection(spec("resnet42", 1.0, 10, 32, true));

        assertTrue(message.contains("resnet42"), message);
        for (String known : new String[] {"resnet18", "resnet34", "resnet50", "resnet101"}) {
            assertTrue(message.contains(known), message);
        }
    }

    @Test
    void missingBackboneIsRejectedNotNullPointer() {
        assertTrue(rejection(spec(null, 1.0, 10, 32, true)).contains("unknown backbone"));
    }

    @Test
    void nonPositiveOrNonFiniteWidth() {
        for (double width : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertTrue(rejection(spec("resnet18", width, 10, 32, true)).contains("width"), "width " + width);
        }
    }

    @Test
    void fewerThanTwoClasses() {
        assertTrue(rejection(spec("resnet18", 1.0, 1, 32, true)).contains("numClasses"));
    }

    @Test
    void imageTooSmallForTheImageNetStemSuggestsTheSmallStem() {
        String message = rejection(spec("resnet18", 1.0, 10, 31, false));

        assertTrue(message.contains("at least 32") && message.contains("small stem"), message);
        assertDoesNotThrow(() -> Models.configure(spec("resnet18", 0.125, 10, 32, false).resolve(), new NeuralNetConfiguration.Builder()));
    }

    @Test
    void imageTooSmallForTheSmallStem() {
        assertTrue(rejection(spec("resnet50", 1.0, 10, 7, true)).contains("at least 8"));
    }

    @Test
    void unknownAttentionComesFromTheRegistry() {
        var spec = new ModelSpec("resnet18", 1.0, 10, 32, true, "no-such-attention", Map.of());

        assertTrue(rejection(spec).contains("no-such-attention"));
    }

    @Test
    void missingAttention() {
        var spec = new ModelSpec("resnet18", 1.0, 10, 32, true, null, Map.of());

        assertTrue(rejection(spec).contains("attention"));
    }
}
