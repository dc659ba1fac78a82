package io.attnspark.explain;

import java.util.Locale;

/**
 * One class the network predicts for an image.
 *
 * @param index       the classifier output
 * @param label       its class id, and name when known
 * @param probability the softmax probability
 */
public record Prediction(int index, String label, double probability) {

    /** e.g. {@code 01_trouser (Trouser) 93.1%}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s %.1f%%", label, 100 * probability);
    }
}
