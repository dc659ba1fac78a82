package io.attnspark.model.attention;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Maps registry names ({@code se}, {@code eca}, ...) to attention modules, like timm's {@code create_attn}. */
public final class AttentionRegistry {

    private static final Map<String, Function<Map<String, Object>, AttentionModule>> FACTORIES = new TreeMap<>();

    static {
        FACTORIES.put(SqueezeExcite.NAME, SqueezeExcite::fromOptions);
        FACTORIES.put(SqueezeExciteVar1.NAME, SqueezeExciteVar1::fromOptions);
        FACTORIES.put(SqueezeExciteVar2.NAME, SqueezeExciteVar2::fromOptions);
        FACTORIES.put(SqueezeExciteVar3.NAME, SqueezeExciteVar3::fromOptions);
        FACTORIES.put(EfficientChannelAttention.NAME, EfficientChannelAttention::fromOptions);
        FACTORIES.put(GlobalContext.NAME, GlobalContext::fromOptions);
        FACTORIES.put(SimplifiedNonLocal.NAME, SimplifiedNonLocal::fromOptions);
        FACTORIES.put(NonLocal.NAME, NonLocal::fromOptions);
        FACTORIES.put(MultiHeadSelfAttention.NAME, MultiHeadSelfAttention::fromOptions);
        FACTORIES.put(ConvolutionalBlockAttention.NAME, ConvolutionalBlockAttention::fromOptions);
        FACTORIES.put(GatherExciteMinus.NAME, GatherExciteMinus::fromOptions);
        FACTORIES.put(GatherExcite.NAME, GatherExcite::fromOptions);
        FACTORIES.put(GatherExcitePlus.NAME, GatherExcitePlus::fromOptions);
        FACTORIES.put(BottleneckAttention.NAME, BottleneckAttention::fromOptions);
        FACTORIES.put(SelectiveKernel.NAME, SelectiveKernel::fromOptions);
        FACTORIES.put(CondConvolution.NAME, CondConvolution::fromOptions);
        FACTORIES.put(DynamicConvolution.NAME, DynamicConvolution::fromOptions);
        FACTORIES.put(SplitAttention.NAME, SplitAttention::fromOptions);
    }

    private AttentionRegistry() { }

    public static Set<String> names() {
        return FACTORIES.keySet();
    }

    /** The modules that can stand in for a convolution ({@link ConvReplacement}), sorted. */
    public static List<String> convReplacementNames() {
        return names().stream().filter(name -> create(name, Map.of()) instanceof ConvReplacement).toList();
    }

    /**
     * @param options the module's hyperparameters by name (from YAML or the CLI); {@code null} or absent ones take defaults
     * @throws IllegalArgumentException for an unknown name or a bad option, with a message that says how to fix it
     */
    public static AttentionModule create(String name, Map<String, Object> options) {
        var factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown attention '" + name + "'; known: none, " + String.join(", ", names()));
        }
        return factory.apply(options == null ? Map.of() : options);
    }
}
