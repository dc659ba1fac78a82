package io.attnspark.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The explain command's advice for a module without maps comes from the modules whose maps depend on options. */
class ExplainableModelTest {

    @Test
    void remarksNameEachModuleWhoseMapsDependOnItsOptions() {
        String ge = "per channel at extent 0, else spatial";
        assertEquals(List.of("gc with pooling att or fusion mul", "ge " + ge, "ge_minus " + ge, "ge_plus " + ge),
                ExplainableModel.mapRemarks());
    }
}
