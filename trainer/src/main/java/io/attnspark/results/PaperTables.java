package io.attnspark.results;

import io.attnspark.record.RunRecord;
import io.attnspark.results.Comparison.Metric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/** Lays the variant comparisons out as the tables of a paper. */
final class PaperTables {

    /** The well-known backbones lead the tables in this order; any others follow alphabetically. */
    static final List<String> BACKBONE_ORDER = List.of("resnet18", "resnet34", "resnet50", "resnet101");
    /** The SE paper's insertion positions, in its order, then GCNet's, BAM's and the conv replacements'. */
    static final List<String> POSITION_ORDER = List.of(VariantStats.STANDARD_POSITION, "pre", "post", "identity",
            "after_add", "stage", "conv");

    static final String NO_RUN = "-";
    private static final String CELL_LEGEND = "mean ± sample std over seeds (n = seeds); (±x) = change against plain "
            + "on the same backbone in points; † = that change is not significant (Welch's two-sided t-test, p >= "
            + WelchTest.ALPHA + "); n/a = not testable (a single seed, or no spread); - = no run.";

    /** Backbone, then plain first and attentions alphabetically, then position, then stages. */
    static final Comparator<VariantStats> VARIANT_ORDER = Comparator
            .comparing((VariantStats v) -> rank(BACKBONE_ORDER, v.backbone())).thenComparing(VariantStats::backbone)
            .thenComparing(v -> !v.plain()).thenComparing(VariantStats::attention)
            .thenComparing(v -> rank(POSITION_ORDER, v.position())).thenComparing(VariantStats::position)
            .thenComparing(v -> !VariantStats.ALL_STAGES.equals(v.stages())).thenComparing(VariantStats::stages);

    private final List<Comparison> comparisons;

    /** @param comparisons every variant, including each backbone's plain, in {@link #VARIANT_ORDER} */
    PaperTables(List<Comparison> comparisons) {
        this.comparisons = List.copyOf(comparisons);
    }

