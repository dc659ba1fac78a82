package io.attnspark.model;

import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.TorchParam;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * An attention module and where it goes: all a backbone needs to know about attention. {@link #NONE} adds nothing.
 *
 * @param module    the configured module
 * @param placement its position and stages
 */
public record PlacedAttention(AttentionModule module, Placement placement) {

    /** The attention name that means no module, in configs and records. */
    public static final String NO_ATTENTION = "none";

    /** No attention: a module that adds nothing, at the standard placement. */
    public static final PlacedAttention NONE = new PlacedAttention(new NoAttention(), Placement.STANDARD);

    public PlacedAttention {
        if (module == null || placement == null) {
            throw new IllegalArgumentException("placed attention needs a module and a placement");
        }
    }

    /** No module, at {@code placement} (which a backbone still checks). */
    public static PlacedAttention none(Placement placement) {
        return new PlacedAttention(NONE.module, placement);
    }

    public boolean hasAttention() {
        return !(module instanceof NoAttention);
    }

    public AttentionPosition position() {
        return placement.position();
    }

    /** Whether residual stage {@code stage} (1-based) gets the module. */
    public boolean attends(int stage) {
        return hasAttention() && placement.stages().contains(stage);
    }

    /** The same placement with {@code other} in place of the module (e.g. one that records where it is attached). */
    public PlacedAttention withModule(AttentionModule other) {
        return new PlacedAttention(other, placement);
    }

    private static final class NoAttention implements AttentionModule {
        @Override
        public String name() {
            return NO_ATTENTION;
        }

        @Override
        public String attach(GraphBuilder graph, String prefix, String input, int channels) {
            return input;
        }

        @Override
        public List<TorchParam> torchParams(String prefix, int channels) {
            return List.of();
        }
    }
}
