package io.attnspark.datasets.image;

/** A crop rectangle in pixels: top row, left column, height and width (torchvision's i, j, h, w). */
public record CropBox(int top, int left, int height, int width) {
    public CropBox {
        if (top < 0 || left < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("invalid crop box top=" + top + " left=" + left + " height=" + height
                    + " width=" + width + ": offsets must be >= 0 and sizes > 0");
        }
    }

    /** The same region in an image decoded at 1/factor scale of {@code width x height}, clamped to it. */
    public CropBox scaledDown(int factor, int width, int height) {
        int scaledTop = Math.min(top / factor, height - 1);
        int scaledLeft = Math.min(left / factor, width - 1);
        return new CropBox(scaledTop, scaledLeft, Math.max(1, Math.min(this.height / factor, height - scaledTop)),
                Math.max(1, Math.min(this.width / factor, width - scaledLeft)));
    }

    /** True when the box lies inside an image of the given size. */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return top + height <= imageHeight && left + width <= imageWidth;
    }
}
