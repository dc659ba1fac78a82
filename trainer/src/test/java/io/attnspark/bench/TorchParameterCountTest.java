package io.attnspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.model.attention.ConvReplacement;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * bench_torch.py builds the networks attnspark builds: for every backbone and module, its PyTorch parameter count
 * (fixtures/bench/torch_parameter_counts.json, from make_bench_parameter_counts.py) equals attnspark's, so `bench
 * compare` times the same modules at the same places on both sides.
 */
class TorchParameterCountTest {

    private static final String[] BACKBONES = {"resnet18", "resnet34", "resnet50", "resnet101", "resnext50_32x4d",
            "mobilenet_v2"};

    private static Map<String, Long> torchCounts() throws IOException {
        try (InputStream in = TorchParameterCountTest.class.getResourceAsStream("/fixtures/bench/torch_parameter_counts.json")) {
            return new ObjectMapper().readValue(in, new TypeReference<TreeMap<String, Long>>() { });
        }
    }

    @Test
    void everyBackboneAndModuleHasTheParametersOfBenchTorchsNetwork() throws IOException {
        Map<String, Long> torch = torchCounts();
        Map<String, Long> attnspark = new TreeMap<>();
        for (String backbone : BACKBONES) {
            var attentions = new TreeSet<>(AttentionRegistry.names());
            attentions.add(ModelSpec.NONE);
            for (String attention : attentions) {
                boolean convReplacementInMobileNet = backbone.equals("mobilenet_v2") && !attention.equals(ModelSpec.NONE)
                        && AttentionRegistry.create(attention, Map.of()) instanceof ConvReplacement;
                if (!convReplacementInMobileNet) {
                    var spec = new ModelSpec(backbone, 1.0, 1000, 224, false, attention, Map.of());
                    attnspark.put(backbone + ":" + attention, Models.parameterCount(spec.resolve()));
                }
            }
        }

        assertTrue(attnspark.size() > 100, "all pairs: " + attnspark.size());
        assertEquals(attnspark, torch);
    }
}
