package io.attnspark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** The {@code attnspark} command line; also the main class for spark-submit. */
@Command(name = "attnspark", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train CNN backbones with attention modules on Spark and compare them.",
        subcommands = {TrainCommand.class, AggregateCommand.class, DatasetsCommand.class, DemoCommand.class, ModelsCommand.class,
                ModulesCommand.class, SweepCommand.class, ClusterCommand.class, SubmitCommand.class, BenchCommand.class,
                ExplainCommand.class, EvaluateCommand.class, RunsCommand.class,
                CommandLine.HelpCommand.class})
public final class AttnSpark {

    /**
     * Returns on success rather than exiting: under YARN in cluster mode, an exit before the application master has
     * reported success fails the application, and YARN runs it again. Failures exit with their code.
     */
    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** Bad input gives one line that says what is wrong, never a stack trace. */
    static CommandLine commandLine() {
        var cli = new CommandLine(new AttnSpark());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            List<String> suggestions = e instanceof CommandLine.UnmatchedArgumentException unmatched
                    ? unmatched.getSuggestions() : List.of();
            String hint = suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?";
            err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage() + hint + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 2;
            }
            err.println(commandLine.getCommandSpec().qualifiedName() + " failed: " + e);
            if (Boolean.getBoolean("attnspark.stacktrace")) {
                e.printStackTrace(err);
            } else {
                err.println("(run with -Dattnspark.stacktrace=true, or ATTNSPARK_STACKTRACE=1 with bin/attnspark, for the stack trace)");
            }
            return 1;
        });
        return cli;
    }
}
