package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.attnspark.datasets.image.Augmentation;
import io.attnspark.train.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's recipe is a valid run config with flips as its augmentation; the demo itself is timed by hand. */
class DemoCommandTest {

    @Test
    void theRecipeTrainsAt28PixelsWithFlipsOnly() {
        var overrides = new ArrayList<>(List.of("data.path=/tmp/fashion-mnist"));
        overrides.addAll(DemoCommand.RECIPE);
        var config = ConfigLoader.load(null, overrides);
        assertEquals(Augmentation.PAD_CROP, config.data().augment());
        assertEquals(0, config.data().padding(), "pad-and-crop without padding: a horizontal flip, no shift");
        assertEquals(28, config.model().imageSize());
        assertEquals(2, config.spark().workers());
        assertEquals("local[2]", config.spark().master());
    }
}
