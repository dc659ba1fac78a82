package io.attnspark.model.backbone;

import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.TorchParam;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;

/** Adds one pass-through layer {@code <prefix>_gate} per call and remembers "prefix input channels" of each call. */
final class RecordingAttention implements AttentionModule {

    final List<String> calls = new ArrayList<>();

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        calls.add(prefix + " " + input + " " + channels);
        graph.addLayer(prefix + "_gate", new ActivationLayer.Builder().activation("identity").build(), input);
        return prefix + "_gate";
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return List.of();
    }
}
