package io.attnspark.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeBackendTest {

    @Test
    void convolutionsRunThroughOneDnn() {
        var status = NativeBackend.check();
        assertTrue(status.isCpu(), status.describe());
        assertTrue(status.onednnBuilt(), "the nd4j-native jar lacks oneDNN (use classifier linux-x86_64-onednn): " + status.describe());
        assertEquals("OneDnnConvolution", status.convHelper(), status.describe());
        assertTrue(status.fast(), status.describe());
        String waitPolicy = System.getenv(NativeBackend.OMP_WAIT_POLICY);
        assertEquals(waitPolicy == null ? "unset (spinning)" : waitPolicy, status.ompWaitPolicy());
        assertTrue(status.describe().contains("OMP_WAIT_POLICY"), status.describe());
        assertEquals("vector API", status.batchNorm(), "the test JVM has jdk.incubator.vector (java17.args)");
    }

    @Test
    void theCheckLeavesOpenBlasOneThread() {
        Nd4j.factory().blas().setMaxThreads(2);
        assertEquals(2, Nd4j.factory().blas().getMaxThreads());

        NativeBackend.check();

        assertEquals(1, Nd4j.factory().blas().getMaxThreads());
    }

    @Test
    void namesThePreloadedAllocatorFromTheProcessMappings() {
        assertEquals("tcmalloc", NativeBackend.allocatorIn(
                "7f1c2a000000-7f1c2a02b000 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10"));
        assertEquals("jemalloc", NativeBackend.allocatorIn("7f1c2a000000-7f1c2a02b000 r-xp 00000000 08:01 9 /usr/lib/libjemalloc.so.2"));
        assertNull(NativeBackend.allocatorIn("7f1c2a000000-7f1c2a02b000 r-xp 00000000 08:01 7 /usr/lib/x86_64-linux-gnu/libc.so.6"));
        assertTrue(NativeBackend.check().describe().contains("malloc " + NativeBackend.malloc()));
    }
}
