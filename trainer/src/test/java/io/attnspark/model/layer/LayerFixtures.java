package io.attnspark.model.layer;

import java.io.File;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The PyTorch fixtures of this package's tests: {@code /fixtures/layer/<name>.npz}, arrays by key without ".npy". */
final class LayerFixtures {

    private LayerFixtures() { }

    static Map<String, INDArray> load(String name) {
        try {
            var url = LayerFixtures.class.getResource("/fixtures/layer/" + name + ".npz");
            var arrays = new HashMap<String, INDArray>();
            Nd4j.createFromNpzFile(new File(url.toURI())).forEach((key, array) -> arrays.put(key.replaceFirst("\\.npy$", ""), array));
            return arrays;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read fixture " + name, e);
        }
    }
}
