package io.attnspark.model.backbone;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The backbones that {@code ModelSpec.backbone()} can name. */
public final class Backbones {

    private static final SortedMap<String, Backbone> BY_NAME = Collections.unmodifiableSortedMap(new TreeMap<>(
            Stream.of(ResNet.RESNET18, ResNet.RESNET34, ResNet.RESNET50, ResNet.RESNET101, ResNet.RESNEXT50_32X4D,
                            MobileNetV2.MOBILENET_V2)
                    .collect(Collectors.toMap(Backbone::name, Function.identity()))));

    private Backbones() { }

    /** Known names, sorted. */
    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    public static Optional<Backbone> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(name));
    }
}
