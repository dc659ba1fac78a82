/**
 * The ops attention modules and backbones are built from where DL4J has no built-in: hand-written layer configs with
 * their runtime layers ({@link io.attnspark.model.layer.BatchNorm2d}, {@link io.attnspark.model.layer.GroupedConvolution},
 * {@link io.attnspark.model.layer.KernelMixtureConvolution}, {@link io.attnspark.model.layer.RelativePositionAttention})
 * and graph vertices ({@code *Vertex} configs, {@code *VertexImpl} runtime), each with an explicit backward pass; and
 * {@link io.attnspark.model.layer.Convolution2d}, DL4J's conv layer minus what its backward pass never needs. On CPU
 * the convolutions, the batch norm's full-map passes, the per-row arithmetic and the ReLUs call oneDNN 2.5 directly
 * ({@code OneDnn*}, {@code PerChannelAffine}).
 * One drawer for both: in a DL4J graph a vertex and a layer are the same kind of thing, an op with a forward and a
 * backward pass, and neither knows which module uses it (ArchitectureTest: ops never import modules).
 * <p>
 * DL4J writes a layer's and a vertex's JSON type as its fully qualified class name; the ops that lived in
 * {@code io.attnspark.model.attention} until the modules got a package of their own are here now, so a network
 * configuration saved before the move (a checkpoint of an earlier run) names the old classes, which
 * {@code io.attnspark.train.MovedLayerClasses} renames when it reads the checkpoint.
 */
package io.attnspark.model.layer;
