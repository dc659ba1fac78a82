package io.attnspark.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, header = "Benchmarks; numbers are printed, never asserted in tests.",
        subcommands = {BenchScalingCommand.class, BenchDataCommand.class, BenchModelCommand.class, BenchModulesCommand.class,
                BenchCompareCommand.class, BenchVariantsCommand.class, BenchParityCommand.class})
final class BenchCommand {
}
