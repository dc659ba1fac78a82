package io.attnspark.model;

import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Softmax cross-entropy against smoothed targets {@code (1 - eps) * y + eps / K}, as torch's
 * {@code CrossEntropyLoss(label_smoothing=eps)}. Cross-entropy is linear in the target, so smoothing the labels before
 * DL4J's own loss gives both the smoothed score and its gradient ({@code softmax - smoothed target}).
 */
public class LabelSmoothingCrossEntropy extends LossMCXENT {
    // DL4J serializes network configurations with its shaded Jackson, hence the org.nd4j.shade annotations

    @JsonProperty
    private final double smoothing;

    public LabelSmoothingCrossEntropy(@JsonProperty("smoothing") double smoothing) {
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("label smoothing " + smoothing + " must be in [0, 1)");
        }
        this.smoothing = smoothing;
    }

    public double smoothing() {
        return smoothing;
    }

    private INDArray smooth(INDArray labels) {
        return labels.mul(1 - smoothing).addi(smoothing / labels.size(1));
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, boolean average) {
        return super.computeScore(smooth(labels), preOutput, activation, mask, average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        return super.computeScoreArray(smooth(labels), preOutput, activation, mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        return super.computeGradient(smooth(labels), preOutput, activation, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activation,
                                                          INDArray mask, boolean average) {
        return super.computeGradientAndScore(smooth(labels), preOutput, activation, mask, average);
    }

    @Override
    public String name() {
        return "LabelSmoothingCrossEntropy(" + smoothing + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSmoothingCrossEntropy other && other.smoothing == smoothing && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(smoothing);
    }
}
