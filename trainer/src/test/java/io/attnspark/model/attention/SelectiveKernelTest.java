package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;

class SelectiveKernelTest extends ConvReplacementContract {

    @Override
    String registryName() {
        return "sk";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // r=4 keeps fuse widths of 6 and 8 at the fixtures' small channel counts
        return Map.of("reduction", 4);
    }

    @Override
    List<String> fixtures() {
        return List.of("sk_2x24x3x5", "sk_3x32x2x3");
    }

    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("sk_o24_s2_2x16x5x7", 2));
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new SelectiveKernel(2, 2, 1);
    }

    @Override
    long[] gradientCheckShape() {
        return new long[] {3, 4, 3, 3};
    }

    @Override
    long[] convGradientCheckShape() {
        return new long[] {3, 2, 4, 3};
    }

    /** BatchNormalization's running statistics are not trained by backprop. */
    @Override
    Set<String> gradientCheckExcludedParams() {
        var excluded = new HashSet<String>();
        for (String bn : List.of("_branch1_bn", "_branch2_bn", "_fuse_bn")) {
            excluded.add(PREFIX + bn + "_mean");
            excluded.add(PREFIX + bn + "_var");
        }
        return excluded;
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new SelectiveKernel(2, 16, 1), AttentionRegistry.create("sk", Map.of()));
        assertEquals(new SelectiveKernel(3, 8, 32),
                AttentionRegistry.create("sk", Map.of("branches", "3", "reduction", 8, "groups", 32)));
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SelectiveKernel(0, 16, 1));
        assertThrows(IllegalArgumentException.class, () -> new SelectiveKernel(2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SelectiveKernel(2, 16, 0));
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("sk", Map.of("kernels", 3)));
        assertEquals("sk: unknown option(s) [kernels]; valid options: branches, groups, reduction", error.getMessage());
    }

    /** The seed's 32 groups on a stage whose width 32 does not divide fail when the network is built, saying why. */
    @Test
    void groupsThatDoNotDivideTheChannelsAreRejected() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new SelectiveKernel(2, 4, 32).attach(graph, "sk", "in", 64, 48, 1));

        assertEquals("sk: groups 32 must divide the input and output channels (64 -> 48); choose a 'groups' that divides"
                + " both (1 always does)", error.getMessage());
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new SelectiveKernel(2, 16, 1).attach(graph, "sk", "in", 64, 8, 2));

        assertTrue(error.getMessage().startsWith("sk: 8 channels with reduction 16 leaves 0 fuse channels"), error.getMessage());
    }

    /** One branch: the select softmax is 1 everywhere, so SK is the branch itself (seed: SK with one branch is SE-like). */
    @Test
    void singleBranchBuildsWithoutSum() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        new SelectiveKernel(1, 2, 1).attach(graph, "sk", "in", 8, 8, 1);

        assertTrue(graph.getVertices().containsKey("sk_weigh") && !graph.getVertices().containsKey("sk_sum"));
    }
}
