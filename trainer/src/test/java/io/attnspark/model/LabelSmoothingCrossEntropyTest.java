package io.attnspark.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.serde.json.JsonMappers;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelSmoothingCrossEntropyTest {

    @Test
    void equalsTorchCrossEntropyWithLabelSmoothing() throws Exception {
        var fixture = Nd4j.createFromNpzFile(new File(getClass().getResource("/fixtures/model/label_smoothing.npz").toURI()));
        var logits = fixture.get("logits").castTo(DataType.DOUBLE);
        var labels = fixture.get("labels").castTo(DataType.DOUBLE);
        var loss = new LabelSmoothingCrossEntropy(0.1);

        assertEquals(fixture.get("loss").getDouble(0), loss.computeScore(labels, logits, new ActivationSoftmax(), null, true), 1e-9);
        // DL4J's gradient is per example (the updater divides by the batch), torch's is of the batch mean
        var gradient = loss.computeGradient(labels, logits, new ActivationSoftmax(), null).div(logits.size(0));
        assertTrue(gradient.equalsWithEps(fixture.get("grad"), 1e-9), gradient + "\nvs\n" + fixture.get("grad"));
    }

    @Test
    void zeroSmoothingIsPlainCrossEntropyAndJsonRoundTrips() throws Exception {
        var logits = Nd4j.rand(DataType.DOUBLE, 3, 4);
        var labels = Nd4j.eye(4).getRows(1, 0, 3).castTo(DataType.DOUBLE);
        assertEquals(new LossMCXENT().computeScore(labels, logits, new ActivationSoftmax(), null, true),
                new LabelSmoothingCrossEntropy(0).computeScore(labels, logits, new ActivationSoftmax(), null, true), 1e-12);

        var mapper = JsonMappers.getMapper();
        ILossFunction back = mapper.readValue(mapper.writeValueAsString(new LabelSmoothingCrossEntropy(0.2)), ILossFunction.class);
        assertEquals(new LabelSmoothingCrossEntropy(0.2), back);
        assertThrows(IllegalArgumentException.class, () -> new LabelSmoothingCrossEntropy(1.0));
    }
}
