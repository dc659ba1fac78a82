package io.attnspark.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = AttnSpark.class.getPackage().getImplementationVersion();
        return new String[]{"attnspark " + (version == null ? "dev" : version)};
    }
}