    /** Attention columns: plain first, then alphabetical. */
    List<String> attentions() {
        return comparisons.stream().map(c -> c.variant().attention()).distinct()
                .sorted(Comparator.comparing((String a) -> !a.equals(RunRecord.NO_ATTENTION))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    List<String> backbones() {
        return comparisons.stream().map(c -> c.variant().backbone()).distinct().toList();
    }

    /**
     * The comparison a backbone x attention table shows: the default placement if there is one, else the variant with
     * the most runs (then the best top-1), whose placement the cell names.
     */
    Optional<Comparison> mainComparison(String backbone, String attention) {
        return comparisons.stream()
                .filter(c -> c.variant().backbone().equals(backbone) && c.variant().attention().equals(attention))
                .min(Comparator.comparing((Comparison c) -> !c.variant().defaultPlacement())
                        .thenComparing(c -> -c.variant().runs())
                        .thenComparing(c -> -c.variant().top1().mean()));
    }

    /** Backbones as rows, attention variants as columns. */
    List<TableRow> rows(Metric metric) {
        List<TableRow> rows = new ArrayList<>();
        for (String backbone : backbones()) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            for (String attention : attentions()) {
                mainComparison(backbone, attention).ifPresent(c -> cells.put(attention, c.cell(metric)));
            }
            rows.add(new TableRow(backbone, cells));
        }
        return rows;
    }

    ReportTable pivot(Metric metric) {
        List<String> attentions = attentions();
        List<String> header = Stream.concat(Stream.of("backbone"), attentions.stream().map(AggregateResult::columnTitle))
                .toList();
        List<List<String>> rows = rows(metric).stream()
                .map(row -> Stream.concat(Stream.of(row.backbone()),
                        attentions.stream().map(a -> row.cell(a).map(Cell::format).orElse(NO_RUN))).toList())
                .toList();
        return new ReportTable(metric.title() + " (%)", "Final " + metric.title().toLowerCase(Locale.ROOT)
                + " of each module's default placement (where the papers put it: SE-style modules before the residual"
                + " add in every stage, BAM after stages 1-3, GC after the add in stages 2-4, conv replacements in"
                + " place of the 3x3 convs; another placement is named in [ ]). "
                + CELL_LEGEND, header, 1, rows);
    }

    /** Every variant with accuracy, significance and cost against plain, one row each. */
    ReportTable variants() {
        List<String> header = List.of("backbone", "attention", "position", "stages", "n", "top-1 (%)", "Δ top-1",
                "p (top-1)", "top-5 (%)", "Δ top-5", "params (M)", "Δ params", "train img/s", "img/s vs plain");
        List<List<String>> rows = comparisons.stream().map(c -> {
            VariantStats v = c.variant();
            boolean plain = v.plain();
            return List.of(v.backbone(), AggregateResult.columnTitle(v.attention()), plain ? NO_RUN : v.position(),
                    plain ? NO_RUN : v.stages(), Long.toString(v.runs()), meanStd(v.top1()),
                    delta(c, Metric.TOP1), pValue(c, Metric.TOP1), meanStd(v.top5()), delta(c, Metric.TOP5),
                    String.format(Locale.ROOT, "%.3f", v.parameters() / 1e6),
                    format(c.parameterOverheadPercent(), "%+.2f%%"),
                    String.format(Locale.ROOT, "%.1f", v.imagesPerSecond()),
                    format(c.throughputRatio(), "%.3f×"));
        }).toList();
        return new ReportTable("Variants", "Every backbone/attention/placement with its seeds. Δ = against plain on "
                + "the same backbone (points for accuracy, percent of plain's parameters); img/s vs plain = training "
                + "throughput as a multiple of plain's (below 1 = slower); p = Welch's two-sided t-test of the final "
                + "top-1 against plain. † = not significant at " + WelchTest.ALPHA + "; n/a = not testable.",
                header, 4, rows);
    }

    /** Rows backbone + attention (+ the stages if not all), columns the insertion positions; top-1 cells. */
    ReportTable byPosition() {
        return ablation("Top-1 (%) by insertion position", "position",
                VariantStats::position, v -> VariantStats.ALL_STAGES.equals(v.stages()) ? "" : "stages " + v.stages(),
                Comparator.comparing((String p) -> rank(POSITION_ORDER, p)).thenComparing(Comparator.naturalOrder()));
    }

    /** Rows backbone + attention (+ the position if not standard), columns the stages; top-1 cells. */
    ReportTable byStage() {
        return ablation("Top-1 (%) by stage", "stages",
                VariantStats::stages, v -> VariantStats.STANDARD_POSITION.equals(v.position()) ? "" : v.position(),
                Comparator.comparing((String s) -> !VariantStats.ALL_STAGES.equals(s))
                        .thenComparing(Comparator.naturalOrder()));
    }

    private ReportTable ablation(String title, String dimension, Function<VariantStats, String> column,
                                 Function<VariantStats, String> fixedRest, Comparator<String> columnOrder) {
        List<Comparison> withAttention = comparisons.stream().filter(c -> !c.variant().plain()).toList();
        List<String> columns = withAttention.stream().map(c -> column.apply(c.variant())).distinct()
                .sorted(columnOrder).toList();
        Map<List<String>, Map<String, Comparison>> byRow = new LinkedHashMap<>();
        for (Comparison c : withAttention) {
            VariantStats v = c.variant();
            byRow.computeIfAbsent(List.of(v.backbone(), v.attention(), fixedRest.apply(v)), key -> new LinkedHashMap<>())
                    .put(column.apply(v), c);
        }
        List<String> header = Stream.concat(Stream.of("backbone", "attention", "fixed"), columns.stream()).toList();
        List<List<String>> rows = byRow.entrySet().stream()
                .map(row -> Stream.concat(row.getKey().stream(), columns.stream()
                                .map(col -> Optional.ofNullable(row.getValue().get(col))
                                        .map(c -> withoutPlacement(c.cell(Metric.TOP1)).format()).orElse(NO_RUN)))
                        .toList())
                .toList();
        return new ReportTable(title, "Final top-1 per " + dimension + " (columns), as in the SE paper's ablations; "
                + "fixed = the other placement setting of the row where it is not the default. " + CELL_LEGEND,
                header, 3, rows);
    }

    /** All tables of the report, the main one first. */
    List<ReportTable> all() {
        return List.of(pivot(Metric.TOP1), pivot(Metric.TOP5), variants(), byPosition(), byStage());
    }

    // the ablation columns already say where the module sits
    private static Cell withoutPlacement(Cell cell) {
        return new Cell(cell.meanPercent(), cell.stdPercent(), cell.runs(), cell.deltaPercent(), cell.pValue(),
                cell.significance(), "");
    }

    private static String meanStd(Summary summary) {
        return String.format(Locale.ROOT, "%.2f", summary.mean())
                + (summary.std() == null ? "" : String.format(Locale.ROOT, " ± %.2f", summary.std()));
    }

    private static String delta(Comparison c, Metric metric) {
        Double delta = c.delta(metric);
        return delta == null ? NO_RUN : String.format(Locale.ROOT, "%+.2f", delta) + c.significance(metric).marker();
    }

    private static String pValue(Comparison c, Metric metric) {
        if (c.delta(metric) == null) {
            return NO_RUN;
        }
        Double p = c.pValue(metric);
        return p == null ? "n/a" : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String format(Double value, String format) {
        return value == null ? NO_RUN : String.format(Locale.ROOT, format, value);
    }

    private static int rank(List<String> order, String value) {
        int index = order.indexOf(value);
        return index < 0 ? order.size() : index;
    }
}
