package io.attnspark.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPUs nd4j-cuda-11.6 1.0.0-M2.1 runs on (SASS for 3.7 to 8.6, no PTX), decided without a GPU. */
class CudaCapabilityTest {

    @ParameterizedTest(name = "{0}.{1} {2}")
    @CsvSource({
            "3, 7, K80", "5, 0, Maxwell", "5, 2, M40", "6, 0, P100", "6, 1, GTX 1080", "7, 0, V100", "7, 5, T4",
            "8, 0, A100", "8, 6, RTX 3090 and A10", "8, 7, Orin", "8, 9, Ada L4 and RTX 4090"})
    void supported(int major, int minor, String example) {
        assertTrue(new CudaCapability(major, minor).supported(), example);
        assertTrue(new CudaCapability(major, minor).refusal(0, example).isEmpty(), example);
    }

    @ParameterizedTest(name = "{0}.{1} {2}")
    @CsvSource({"3, 0, GTX 680", "3, 5, K40", "9, 0, H100", "10, 0, B200", "12, 0, RTX 5090"})
    void refused(int major, int minor, String example) {
        assertFalse(new CudaCapability(major, minor).supported(), example);
    }

    @Test
    void theRefusalIsOneLineNamingTheGpuItsCapabilityAndWhatRuns() {
        String refusal = new CudaCapability(9, 0).refusal(1, "NVIDIA H100 80GB HBM3").orElseThrow();
        assertEquals("GPU 1 (NVIDIA H100 80GB HBM3) has compute capability 9.0, but nd4j-cuda-11.6 1.0.0-M2.1 has"
                + " kernels only for 3.7 to 8.x (SASS, no PTX): train on GPUs of compute capability 3.7 to 8.9, or on"
                + " CPU (a build without -Pcuda)", refusal);
        assertFalse(refusal.contains("\n"));
    }

    /** The CUDA backend's environment information, as its executioner fills it; the CPU backend's has no devices. */
    @Test
    void readsTheDevicesFromNd4jsEnvironmentInformation() {
        var environment = new Properties();
        environment.put(Nd4jEnvironment.BACKEND_KEY, "CUDA");
        environment.put(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY, List.of(device("NVIDIA A100-SXM4-40GB", 8, 0),
                device("NVIDIA H100 PCIe", 9, 0)));

        assertEquals(List.of(new CudaCapability(9, 0).refusal(1, "NVIDIA H100 PCIe").orElseThrow()),
                CudaCapability.refusals(environment));
        assertTrue(CudaCapability.refusal(environment, 0).isEmpty());
        assertTrue(CudaCapability.refusal(environment, 1).isPresent());
        var missing = assertThrows(IllegalStateException.class, () -> CudaCapability.refusal(environment, 2));
        assertTrue(missing.getMessage().contains("CUDA sees only 2 GPUs"), missing.getMessage());
        assertEquals(List.of(), CudaCapability.refusals(new Properties()));
        assertEquals(List.of(), NativeBackend.check().unsupportedGpus(), "the CPU backend lists no GPUs");
    }

    private static Map<String, Object> device(String name, long major, long minor) {
        return Map.of(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY, name, Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY, major,
                Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY, minor);
    }
}
