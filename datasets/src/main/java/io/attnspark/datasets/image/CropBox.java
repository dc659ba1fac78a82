package io.attnspark.datasets.image;

/** A crop rectangle in pixels: top row, left column, height and width (torchvision's i, j, h, w). */
public record CropBox(int top, int left, int height, int width) {
    public CropBox {
        if (top < 0 || left < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("invalid crop box top=" + top + " left=" + left + " height=" + height
                    + " width=" + width + ": offsets must be >= 0 and sizes > 0");
        }
    }

    /** True when the box lies inside an image of the given size. */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return top + height <= imageHeight && left + width <= imageWidth;
    }
}
