package io.attnspark.model.layer;

/**
 * A layer or vertex whose backward pass only reads the gradient it is given, never writes into it: a block's end may
 * then hand that array to it and to the shortcut at once ({@link AddReluVertexImpl#mayShareGradient}).
 */
interface ReadsGradientOnly {
}
