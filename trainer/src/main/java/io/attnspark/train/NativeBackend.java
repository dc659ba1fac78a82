package io.attnspark.train;

import io.attnspark.model.layer.BatchNorm2dLayer;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.OneDnnConvolution;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The ND4J backend of this JVM, and the settings without which DL4J trains 12-20x slower on CPU.
 * DL4J reads the helper switch each time a layer creates its helper, so setting it before the first network is built
 * is enough; executors get it through {@link #EXECUTOR_JAVA_OPTION}.
 */
public final class NativeBackend {

    static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String EXECUTOR_JAVA_OPTION = "-D" + HELPERS_DISABLE + "=false";

    /**
     * Java's vector API, which batch norm's fused training passes use (2-3x faster than its row passes). An
     * incubator module in Java 17: only there when the JVM starts with it, so launchers pass it to drivers and
     * executors (cluster-config/java17.args, {@code spark.driver/executor.extraJavaOptions}); without it batch norm
     * falls back to slower passes, and the start-up report says so.
     */
    public static final String VECTOR_MODULE_OPTION = "--add-modules=" + BatchNorm2dLayer.VECTOR_MODULE;

    /**
     * OpenMP threads that sleep as soon as a parallel region ends. With the default (spinning) policy, oneDNN's
     * idle threads hold both cores for a while after every convolution, and each of the small ND4J ops that follow
     * waits them out: SE's two dense layers then cost 9% of a ResNet-50 step instead of about 3%. OpenMP reads it
     * at start-up, so launchers set it in the environment ({@code bin/attnspark}, {@code spark.executorEnv}).
     */
    public static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";
    public static final String PASSIVE = "PASSIVE";

    /**
     * How soon tcmalloc returns freed memory to the system (its default 1). DL4J's first training step keeps every
     * activation in separate allocations, frees them and then allocates the activations workspace (1.8 GB at ResNet-50,
     * batch 16) in one block; at the default rate the freed blocks sometimes stayed resident beside it, and 2 to 3 of 6
     * runs peaked at 4.3-4.5 GB instead of 2.9 GB. At 10 none of 5 did, at the same speed (tcmalloc's aggressive
     * decommit also held the peak, but cost 10-20% of the step). Read at start-up, so launchers set it.
     */
    public static final String TCMALLOC_RELEASE_RATE = "TCMALLOC_RELEASE_RATE";
    public static final String RELEASE_RATE = "10";

    private NativeBackend() { }

    /**
     * What {@link #check()} found: backend name, whether oneDNN is compiled in and used by conv layers, and the GPUs
     * this build has no kernels for ({@link CudaCapability}; none on CPU). Batch norm needs no helper: our networks use
     * the hand-written {@code BatchNorm2d}.
     */
    public record Status(String backend, boolean onednnBuilt, String convHelper, String batchNorm,
                         String ompWaitPolicy, String malloc, List<String> unsupportedGpus) implements Serializable {

        public boolean isCpu() {
            return backend.toUpperCase().contains("CPU");
        }

        /**
         * On CPU, conv layers must run through oneDNN: {@link OneDnnConvolution}, which DL4J's switch for its own
         * oneDNN helper enables; GPU backends use cuDNN helpers or none.
         */
        public boolean fast() {
            return !isCpu() || (onednnBuilt && convHelper.equals(OneDnnConvolution.class.getSimpleName()));
        }

        public String describe() {
            return backend + ", oneDNN " + (onednnBuilt ? "built in" : "missing") + ", conv helper " + convHelper
                    + ", batch norm " + batchNorm + ", OMP_WAIT_POLICY " + ompWaitPolicy + ", malloc " + malloc;
        }
    }

    /** Turns the layer helpers on for this JVM, and keeps OpenBLAS to one thread ({@link #singleThreadedBlas}). */
    public static void enableHelpers() {
        System.setProperty(HELPERS_DISABLE, "false");
        singleThreadedBlas();
    }

    /**
     * OpenBLAS (ND4J's BLAS for dense layers' products) runs one thread. Its worker threads spin for a while after every
     * call, on the cores that oneDNN's OpenMP threads need next: with SE's 32 small dense layers per ResNet-50 step
     * the convolutions around them took ~40% more of a profile's samples. These products are small; one thread loses nothing.
     */
    static void singleThreadedBlas() {
        Nd4j.factory().blas().setMaxThreads(1);
    }

    /** Builds a one-conv network and reports which helpers its layers really use. */
    public static Status check() {
        enableHelpers();
        var environment = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = String.valueOf(environment.getProperty("backend"));
        boolean onednn = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in")
                .addLayer("conv", new Convolution2d.Builder(3, 3).nIn(1).nOut(2).activation(Activation.IDENTITY).build(), "in")
                .setOutputs("conv")
                .setInputTypes(InputType.convolutional(5, 5, 1))
                .build();
        var graph = new ComputationGraph(conf);
        graph.init();
        graph.output(Nd4j.rand(DataType.FLOAT, 1, 1, 5, 5));
        String waitPolicy = System.getenv(OMP_WAIT_POLICY);
        return new Status(backend, onednn, helperName(graph.getLayer("conv").getHelper()), BatchNorm2dLayer.kernel(),
                waitPolicy == null ? "unset (spinning)" : waitPolicy, malloc(), CudaCapability.refusals(environment));
    }

    /** The allocator this process runs on: a preloaded tcmalloc or jemalloc (bin/attnspark preloads tcmalloc), else glibc. */
    static String malloc() {
        try (var maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(NativeBackend::allocatorIn).filter(Objects::nonNull).findFirst().orElse("glibc");
        } catch (IOException | UncheckedIOException e) {
            return "unknown";
        }
    }

    static String allocatorIn(String mapping) {
        return mapping.contains("libtcmalloc") ? "tcmalloc" : mapping.contains("libjemalloc") ? "jemalloc" : null;
    }

    private static String helperName(LayerHelper helper) {
        return helper == null ? "none" : helper.getClass().getSimpleName();
    }
}
