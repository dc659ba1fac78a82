package io.attnspark.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeBackendTest {

    @Test
    void convolutionsRunThroughOneDnn() {
        var status = NativeBackend.check();
        assertTrue(status.isCpu(), status.describe());
        assertTrue(status.onednnBuilt(), "the nd4j-native jar lacks oneDNN (use classifier linux-x86_64-onednn): " + status.describe());
        assertEquals("MKLDNNConvHelper", status.convHelper(), status.describe());
        assertTrue(status.fast(), status.describe());
        String waitPolicy = System.getenv(NativeBackend.OMP_WAIT_POLICY);
        assertEquals(waitPolicy == null ? "unset (spinning)" : waitPolicy, status.ompWaitPolicy());
        assertTrue(status.describe().contains("OMP_WAIT_POLICY"), status.describe());
    }
}
