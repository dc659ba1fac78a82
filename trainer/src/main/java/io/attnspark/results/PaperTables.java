package io.attnspark.results;

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

/** Lays the variant comparisons of one experiment out as the tables of a paper. */
final class PaperTables {

    /** The well-known backbones lead the tables in this order; any others follow alphabetically. */
    static final List<String> BACKBONE_ORDER = List.of("resnet18", "resnet34", "resnet50", "resnet101");
    /** The SE paper's insertion positions, in its order, then GCNet's, BAM's and the conv replacements'. */
    static final List<String> POSITION_ORDER = List.of(VariantStats.STANDARD_POSITION, "pre", "post", "identity",
            "after_add", "stage", "conv");
    /** Top-5 of ten classes or fewer is near 100 % by construction and says nothing. */
    static final int TOP5_MIN_CLASSES = 11;

    static final String NO_RUN = "-";
    private static final int TOP5_COLUMN = 7;
    /** How to read a cell; printed once per report, not under every table. */
    static final String HOW_TO_READ = "Each experiment holds everything fixed but the seed and the compared axes "
            + "(backbone, attention and its options, position, stages); its summary says what. Top-1/Top-5 tables: "
            + "each module at its default placement (SE-style modules before the residual add in every stage, BAM "
            + "after stages 1-3, GC after the add in stages 2-4, conv replacements in place of the 3x3 convs); other "
            + "placements are in the variants and ablation tables (fixed = the row's other placement setting where it "
            + "is not the default). Cells: mean ± sample std over distinct seeds (n = seeds; runs repeating a seed are "
            + "averaged into it and counted as replicates, +r). (±x [lo, hi] test) = change against plain on the same "
            + "row, in points, with its 95 % confidence interval: paired = paired t over the seeds both share, Welch = "
            + "Welch's t otherwise; † = not significant (two-sided p >= " + DifferenceTest.ALPHA + "); n/a = no spread "
            + "to test; untested = one seed on a side, where nothing can be claimed; - = no run. img/s vs plain = "
            + "training throughput as a multiple of plain's (below 1 = slower), only between runs on the same host and "
            + "Spark master; (n=1, noisy) = one timing on a side. Top-5 only with more than 10 classes. Plots: bars = "
            + "± std, n = seeds (runs for the curves); accuracy axes span at least 10 points.";

    /** Backbone, then the axis values, then plain first and attentions alphabetically, then position, then stages. */
    static final Comparator<VariantStats> VARIANT_ORDER = Comparator
            .comparing((VariantStats v) -> rank(BACKBONE_ORDER, v.backbone())).thenComparing(VariantStats::backbone)
            .thenComparing(VariantStats::axis)
            .thenComparing(v -> !v.plain()).thenComparing(VariantStats::attention).thenComparing(VariantStats::options)
            .thenComparing(v -> rank(POSITION_ORDER, v.position())).thenComparing(VariantStats::position)
            .thenComparing(v -> !VariantStats.ALL_STAGES.equals(v.stages())).thenComparing(VariantStats::stages);

    private final List<Comparison> comparisons;
    private final Integer classes;

    /**
     * @param comparisons every variant of one experiment, including each row's plain, in {@link #VARIANT_ORDER}
     * @param classes     the experiment's number of classes; null where its records predate the dataset identity
     */
    PaperTables(List<Comparison> comparisons, Integer classes) {
        this.comparisons = List.copyOf(comparisons);
        this.classes = classes;
    }

