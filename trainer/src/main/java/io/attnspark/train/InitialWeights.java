package io.attnspark.train;

import io.attnspark.model.Models;
import io.attnspark.model.ResolvedModel;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** {@code model.initFrom}: a PyTorch state dict on any Hadoop file system that initializes a new network. */
final class InitialWeights {

    private InitialWeights() { }

    /**
     * Copies the state dict at {@code uri} to a local temporary file (ND4J reads .npz from the local disk only) and
     * loads it; every key must fit (see {@link Models#loadTorchWeights}).
     */
    static void load(ComputationGraph network, ResolvedModel model, String uri, Configuration hadoop) throws IOException {
        Path source = new Path(uri);
        java.nio.file.Path local = Files.createTempFile("attnspark-init-", ".npz");
        try {
            source.getFileSystem(hadoop).copyToLocalFile(false, source, new Path(local.toUri()), true);
            Models.loadTorchWeights(network, model, local);
        } finally {
            Files.deleteIfExists(local);
        }
    }
}
