package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.attnspark.datasets.image.Augmentation;
import io.attnspark.train.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's recipe is a valid run config with the small-image augmentation; the demo itself is timed by hand. */
class DemoCommandTest {

    @Test
    void theRecipeTrainsAt28PixelsWithPadAndCrop() {
        var overrides = new ArrayList<>(List.of("data.path=/tmp/fashion-mnist"));
        overrides.addAll(DemoCommand.RECIPE);
        var config = ConfigLoader.load(null, overrides);
        assertEquals(Augmentation.PAD_CROP, config.data().augment());
        assertEquals(28, config.model().imageSize());
        assertEquals(2, config.spark().workers());
        assertEquals("local[2]", config.spark().master());
    }
}
