package io.attnspark.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One backbone's row of the comparison table.
 *
 * @param backbone the row label: the backbone, and the axis values if any
 * @param cells    by attention name, only where the backbone has runs with that attention
 */
public record TableRow(String backbone, Map<String, Cell> cells) {

    public TableRow {
        cells = Collections.unmodifiableMap(new LinkedHashMap<>(cells));
    }

    public Optional<Cell> cell(String attention) {
        return Optional.ofNullable(cells.get(attention));
    }
}
