package io.attnspark.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an add-on attention module sits in a residual block: the SE paper's integration ablation (Hu et al.,
 * Table 14, Fig. 5). Backbones without residual stages (MobileNetV2) only know {@link #STANDARD}.
 */
public enum AttentionPosition {
    /** On the residual branch, after its last BN, before the add. */
    STANDARD,
    /** On the block input, before the first conv of the residual branch; the shortcut still takes the raw input. */
    PRE,
    /** After the add and its ReLU, i.e. on the block output. */
    POST,
    /** On the shortcut branch, after the downsample projection if there is one. */
    IDENTITY;

    /** The lower-case name used in configs and records, e.g. {@code standard}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is none of {@code standard, pre, post, identity} */
    public static AttentionPosition fromConfigName(String name) {
        return Arrays.stream(values()).filter(p -> p.configName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown attention position '" + name + "'; use one of "
                        + Arrays.stream(values()).map(AttentionPosition::configName).collect(Collectors.joining(", "))));
    }
}
