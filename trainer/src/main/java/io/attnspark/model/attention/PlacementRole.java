package io.attnspark.model.attention;

/**
 * Where the papers put a module, in words every backbone can turn into its own position and stages
 * ({@code Backbone.defaultPlacement}). A module names its role; no backbone needs to know the module.
 */
public enum PlacementRole {
    /** In every block of every stage, on the residual branch before the add (SE and most add-ons). */
    EVERY_BLOCK,
    /** After the residual add in every block of every stage but the first (GCNet's c3-c5). */
    AFTER_ADD_PAST_FIRST_STAGE,
    /** Once at the end of every stage but the last (BAM: its reference code puts none after the last stage). */
    STAGE_ENDS,
    /** In place of the 3×3 conv of every block (SK, ResNeSt, CondConv, DynamicConv). */
    CONV_EVERY_BLOCK,
    /** In place of the 3×3 convs of the last stage only (BoTNet's multi-head self-attention). */
    CONV_LAST_STAGE;

    /** Whether the module stands in for a convolution in this role. */
    public boolean replacesConv() {
        return this == CONV_EVERY_BLOCK || this == CONV_LAST_STAGE;
    }
}
