package io.attnspark.model.attention;

import io.attnspark.model.layer.KernelMixtureConvolution;
import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One tensor of a PyTorch {@code state_dict} and the DL4J parameter it is copied into.
 *
 * @param torchKey the state_dict key, e.g. {@code excitation.0.weight}
 * @param vertex   the graph vertex (layer) name, e.g. {@code block1_se_reduce}
 * @param paramKey the DL4J parameter key within that vertex, e.g. {@code W} or {@code b}
 * @param layout   how the torch tensor's layout maps onto the DL4J parameter
 */
public record TorchParam(String torchKey, String vertex, String paramKey, Layout layout) {

    public enum Layout {
        /**
         * Same element order; only unit dimensions may differ. Conv weights [out,in,kh,kw] are the same in both,
         * a torch bias [n] becomes DL4J's [1,n].
         */
        SAME {
            @Override
            INDArray toDl4j(INDArray torch, long[] dl4jShape) {
                return Arrays.equals(withoutUnitDims(torch.shape()), withoutUnitDims(dl4jShape))
                        ? torch.reshape('c', dl4jShape) : torch;
            }
        },
        /**
         * A {@code Linear} weight [out,in] or a 1x1 conv weight [out,in,1,1] into a {@code DenseLayer} W [in,out].
         */
        DENSE_FROM_LINEAR {
            @Override
            INDArray toDl4j(INDArray torch, long[] dl4jShape) {
                boolean linear = torch.rank() == 2 || torch.rank() == 4 && torch.size(2) == 1 && torch.size(3) == 1;
                return linear ? torch.reshape('c', torch.size(0), torch.size(1)).transpose() : torch;
            }
        },
        /**
         * A depthwise conv weight [C·m,1,kh,kw] ({@code groups=C}, output channel c·m+j) into a
         * {@code DepthwiseConvolution2D} W [kh,kw,C,m].
         */
        DEPTHWISE_FROM_CONV {
            @Override
            INDArray toDl4j(INDArray torch, long[] dl4jShape) {
                boolean depthwise = torch.rank() == 4 && torch.size(1) == 1 && dl4jShape.length == 4
                        && torch.size(0) == dl4jShape[2] * dl4jShape[3];
                return depthwise ? torch.reshape('c', dl4jShape[2], dl4jShape[3], torch.size(2), torch.size(3))
                        .permute(2, 3, 0, 1) : torch;
            }
        },
        /**
         * A tensor [d0, d1, d2, ...] into [d0, d1·d2·...], the same element order: dynconv's expert kernels
         * [E,out,in,kh,kw] into {@link KernelMixtureConvolution}'s W [E, out·in·kh·kw].
         */
        FLATTEN_TRAILING {
            @Override
            INDArray toDl4j(INDArray torch, long[] dl4jShape) {
                boolean fits = torch.rank() > 2 && dl4jShape.length == 2 && torch.size(0) == dl4jShape[0]
                        && torch.length() == dl4jShape[0] * dl4jShape[1];
                return fits ? torch.reshape('c', dl4jShape) : torch;
            }
        };

        /** The torch tensor in DL4J's layout; returned unchanged when its shape cannot fit {@code dl4jShape}. */
        abstract INDArray toDl4j(INDArray torch, long[] dl4jShape);

        private static long[] withoutUnitDims(long[] shape) {
            return Arrays.stream(shape).filter(d -> d != 1).toArray();
        }
    }

    /**
     * A PyTorch {@code BatchNorm2d} at {@code torchPrefix} (e.g. {@code W.1.}) into the DL4J batch norm {@code vertex}:
     * weight, bias, running_mean and running_var into gamma, beta, mean and var ({@code num_batches_tracked} has no
     * counterpart).
     */
    public static List<TorchParam> batchNorm(String torchPrefix, String vertex) {
        return List.of(
                new TorchParam(torchPrefix + "weight", vertex, "gamma", Layout.SAME),
                new TorchParam(torchPrefix + "bias", vertex, "beta", Layout.SAME),
                new TorchParam(torchPrefix + "running_mean", vertex, "mean", Layout.SAME),
                new TorchParam(torchPrefix + "running_var", vertex, "var", Layout.SAME));
    }

    /** This parameter inside a larger network, e.g. {@code withTorchPrefix("layer1.0.se.")}. */
    public TorchParam withTorchPrefix(String torchPrefix) {
        return new TorchParam(torchPrefix + torchKey, vertex, paramKey, layout);
    }
}
