/**
 * Attention modules as parts of a DL4J {@code ComputationGraph}, numerically equal to the seed tutorials' PyTorch code.
 *
 * <h2>Building</h2>
 * {@link io.attnspark.model.attention.AttentionRegistry#create AttentionRegistry.create(name, options)} gives an
 * immutable {@link io.attnspark.model.attention.AttentionModule}; options are parsed by
 * {@link io.attnspark.model.attention.AttentionOptions}, which rejects unknown names.
 * {@code attach(graph, prefix, input, channels)} adds the module's vertices, each named {@code prefix + "_" + part},
 * and returns the vertex that replaces {@code input}. Standard ops are built-in DL4J layers; ops that DL4J lacks are
 * small hand-written vertices with an explicit backward pass (e.g. {@link io.attnspark.model.attention.ChannelScaleVertex}).
 *
 * <h2>Modules that replace a convolution</h2>
 * A {@link io.attnspark.model.attention.ConvReplacement} (SK) also has
 * {@code attach(graph, prefix, input, inChannels, outChannels, stride)} and the matching {@code torchParams}; ResNet puts
 * it in place of each attended block's strided 3x3 conv (bottleneck {@code conv2}, basic block {@code conv1}).
 * Through the plain {@code attach} it keeps the shape (C → C, stride 1), the seeds' form.
 *
 * <h2>PyTorch weights: the naming contract</h2>
 * {@code torchParams(prefix, channels)} lists one {@link io.attnspark.model.attention.TorchParam} per tensor in the
 * PyTorch module's {@code state_dict}: its key relative to the module (as in the seed's class, e.g.
 * {@code excitation.0.weight}), the DL4J vertex ({@code prefix_part}) and parameter key ({@code W}, {@code b}, ...),
 * and the layout conversion:
 * <ul>
 *   <li>{@code SAME}: identical element order up to unit dimensions (conv weights [out,in,kh,kw], bias [n] → [1,n]);</li>
 *   <li>{@code DENSE_FROM_LINEAR}: {@code Linear} [out,in] or 1×1 conv [out,in,1,1] → {@code DenseLayer} W [in,out].</li>
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
 *   <tr><td>{@code mhsa}</td><td>to_qkv.to_qkv.weight [3C,C] / .bias</td><td>prefix_qkv_W [3C,C,1,1] / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td></td><td>to_output.weight [C,C] / .bias</td><td>prefix_out_W [C,C,1,1] / _b</td><td>SAME / SAME</td></tr>
 *   <tr><td>{@code sk}</td><td>split.branches.&lt;m-1&gt;.conv.weight</td><td>prefix_branch&lt;m&gt;_conv_W</td><td>SAME</td></tr>
 *   <tr><td></td><td>split.branches.&lt;m-1&gt;.bn.weight / .bias / .running_mean / .running_var</td><td>prefix_branch&lt;m&gt;_bn_gamma / _beta / _mean / _var</td><td>SAME</td></tr>
 *   <tr><td></td><td>fuse.fc.0.weight [C/r,C,1,1]; fuse.fc.1.* (BN)</td><td>prefix_fuse_W; prefix_fuse_bn_*</td><td>DENSE_FROM_LINEAR; SAME</td></tr>
 *   <tr><td></td><td>select.fc.weight [M·C,C/r,1,1]</td><td>prefix_select_W</td><td>DENSE_FROM_LINEAR</td></tr>
 * </table>
 */
package io.attnspark.model.attention;
