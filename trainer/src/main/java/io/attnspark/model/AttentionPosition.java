package io.attnspark.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an attention module sits in a network. The block positions are the SE paper's integration ablation (Hu et
 * al., Table 14, Fig. 5) plus GCNet's "after add"; {@link #STAGE} is BAM's, {@link #CONV} that of the modules that
 * stand in for a convolution (SK, ResNeSt, CondConv, DynamicConv, BoTNet). Backbones without residual stages
 * (MobileNetV2) only know {@link #STANDARD}, after their depthwise conv.
 */
public enum AttentionPosition {
    /** On the residual branch, after its last BN, before the add. */
    STANDARD,
    /** On the block input, before the first conv of the residual branch; the shortcut still takes the raw input. */
    PRE,
    /** After the add and its ReLU, i.e. on the block output. */
    POST,
    /** On the shortcut branch, after the downsample projection if there is one. */
    IDENTITY,
    /** On the sum of the branch and the shortcut, before the block's final ReLU (GCNet's "after add"). */
    AFTER_ADD,
    /** Once per stage, on the stage's output (BAM's "bottleneck of the network"). */
    STAGE,
    /** In place of the block's (strided) 3×3 conv; only for modules that replace a convolution. */
    CONV;

    /** The lower-case name used in configs and records, e.g. {@code standard}, {@code after_add}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the module goes into every block of the chosen stages (not once per stage, not as a conv). */
    public boolean perBlockAddOn() {
        return this != STAGE && this != CONV;
    }

    /** @throws IllegalArgumentException for a name that is none of the {@link #configName()}s */
    public static AttentionPosition fromConfigName(String name) {
        return Arrays.stream(values()).filter(p -> p.configName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown attention position '" + name + "'; use one of "
                        + Arrays.stream(values()).map(AttentionPosition::configName).collect(Collectors.joining(", "))));
    }
}
