package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SK with grouped (and, from the second branch on, dilated) branch convs, the seed's form; 4 groups fit the fixtures. */
class SelectiveKernelGroupedTest extends ConvReplacementContract {

    @Override
    String registryName() {
        return "sk";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of("reduction", 4, "groups", 4);
    }

    @Override
    List<String> fixtures() {
        return List.of("sk_g4_2x24x3x5", "sk_g4_3x32x2x3");
    }

    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("sk_g4_o24_s2_2x16x5x7", 2));
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new SelectiveKernel(2, 2, 2);
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
}
