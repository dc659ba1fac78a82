package io.attnspark.results;

/** Whether a variant's difference from the plain backbone holds up across seeds, and the table marker for it. */
public enum Significance {
    /** p < {@value DifferenceTest#ALPHA}: no marker. */
    SIGNIFICANT(""),
    /** p >= {@value DifferenceTest#ALPHA}: the difference may be seed noise. */
    NOT_SIGNIFICANT("†"),
    /** One seed on a side (or no spread at all): nothing can be claimed either way. */
    NOT_TESTABLE(" n/a"),
    /** The plain backbone itself, or a backbone without plain runs. */
    NO_BASELINE("");

    private final String marker;

    Significance(String marker) {
        this.marker = marker;
    }

    /** What follows the delta in a table cell. */
    public String marker() {
        return marker;
    }

    /** @param pValue from {@link DifferenceTest#p}, null where untestable */
    public static Significance of(Double pValue) {
        if (pValue == null) {
            return NOT_TESTABLE;
        }
        return pValue < DifferenceTest.ALPHA ? SIGNIFICANT : NOT_SIGNIFICANT;
    }
}
