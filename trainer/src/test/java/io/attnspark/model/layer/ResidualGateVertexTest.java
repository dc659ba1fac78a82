package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link ResidualGateVertex} against its formula, computed in double from the same inputs: float (oneDNN's passes) and
 * double (ND4J's), forward and both gradients. (BAM's module tests check it against torch and by finite differences.)
 */
class ResidualGateVertexTest {

    @Test
    void outputHasTheInputsShape() {
        InputType x = InputType.convolutional(5, 7, 24);
        assertEquals(x, new ResidualGateVertex().getOutputType(0, x, x));
        assertThrows(InvalidInputTypeException.class,
                () -> new ResidualGateVertex().getOutputType(0, x, InputType.convolutional(5, 7, 1)));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"}, mode = Mode.INCLUDE)
    void forwardAndBackwardFollowTheFormula(DataType type) {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 6, 5, 7);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 3, 6, 5, 7).muli(3);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 3, 6, 5, 7);
        INDArray s = Transforms.sigmoid(z, true);

        var gate = vertex(x.castTo(type), z.castTo(type));
        INDArray out = gate.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        gate.setEpsilon(eps.castTo(type));
        INDArray[] gradients = gate.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();

        double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
        assertClose(x.add(x.mul(s)), out, tolerance, "out");
        assertClose(eps.add(eps.mul(s)), gradients[0], tolerance, "dx");
        assertClose(eps.mul(x).mul(s).mul(s.rsub(1.0)), gradients[1], tolerance, "dz");
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double difference = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(difference <= tolerance * Math.max(1, expected.amaxNumber().doubleValue()), what + " differs by " + difference);
    }

    private static GraphVertex vertex(INDArray x, INDArray z) {
        InputType type = InputType.convolutional(x.size(2), x.size(3), x.size(1));
        var configuration = new NeuralNetConfiguration.Builder().dataType(x.dataType()).graphBuilder().addInputs("x", "z")
                .setInputTypes(type, type)
                .addVertex("gate", new ResidualGateVertex(), "x", "z").setOutputs("gate").build();
        var net = new ComputationGraph(configuration);
        net.init();
        var gate = net.getVertex("gate");
        gate.setInputs(x, z);
        return gate;
    }
}
