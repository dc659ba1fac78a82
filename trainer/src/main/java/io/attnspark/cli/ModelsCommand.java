package io.attnspark.cli;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.PlacedAttention;
import io.attnspark.model.ResolvedModel;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.model.backbone.Backbones;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code attnspark models}: parameters and MACs of every backbone with every attention module, and their overhead. */
@Command(name = "models", mixinStandardHelpOptions = true,
        header = "List backbones x attention with parameters and MACs.",
        description = {"List backbones x attention modules (and none) with trainable parameters (counted like PyTorch), "
                + "multiply-accumulates per image of the conv and linear layers, and the overhead over the plain "
                + "backbone. A module that cannot work at some channel count shows the reason instead of numbers."})
public final class ModelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--size", paramLabel = "PX", description = "input side in pixels (default: ${DEFAULT-VALUE})")
    int size = 224;

    @Option(names = "--classes", paramLabel = "N", description = "classifier outputs (default: ${DEFAULT-VALUE})")
    int classes = 1000;

    @Option(names = "--width", paramLabel = "X", description = "channel width multiplier (default: ${DEFAULT-VALUE})")
    double width = 1.0;

    @Option(names = "--small-stem", description = "the stride-1 stem for small inputs (default: the ImageNet stem)")
    boolean smallStem;

    @Option(names = "--backbone", paramLabel = "NAME", split = ",",
            description = "backbones to list (default: all): ${COMPLETION-CANDIDATES}", completionCandidates = BackboneNames.class)
    List<String> backbones;

    @Option(names = "--attention", paramLabel = "NAME", split = ",",
            description = "attention modules to list besides none (default: every registered one)")
    List<String> attentions;

    @Option(names = "--option", paramLabel = "MODULE.KEY=VALUE",
            description = "an attention option for one module, e.g. se.reduction=8; repeatable")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--position", paramLabel = "WHERE",
            description = "attention position: standard, pre, post, identity, after_add, stage or conv"
                    + " (default: where the papers put each module)")
    String position;

    @Option(names = "--stages", paramLabel = "S", split = ",",
            description = "residual stages (1-4) that get attention (default: the papers' for each module)")
    List<Integer> stages;

    @Option(names = "--csv", paramLabel = "FILE", description = "also write the table as CSV")
    Path csv;

    /** One backbone with one attention module; {@code problem} is set instead of the numbers when it cannot be built. */
    record Row(String backbone, String attention, String placement, Long params, Long macs, Double paramsOverheadPercent,
               Double macsOverheadPercent, String problem) { }

    static final class BackboneNames extends ArrayList<String> {
        BackboneNames() {
            super(Backbones.names());
        }
    }

    @Override
    public Integer call() throws IOException {
        List<Row> rows = rows();
        PrintWriter out = spec.commandLine().getOut();
        out.print(table(rows));
        out.flush();
        if (csv != null) {
            Files.writeString(csv, csv(rows));
            out.println("wrote " + csv);
        }
        return 0;
    }

    List<Row> rows() {
        AttentionPosition where = null;
        try {
            where = position == null ? null : AttentionPosition.fromConfigName(position);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--position: " + e.getMessage());
        }
        var chosenStages = stages == null ? null : new TreeSet<>(stages);
        Map<String, Map<String, Object>> moduleOptions = moduleOptions();
        List<String> modules = new ArrayList<>();
        modules.add(ModelSpec.NONE);
        modules.addAll(attentions == null ? AttentionRegistry.names() : attentions);
        List<Row> rows = new ArrayList<>();
        for (String backbone : backbones == null ? List.copyOf(Backbones.names()) : backbones) {
            Row plain = null;
            for (String attention : modules) {
                Row row;
                try {
                    row = measure(new ModelSpec(backbone, width, classes, size, smallStem, attention,
                            moduleOptions.getOrDefault(attention, Map.of()), where, chosenStages), plain);
                } catch (IllegalArgumentException e) {
                    row = new Row(backbone, attention, "", null, null, null, null, reason(e));
                }
                if (ModelSpec.NONE.equals(attention)) {
                    plain = row;
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private Map<String, Map<String, Object>> moduleOptions() {
        Map<String, Map<String, Object>> byModule = new LinkedHashMap<>();
        options.forEach((key, value) -> {
            int dot = key.indexOf('.');
            if (dot <= 0 || dot == key.length() - 1) {
                throw new ParameterException(spec.commandLine(),
                        "--option " + key + "=" + value + ": write MODULE.KEY=VALUE, e.g. se.reduction=8");
            }
            byModule.computeIfAbsent(key.substring(0, dot), module -> new LinkedHashMap<>()).put(key.substring(dot + 1), value);
        });
        return byModule;
    }

    private static Row measure(ModelSpec spec, Row plain) {
        ResolvedModel model;
        try {
            model = spec.resolve();
        } catch (IllegalArgumentException e) {
            return new Row(spec.backbone(), spec.attention(), "", null, null, null, null, reason(e));
        }
        PlacedAttention attention = model.attention();
        // e.g. "after_add 2/3/4": no comma, so the CSV cell needs no quoting
        String placement = attention.hasAttention() ? attention.position().configName() + " "
                + attention.placement().stages().stream().map(String::valueOf).collect(Collectors.joining("/")) : "";
        long params;
        try {
            params = Models.parameterCount(model);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Row(spec.backbone(), spec.attention(), placement, null, null, null, null, reason(e));
        }
        Double paramsOverhead = plain == null || plain.params() == null ? null : percent(params, plain.params());
        try {
            long macs = Models.macs(model);
            Double macsOverhead = plain == null || plain.macs() == null ? null : percent(macs, plain.macs());
            return new Row(spec.backbone(), spec.attention(), placement, params, macs, paramsOverhead, macsOverhead, null);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Row(spec.backbone(), spec.attention(), placement, params, null, paramsOverhead, null, reason(e));
        }
    }

    /** DL4J wraps configuration errors; the innermost message says what is wrong. */
    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return message.replaceAll("\\s+", " ").trim();
    }

    private static double percent(long value, long base) {
        return 100.0 * (value - base) / base;
    }

    static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"backbone", "attention", "placement", "params", "MACs", "params +%", "MACs +%", "note"});
        for (Row row : rows) {
            cells.add(new String[] {row.backbone(), row.attention(), row.placement(), grouped(row.params()), grouped(row.macs()),
                    signedPercent(row.paramsOverheadPercent()), signedPercent(row.macsOverheadPercent()),
                    row.problem() == null ? "" : row.problem()});
        }
        int[] widths = new int[cells.get(0).length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length - 1; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] line : cells) {
            StringBuilder formatted = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                boolean number = i >= 3 && i < line.length - 1;
                String cell = i == line.length - 1 ? line[i]
                        : number ? pad(line[i], widths[i], true) : pad(line[i], widths[i], false);
                formatted.append(i == 0 ? "" : "  ").append(cell);
            }
            text.append(formatted.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    static String csv(List<Row> rows) {
        StringBuilder text = new StringBuilder("backbone,attention,placement,params,macs,params_overhead_percent,macs_overhead_percent,problem\n");
        for (Row row : rows) {
            text.append(String.join(",", row.backbone(), row.attention(), row.placement(), raw(row.params()), raw(row.macs()),
                    raw(row.paramsOverheadPercent()), raw(row.macsOverheadPercent()),
                    row.problem() == null ? "" : "\"" + row.problem().replace("\"", "\"\"") + "\"")).append('\n');
        }
        return text.toString();
    }

    private static String pad(String cell, int width, boolean right) {
        String padding = " ".repeat(width - cell.length());
        return right ? padding + cell : cell + padding;
    }

    private static String grouped(Long value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%,d", value);
    }

    private static String signedPercent(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%+.2f", value);
    }

    private static String raw(Object value) {
        if (value == null) {
            return "";
        }
        return value instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : value.toString();
    }
}
