/**
 * {@code attnspark explain}: what the attention modules of a trained network do on given images. A checkpoint
 * ({@link io.attnspark.train.Checkpoints}) is read with the run config it carries ({@link ExplainableModel}); each
 * module names the vertices holding its weights ({@link io.attnspark.model.attention.AttentionModule#attentionMaps});
 * channel gates become bar charts (JFreeChart), spatial maps heat maps over the image (OpenCV). Depends on model,
 * datasets and train; never on cli or results.
 */
package io.attnspark.explain;
