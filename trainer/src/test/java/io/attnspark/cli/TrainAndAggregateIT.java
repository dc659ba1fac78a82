package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.train.Checkpoints;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole path on embedded Spark: Fashion-MNIST in ImageNet layout -> pack -> train on 2 workers -> record -> aggregate. */
class TrainAndAggregateIT {

    @Test
    void trainsOnLocalSparkAndAggregates(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(16, 8));
        Path results = tmp.resolve("results");

        int exit = AttnSpark.commandLine().execute(TinyRun.args(data, results, tmp.resolve("work"), "local[2]", "se"));
        assertEquals(0, exit);

        JsonNode record = onlyRecord(results);
        assertEquals("completed", record.get("status").asText());
        assertEquals("resnet18", record.get("backbone").asText());
        assertEquals("se", record.get("attention").asText());
        assertEquals(2, record.get("workers").asInt());
        assertEquals(1, record.get("epochs").size());
        double top1 = record.get("finalTop1").asDouble();
        assertTrue(top1 >= 0 && top1 <= 1, "top-1 " + top1);
        assertTrue(record.get("epochs").get(0).get("top5").asDouble() >= top1);
        assertTrue(record.get("parameterCount").asLong() > 0);
        // the dataset by content (10 classes, 16 + 8 images each) and the experiment the run belongs to
        assertEquals(10, record.get("dataset").get("classes").asInt());
        assertEquals(160, record.get("dataset").get("trainImages").asInt());
        assertTrue(record.get("dataset").get("fingerprint").asText().matches("[0-9a-f]{64}"), record.toString());
        assertTrue(record.get("experiment").get("key").asText().matches("[0-9a-f]{12}"), record.toString());
        assertTrue(record.get("experiment").get("summary").asText().contains("10 classes"), record.toString());

        Path out = tmp.resolve("aggregate");
        assertEquals(0, AttnSpark.commandLine().execute("aggregate", results.toString(), "--out", out.toString()));
        String table = Files.readString(out.resolve("table.md"));
        assertTrue(table.contains("resnet18"), table);
        assertTrue(Files.exists(out.resolve("table.csv")));
        assertTrue(Files.isDirectory(out.resolve("runs.parquet")));
    }

    /**
     * With {@code recipe.schedulePer=round} each averaging round starts at the rate of its point in the epoch: 160
     * images in batches of 8 are 20 shards, rounds of 2 workers x 2 batches start at shard 0, 4, 8, 12 and 16, so the
     * last round of the only epoch of a one-epoch cosine runs at base * (1 + cos(0.8 pi)) / 2.
     */
    @Test
    void perRoundScheduleDecaysWithinTheEpoch(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(16, 8));
        var args = new ArrayList<>(List.of(TinyRun.args(data, tmp.resolve("results"), tmp.resolve("work"), "local[2]", "none")));
        args.addAll(List.of("--set", "recipe.schedulePer=round"));
        assertEquals(0, AttnSpark.commandLine().execute(args.toArray(String[]::new)));

        double base = 0.2 * 16 / 256;
        double lastRound = base * (1 + Math.cos(0.8 * Math.PI)) / 2;
        try (Stream<Path> setups = Files.list(tmp.resolve("work/checkpoints"))) {
            Path zip = setups.findFirst().orElseThrow().resolve("epoch-0001.zip");
            var network = Checkpoints.read(zip.toUri().toString(), new Configuration()).network();
            assertEquals(lastRound, network.getLearningRate("fc"), 1e-9);
        }
    }

    static JsonNode onlyRecord(Path results) throws Exception {
        List<Path> records;
        try (Stream<Path> files = Files.list(results)) {
            records = files.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertEquals(1, records.size(), "records: " + records);
        return new ObjectMapper().readTree(records.get(0).toFile());
    }
}
