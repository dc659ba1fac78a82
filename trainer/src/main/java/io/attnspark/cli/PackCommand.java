package io.attnspark.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;

import io.attnspark.datasets.image.ImageDownscale;
import io.attnspark.datasets.imagenet.ImageFolderLayout;
import io.attnspark.datasets.imagenet.ImageLayouts;
import io.attnspark.datasets.pack.PackSpec;
import io.attnspark.datasets.pack.PackedDataset;
import io.attnspark.datasets.pack.ShardPacker;
import io.attnspark.train.SparkSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pack", mixinStandardHelpOptions = true,
        header = "Pack an image layout into shards with Spark, checking images.",
        description = {"Pack an ImageNet layout into shuffled FileBatch shards of --batch images (one Spark task per "
                + "shard), checking every image: undecodable, empty, truncated and unknown-class files are left out"
                + " and counted per reason in DST/pack.json. Re-running completes an interrupted pack; complete "
                + "shards are kept.",
                "Layouts: classic  SRC/train/<wnid>/, SRC/val/<wnid>/ or a flat SRC/val/ with",
                "                  ILSVRC2012_validation_ground_truth.txt + ILSVRC2012_synsets_by_id.txt",
                "         kaggle   SRC/ILSVRC/Data/CLS-LOC/{train/<wnid>/,val/}, LOC_synset_mapping.txt, "
                + "LOC_val_solution.csv"})
final class PackCommand implements Callable<Integer> {

    @Option(names = "--src", required = true, paramLabel = "URI", description = "the ImageNet layout's root (file:, hdfs:, ...)")
    String src;

    @Option(names = "--dst", required = true, paramLabel = "URI", description = "where the packed dataset goes")
    String dst;

    @Option(names = "--batch", required = true, paramLabel = "N",
            description = "images per shard: the trainer's per-worker batch, or a multiple of it")
    int batch;

    @Option(names = "--layout", defaultValue = "auto", paramLabel = "KIND",
            description = "auto, classic or kaggle (default: ${DEFAULT-VALUE})")
    String layout;

    @Option(names = "--seed", defaultValue = "1234", paramLabel = "S",
            description = "shuffle seed; the trainer's data.packSeed default (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--splits", defaultValue = "train,val", split = ",", paramLabel = "SPLIT",
            description = "splits to pack (default: ${DEFAULT-VALUE})")
    List<String> splits;

    @Option(names = "--no-check", description = "pack files without decoding them; bad files are then skipped at train time")
    boolean noCheck;

    @Option(names = "--max-side", paramLabel = "PX",
            description = "store images whose longer side is over PX shrunk to PX (aspect kept; re-encoded as JPEG of "
                    + "quality " + ImageDownscale.JPEG_QUALITY + "; smaller ones untouched), as FFCV stores ImageNet: "
                    + "decoding then costs less. Recorded in pack.json: another side is another pack")
    Integer maxSide;

    @Option(names = "--master", paramLabel = "M", description = "spark.master: local[*], spark://HOST:PORT, yarn, ... (default: spark-submit's, else local[*])")
    String master;

    @Override
    public Integer call() throws Exception {
        var kind = ImageLayouts.Kind.parse(layout);
        var spec = new PackSpec(dst, batch, seed, !noCheck, maxSide == null ? null : ImageDownscale.toMaxSide(maxSide));
        try (var sc = new JavaSparkContext(SparkSetup.conf("attnspark datasets pack", master, Map.of()))) {
            ImageFolderLayout source = ImageLayouts.open(src, sc.hadoopConfiguration(), kind);
            for (String split : splits) {
                if (!source.hasSplit(split)) {
                    throw new IllegalArgumentException(source.rootUri() + " (" + source.kind() + " layout) has no split '"
                            + split + "'; choose --splits from what it has");
                }
            }
            System.out.printf("packing %s (%s layout, %d classes) splits %s into %s, batch %d, seed %d%s%s%n",
                    source.rootUri(), source.kind(), source.classIds().size(), splits, dst, batch, seed,
                    noCheck ? ", without the image check" : "",
                    maxSide == null ? "" : ", longer side at most " + maxSide + " px");
            PackedDataset packed = new ShardPacker(sc, sc.hadoopConfiguration()).pack(source, splits, spec);
            System.out.print(packed.summary());
        }
        return 0;
    }
}
