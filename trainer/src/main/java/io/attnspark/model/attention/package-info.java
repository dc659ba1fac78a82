/**
 * Attention modules as parts of a DL4J {@code ComputationGraph}, numerically equal to the seed tutorials' PyTorch code.
 *
 * <h2>Building</h2>
 * {@link io.attnspark.model.attention.AttentionRegistry#create AttentionRegistry.create(name, options)} gives an
 * immutable {@link io.attnspark.model.attention.AttentionModule}; options are parsed by
 * {@link io.attnspark.model.attention.AttentionOptions}, which rejects unknown names.
 * {@code attach(graph, prefix, input, channels)} adds the module's vertices, each named {@code prefix + "_" + part},
 * and returns the vertex that replaces {@code input}. Standard ops are built-in DL4J layers; ops that DL4J lacks are
 * small hand-written vertices with an explicit backward pass (e.g. {@link io.attnspark.model.layer.ChannelScaleVertex}).
 *
 * <h2>Modules that replace a convolution</h2>
 * A {@link io.attnspark.model.attention.ConvReplacement} (SK, split attention, CondConv, dynamic convolution, MHSA) also has
 * {@code attach(graph, prefix, input, inChannels, outChannels, stride)} and the matching {@code torchParams}; at position
 * {@code conv} ResNet puts it in place of each attended block's strided 3x3 conv (bottleneck {@code conv2}, basic block
 * {@code conv1}), and a state dict's keys for it sit under that conv's path.
 * Through the plain {@code attach} it keeps the shape (C → C, stride 1), the seeds' form.
 * Dynamic convolution's softmax temperature lives in its layers' configuration:
 * {@link io.attnspark.model.attention.DynamicConvolution#setTemperature DynamicConvolution.setTemperature(network, T)}
 * sets it on a built network, and the module's per-epoch hook
 * ({@link io.attnspark.model.attention.AttentionModule#startEpoch}, which the trainer calls before each epoch) applies its
 * {@link io.attnspark.model.attention.TemperatureSchedule}. Where a module goes by default is its
 * {@link io.attnspark.model.attention.PlacementRole}, which each backbone turns into its own position and stages.
 *
 * <h2>PyTorch weights: the naming contract</h2>
 * {@code torchParams(prefix, channels)} lists one {@link io.attnspark.model.attention.TorchParam} per tensor in the
 * PyTorch module's {@code state_dict}: its key relative to the module (as in the seed's class, e.g.
 * {@code excitation.0.weight}), the DL4J vertex ({@code prefix_part}) and parameter key ({@code W}, {@code b}, ...),
 * and the layout conversion:
 * <ul>
 *   <li>{@code SAME}: identical element order up to unit dimensions (conv weights [out,in,kh,kw], bias [n] → [1,n]);</li>
 *   <li>{@code DENSE_FROM_LINEAR}: {@code Linear} [out,in] or 1×1 conv [out,in,1,1] → {@code DenseLayer} W [in,out].</li>
 *   <li>{@code DEPTHWISE_FROM_CONV}: depthwise conv [C·m,1,kh,kw] → {@code DepthwiseConvolution2D} W [kh,kw,C,m].</li>
 *   <li>{@code FLATTEN_TRAILING}: [d0,d1,d2,...] → [d0,d1·d2·...] in the same element order (dynconv's expert kernels).</li>
 * </ul>
 * In a whole network the backbone prepends the module's path with {@code TorchParam.withTorchPrefix("layer1.0.se.")}.
 * {@link io.attnspark.model.attention.TorchStateDict#load} copies a state dict (e.g. read from {@code .npz}) and fails,
 * copying nothing, on any missing, unexpected, unmapped or mis-shaped key, listing them all.
 *
 * <table>
 *   <caption>Torch keys per module</caption>
 *   <tr><th>module</th><th>torch key</th><th>vertex_param</th><th>layout</th></tr>
 *   <tr><td>{@code se}</td><td>excitation.0.weight / .bias</td><td>prefix_reduce_W / _b</td><td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td></td><td>excitation.2.weight / .bias</td><td>prefix_expand_W / _b</td><td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td>{@code se_var1}</td><td>(none)</td><td></td><td></td></tr>
 *   <tr><td>{@code se_var2}</td><td>excitation.0.weight [C,1,1,1] / .bias</td><td>prefix_excite_W [1,C] / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td>{@code se_var3}</td><td>excitation.0.weight / .bias</td><td>prefix_excite_W / _b</td><td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td>{@code eca}</td><td>conv.weight [1,1,k]</td><td>prefix_conv_W [1,1,1,k]</td><td>SAME</td></tr>
 *   <tr><td>{@code gc}</td><td>conv_mask.weight / .bias (pooling att only)</td><td>prefix_mask_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>T.0.weight / .bias, T = channel_add_conv (fusion add) or channel_mul_conv (mul)</td><td>prefix_transform_W / _b</td><td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td></td><td>T.1.weight [C',1,1] / .bias (LayerNorm affine)</td><td>prefix_affine_W [1,C'] / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>T.3.weight / .bias</td><td>prefix_expand_W / _b</td><td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td>{@code snl}</td><td>conv_mask.weight / .bias</td><td>prefix_mask_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>conv_value.weight / .bias</td><td>prefix_value_W / _b</td><td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td>{@code nl}</td><td>theta.*, phi.*, g.* (weight / bias)</td><td>prefix_theta_*, _phi_*, _g_* (W / b)</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>W.0.weight / .bias</td><td>prefix_out_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>W.1.weight / .bias / .running_mean / .running_var (W.1.num_batches_tracked: drop it, no counterpart)</td><td>prefix_bn_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td>{@code mhsa}</td><td>to_qkv.to_qkv.weight [3C,C_in] / .bias</td><td>prefix_qkv_W [3C,C_in,1,1] / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>pos_embed.height_rel [2H-1,d] / pos_embed.width_rel [2W-1,d] (pos=relative only; d = C/heads,
 *       H×W the map the attention sees, before a stride-2 pool)</td>
 *       <td>prefix_attend_heightRel / _widthRel ({@link io.attnspark.model.layer.RelativePositionAttention})</td><td>SAME</td></tr>
 *   <tr><td></td><td>to_output.weight [C,C] / .bias</td><td>prefix_out_W [C,C,1,1] / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td>{@code mhsa} (timm=1, timm's BottleneckAttn)</td><td>qkv.weight [3C,C_in,1,1]; pos_embed.height_rel /
 *       .width_rel as above; no bias, no output projection</td><td>prefix_qkv_W; prefix_attend_heightRel / _widthRel</td>
 *       <td>SAME</td></tr>
 *   <tr><td>{@code cbam}</td><td>channel_attention.mlp.0.weight [C/r,C,1,1] / .bias</td><td>prefix_fc1_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>channel_attention.mlp.2.weight [C,C/r,1,1] / .bias</td><td>prefix_fc2_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>spatial_attention.conv.weight [1,2,k,k] / .bias</td><td>prefix_spatial_conv_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td>{@code cbam} (timm=1)</td><td>channel.fc1.weight / channel.fc2.weight</td><td>prefix_fc1_W / prefix_fc2_W</td>
 *       <td>SAME</td></tr>
 *   <tr><td></td><td>spatial.conv.conv.weight, spatial.conv.bn.weight / .bias / .running_mean / .running_var</td>
 *       <td>prefix_spatial_conv_W, prefix_spatial_bn_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td>{@code ge_minus}</td><td>(none)</td><td></td><td></td></tr>
 *   <tr><td>{@code ge}, {@code ge_plus}</td><td>gather.&lt;3i&gt;.weight [C,1,3,3] (global: [C,1,H,W])</td>
 *       <td>prefix_gather&lt;i+1&gt;_conv_W [3,3,C,1]</td><td>DEPTHWISE_FROM_CONV</td></tr>
 *   <tr><td></td><td>gather.&lt;3i+1&gt;.weight / .bias / .running_mean / .running_var</td>
 *       <td>prefix_gather&lt;i+1&gt;_bn_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td></td><td colspan="3">i = 0 .. log2(extent)−1 (one step for the global extent); BN's
 *       {@code num_batches_tracked} has no DL4J counterpart: drop it from the state dict before loading</td></tr>
 *   <tr><td>{@code ge_plus}</td><td>mlp.0.weight [C/r,C,1,1] / .bias, mlp.2.weight / .bias</td>
 *       <td>prefix_fc1_W / _b, prefix_fc2_W / _b</td><td>SAME</td></tr>
 *   <tr><td>{@code bam}</td><td>channel_attention.mlp.0.weight [C/r,C,1,1] / .bias</td><td>prefix_channel_fc1_W / _b</td>
 *       <td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td></td><td>channel_attention.mlp.1.weight / .bias / .running_mean / .running_var</td>
 *       <td>prefix_channel_bn_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td></td><td>channel_attention.mlp.3.weight [C,C/r,1,1] / .bias</td><td>prefix_channel_fc2_W / _b</td>
 *       <td>DENSE_FROM_LINEAR / SAME</td></tr>
 *   <tr><td></td><td>spatial_attention.reduce_1.0 / layers.0 / layers.3 .weight / .bias</td>
 *       <td>prefix_spatial_reduce1 / _dilated1 / _dilated2 _W / _b</td><td>SAME</td></tr>
 *   <tr><td></td><td>spatial_attention.reduce_1.1 / layers.1 / layers.4 .weight / .bias / .running_mean / .running_var</td>
 *       <td>prefix_spatial_reduce1_bn / _dilated1_bn / _dilated2_bn _gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td></td><td>spatial_attention.reduce_2.weight [1,C/r,1,1] / .bias</td><td>prefix_spatial_reduce2_W / _b</td>
 *       <td>SAME</td></tr>
 *   <tr><td>{@code sk}</td><td>split.branches.&lt;m-1&gt;.conv.weight [C_out,C_in/groups,3,3]</td><td>prefix_branch&lt;m&gt;_conv_W</td><td>SAME</td></tr>
 *   <tr><td></td><td>split.branches.&lt;m-1&gt;.bn.weight / .bias / .running_mean / .running_var</td><td>prefix_branch&lt;m&gt;_bn_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td></td><td>fuse.fc.0.weight [C/r,C,1,1]; fuse.fc.1.* (BN)</td><td>prefix_fuse_W; prefix_fuse_bn_*</td><td>DENSE_FROM_LINEAR; SAME</td></tr>
 *   <tr><td></td><td>select.fc.weight [M·C,C/r,1,1]</td><td>prefix_select_W</td><td>DENSE_FROM_LINEAR</td></tr>
 *   <tr><td>{@code condconv}</td><td>routing_fn.weight [E,C_in] / .bias [E] (timm's CondConv blocks)</td>
 *       <td>prefix_conv_routeW / _routeB</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>weight [E,C_out·C_in·3·3] / bias [E,C_out] (timm's CondConv2d; bias only with bias=true)</td>
 *       <td>prefix_conv_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td>{@code dynconv}</td><td>router.mlp.0.weight [C_in/r,C_in,1,1] / .bias</td><td>prefix_conv_reduceW / _reduceB</td>
 *       <td>SAME / SAME</td></tr>
 *   <tr><td></td><td>router.mlp.2.weight [E,C_in/r,1,1] / .bias</td><td>prefix_conv_routeW / _routeB</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>combine.weights [E,C_out,C_in,3,3] / combine.bias [E,C_out] (bias only with bias=true)</td>
 *       <td>prefix_conv_W [E,C_out·C_in·9] / _b</td><td>FLATTEN_TRAILING / SAME</td></tr>
 *   <tr><td>{@code splat}</td><td>conv.weight [R·C,C_in/(R·K),3,3] (R radix, K cardinality)</td><td>prefix_conv_W</td><td>SAME</td></tr>
 *   <tr><td></td><td>bn0.weight / .bias / .running_mean / .running_var</td><td>prefix_bn0_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td></td><td>fc1.weight [W,C/K,1,1] / .bias</td><td>prefix_fc1_W / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>bn1.weight / .bias / .running_mean / .running_var</td><td>prefix_bn1_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td></td><td>fc2.weight [R·C,W/K,1,1] / .bias (timm's SplitAttn keys; W the fc width)</td><td>prefix_fc2_W / _b</td><td>SAME / SAME</td></tr>
 * </table>
 */
package io.attnspark.model.attention;

import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.RelativePositionAttention;
