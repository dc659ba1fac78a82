package org.nd4j.nativeblas;

/**
 * Restores the class that DL4J 1.0.0-M2.1's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up by reflection.
 * ND4J M2.1 moved it to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the method, so without
 * this class the check always fails and every oneDNN layer helper stays off (12-20x slower CPU training).
 * {@link io.attnspark.train.NativeBackend} verifies at start-up that the helpers really engage.
 */
public final class Nd4jCpu {
    private Nd4jCpu() { }

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() { }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Reflective, so the class also compiles against the CUDA backend, which has no CPU bindings (nor oneDNN). */
        public boolean isUseMKLDNN() {
            try {
                Class<?> environment = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object instance = environment.getMethod("getInstance").invoke(null);
                return (Boolean) environment.getMethod("isUseONEDNN").invoke(instance);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
    }
}