    /** Columns of the main tables: plain first, then alphabetical. */
    List<String> columns() {
        return comparisons.stream().map(c -> c.variant().column()).distinct()
                .sorted(Comparator.comparing((String a) -> !a.equals(AggregateResult.PLAIN))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    List<String> rowLabels() {
        return comparisons.stream().map(c -> c.variant().row()).distinct().toList();
    }

    /** The variant a backbone x attention table shows: the module at its default placement, if it ran there. */
    Optional<Comparison> mainComparison(String row, String column) {
        return comparisons.stream()
                .filter(c -> c.variant().row().equals(row) && c.variant().column().equals(column)
                        && c.variant().defaultPlacement())
                .findFirst();
    }

    /** Rows (backbone, axis values) by attention columns, default placements only. */
    List<TableRow> rows(Metric metric) {
        List<TableRow> rows = new ArrayList<>();
        for (String row : rowLabels()) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            for (String column : columns()) {
                mainComparison(row, column).ifPresent(c -> cells.put(column, c.cell(metric)));
            }
            if (!cells.isEmpty()) {
                rows.add(new TableRow(row, cells));
            }
        }
        return rows;
    }

    ReportTable pivot(Metric metric) {
        List<String> columns = columns().stream()
                .filter(column -> rows(metric).stream().anyMatch(row -> row.cell(column).isPresent())).toList();
        List<String> header = Stream.concat(Stream.of("backbone"), columns.stream()).toList();
        List<List<String>> rows = rows(metric).stream()
                .map(row -> Stream.concat(Stream.of(row.backbone()),
                        columns.stream().map(a -> row.cell(a).map(Cell::format).orElse(NO_RUN))).toList())
                .toList();
        return new ReportTable(metric.title() + " (%)", "final " + metric.title().toLowerCase(Locale.ROOT)
                + ", default placements", header, 1, rows);
    }

    /** Every variant with accuracy, significance and cost against plain, one row each. */
    ReportTable variants() {
        List<String> header = new ArrayList<>(List.of("variant", "position", "stages", "n", "top-1 (%)",
                "Δ top-1 [95% CI] test", "p (top-1)", "top-5 (%)", "params (M)", "Δ params", "train img/s",
                "img/s vs plain"));
        List<List<String>> rows = comparisons.stream().map(c -> {
            VariantStats v = c.variant();
            boolean plain = v.plain();
            List<String> row = new ArrayList<>(List.of(v.label(), plain ? NO_RUN : v.position(),
                    plain ? NO_RUN : v.stages(), v.seeds() + (v.replicates() > 0 ? " +" + v.replicates() + "r" : ""),
                    meanStd(v.top1()), delta(c), pValue(c), meanStd(v.top5()),
                    String.format(Locale.ROOT, "%.3f", v.parameters() / 1e6),
                    format(c.parameterOverheadPercent(), "%+.2f%%"),
                    String.format(Locale.ROOT, "%.1f", v.imagesPerSecond()), throughput(c)));
            if (!showsTop5()) {
                row.remove(TOP5_COLUMN);
            }
            return row;
        }).toList();
        if (!showsTop5()) {
            header.remove(TOP5_COLUMN);
        }
        return new ReportTable("Variants", "every placement", header, 3, rows);
    }

    /** Rows (backbone, axis values) + attention (+ the stages if not all), columns the positions; top-1 cells. */
    ReportTable byPosition() {
        return ablation("Top-1 (%) by insertion position", "position",
                VariantStats::position, v -> VariantStats.ALL_STAGES.equals(v.stages()) ? "" : "stages " + v.stages(),
                Comparator.comparing((String p) -> rank(POSITION_ORDER, p)).thenComparing(Comparator.naturalOrder()));
    }

    /** Rows (backbone, axis values) + attention (+ the position if not standard), columns the stages; top-1 cells. */
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
            byRow.computeIfAbsent(List.of(v.row(), v.column(), fixedRest.apply(v)), key -> new LinkedHashMap<>())
                    .put(column.apply(v), c);
        }
        List<String> header = Stream.concat(Stream.of("backbone", "attention", "fixed"), columns.stream()).toList();
        List<List<String>> rows = byRow.entrySet().stream()
                .map(row -> Stream.concat(row.getKey().stream(), columns.stream()
                                .map(col -> Optional.ofNullable(row.getValue().get(col))
                                        .map(c -> withoutPlacement(c.cell(Metric.TOP1)).format()).orElse(NO_RUN)))
                        .toList())
                .toList();
        return new ReportTable(title, "final top-1 per " + dimension + ", as in the SE paper's ablations", header, 3,
                rows);
    }

    /** Whether top-5 means anything here: more than ten classes, or an unknown number (older records). */
    boolean showsTop5() {
        return classes == null || classes >= TOP5_MIN_CLASSES;
    }

    /** The tables of the experiment, the main one first; top-5 only with more than ten classes; ablations if any. */
    List<ReportTable> all() {
        List<ReportTable> tables = new ArrayList<>(List.of(pivot(Metric.TOP1)));
        if (showsTop5()) {
            tables.add(pivot(Metric.TOP5));
        }
        tables.add(variants());
        boolean ablations = comparisons.stream().anyMatch(c -> !c.variant().plain() && !c.variant().defaultPlacement());
        if (ablations) {
            tables.add(byPosition());
            tables.add(byStage());
        }
        return tables;
    }

    // the ablation columns already say where the module sits
    private static Cell withoutPlacement(Cell cell) {
        return new Cell(cell.meanPercent(), cell.stdPercent(), cell.seeds(), cell.replicates(), cell.deltaPercent(),
                cell.test(), "");
    }

    private static String meanStd(Summary summary) {
        return String.format(Locale.ROOT, "%.2f", summary.mean())
                + (summary.std() == null ? "" : String.format(Locale.ROOT, " ± %.2f", summary.std()));
    }

    private static String delta(Comparison c) {
        Double delta = c.delta(Metric.TOP1);
        if (delta == null) {
            return NO_RUN;
        }
        DifferenceTest test = c.test(Metric.TOP1);
        return test.kind() == DifferenceTest.Kind.NONE ? String.format(Locale.ROOT, "%+.2f untested", delta)
                : String.format(Locale.ROOT, "%+.2f %s", delta, test.describe()) + test.significance().marker();
    }

    private static String pValue(Comparison c) {
        if (c.delta(Metric.TOP1) == null) {
            return NO_RUN;
        }
        Double p = c.pValue(Metric.TOP1);
        return p == null ? "n/a" : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String throughput(Comparison c) {
        Double ratio = c.throughputRatio();
        if (ratio == null) {
            return NO_RUN;
        }
        return String.format(Locale.ROOT, "%.3f×", ratio) + (c.noisyThroughput() ? " (n=1, noisy)" : "");
    }

    private static String format(Double value, String format) {
        return value == null ? NO_RUN : String.format(Locale.ROOT, format, value);
    }

    static int rank(List<String> order, String value) {
        int index = order.indexOf(value);
        return index < 0 ? order.size() : index;
    }
}
