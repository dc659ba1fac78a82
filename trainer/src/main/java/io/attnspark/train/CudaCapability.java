package io.attnspark.train;

import org.nd4j.linalg.api.environment.Nd4jEnvironment;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * A GPU's CUDA compute capability, and whether attnspark's CUDA build has kernels for it. {@code nd4j-cuda-11.6}
 * 1.0.0-M2.1 ships compiled kernels (SASS) for compute capability 3.7 to 8.6 and no PTX. A GPU runs SASS built for
 * X.y when it is X.z with z >= y, and only PTX could be compiled for a newer major version: so Kepler before the K80
 * (3.5 and older) and Hopper (9.0) and newer cannot run the build at all, while Maxwell, Pascal, Volta, Turing,
 * Ampere and Ada (8.9, through the 8.6 kernels) can.
 */
record CudaCapability(int major, int minor) {

    static final CudaCapability OLDEST = new CudaCapability(3, 7);
    static final int NEWEST_MAJOR = 8;

    boolean supported() {
        return (major > OLDEST.major || major == OLDEST.major && minor >= OLDEST.minor) && major <= NEWEST_MAJOR;
    }

    /** Empty for a GPU the build runs on, else the one line that says why training refuses to start. */
    Optional<String> refusal(int device, String name) {
        if (supported()) {
            return Optional.empty();
        }
        return Optional.of("GPU " + device + " (" + name + ") has compute capability " + this + ", but nd4j-cuda-11.6 "
                + "1.0.0-M2.1 has kernels only for " + OLDEST + " to " + NEWEST_MAJOR + ".x (SASS, no PTX): train on "
                + "GPUs of compute capability " + OLDEST + " to " + NEWEST_MAJOR + ".9, or on CPU (a build without -Pcuda)");
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }

    /**
     * The refusals for the GPUs that ND4J's environment information lists (the CUDA backend's
     * {@value Nd4jEnvironment#CUDA_DEVICE_INFORMATION_KEY}); none on CPU, whose information lists no devices.
     */
    static List<String> refusals(Properties environment) {
        return IntStream.range(0, devices(environment).size())
                .mapToObj(device -> refusal(environment, device)).flatMap(Optional::stream).toList();
    }

    /** The refusal for one GPU of ND4J's environment information, by its CUDA device index. */
    static Optional<String> refusal(Properties environment, int device) {
        var devices = devices(environment);
        if (device >= devices.size()) {
            throw new IllegalStateException("Spark assigned GPU " + device + ", but CUDA sees only " + devices.size()
                    + " GPUs on this executor: the discovery script must report CUDA device indices");
        }
        var info = (Map<?, ?>) devices.get(device);
        var capability = new CudaCapability(((Number) info.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY)).intValue(),
                ((Number) info.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY)).intValue());
        return capability.refusal(device, String.valueOf(info.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY)));
    }

    private static List<?> devices(Properties environment) {
        return environment.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY) instanceof List<?> devices ? devices : List.of();
    }
}
