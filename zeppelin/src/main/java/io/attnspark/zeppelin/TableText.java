package io.attnspark.zeppelin;

import org.apache.spark.sql.Row;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Zeppelin's TABLE text: a header line of column names, then one line per row, cells separated by tabs. */
final class TableText {
    private TableText() { }

    static String of(String[] columns, Stream<Row> rows) {
        StringBuilder text = new StringBuilder(String.join("\t", Stream.of(columns).map(TableText::cell).toList()));
        rows.forEach(row -> text.append('\n').append(IntStream.range(0, row.length())
                .mapToObj(i -> cell(row.isNullAt(i) ? "null" : String.valueOf(row.get(i))))
                .collect(Collectors.joining("\t"))));
        return text.append('\n').toString();
    }

    /** A tab or line break inside a value would split it into two cells or rows. */
    private static String cell(String value) {
        return value.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
