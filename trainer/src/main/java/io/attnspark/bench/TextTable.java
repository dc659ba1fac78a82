package io.attnspark.bench;

import java.util.List;

/** Aligned plain-text tables: the first column and any text columns left-aligned, the others right-aligned (numbers). */
public final class TextTable {

    private TextTable() { }

    /**
     * @param rows        the header first; every row has the header's number of cells
     * @param textColumns further columns (besides the first) to left-align
     */
    public static String render(List<String[]> rows, int... textColumns) {
        var left = java.util.Arrays.stream(textColumns).boxed().collect(java.util.stream.Collectors.toSet());
        left.add(0);
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            if (row.length != columns) {
                throw new IllegalArgumentException("row of " + row.length + " cells in a table of " + columns + " columns");
            }
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String padding = " ".repeat(widths[i] - row[i].length());
                line.append(i == 0 ? "" : "  ").append(left.contains(i) ? row[i] + padding : padding + row[i]);
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }
}
