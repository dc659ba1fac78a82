package io.attnspark.cli;

public final class AttnSpark {
    public static void main(String[] args) { }
}
