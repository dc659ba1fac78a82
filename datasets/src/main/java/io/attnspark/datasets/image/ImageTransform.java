package io.attnspark.datasets.image;

import java.io.Serializable;
import java.util.random.RandomGenerator;

import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a decoded RGB image into a normalized float CHW tensor of {@code 3 x size x size}.
 * Implementations never modify the input Mat.
 */
public sealed interface ImageTransform extends Serializable permits TrainTransform, PadCropTransform, EvalTransform {

    /** Output side length in pixels. */
    int size();

    /** Number of floats one output image takes: 3 * size * size. */
    default int outputLength() {
        return 3 * size() * size();
    }

    /**
     * Writes {@link #outputLength()} floats, channel-major (R plane, G plane, B plane), into {@code dst} from {@code offset}.
     *
     * @param rgb an 8-bit RGB image, as {@link ImageDecoder#decodeRgb} returns
     * @param rng the random source; eval transforms ignore it
     */
    void apply(Mat rgb, RandomGenerator rng, float[] dst, int offset);

    /**
     * Decodes and transforms in one step, which lets a transform decode a large JPEG at reduced scale when its output
     * needs fewer pixels. The default decodes in full.
     */
    default void decodeAndApply(byte[] encoded, String name, RandomGenerator rng, float[] dst, int offset)
            throws ImageDecodeException {
        try (Mat rgb = ImageDecoder.decodeRgb(encoded, name)) {
            apply(rgb, rng, dst, offset);
        }
    }

    /** Writes into an INDArray of 3*size*size elements (for example one example's slice of an [n,3,size,size] batch). */
    default void apply(Mat rgb, RandomGenerator rng, INDArray target) {
        if (target.length() != outputLength()) {
            throw new IllegalArgumentException("target has " + target.length() + " elements, the transform writes "
                    + outputLength() + " (3 x " + size() + " x " + size() + "); pass one example's [3,h,w] slice");
        }
        float[] chw = new float[outputLength()];
        apply(rgb, rng, chw, 0);
        target.assign(Nd4j.createFromArray(chw).reshape(target.shape()));
    }

    /** The ImageNet training augmentation: RandomResizedCrop(size) + horizontal flip, normalized. */
    static ImageTransform train(int size) {
        return TrainTransform.imagenet(size);
    }

    /** The ImageNet evaluation transform: resize the short side to round(size / 0.875), center crop, normalized. */
    static ImageTransform eval(int size) {
        return EvalTransform.imagenet(size);
    }
}
