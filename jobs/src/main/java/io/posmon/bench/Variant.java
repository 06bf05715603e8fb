package io.posmon.bench;

/** What a benchmark run times. */
enum Variant {
    /** The same Kafka source decoding Avro into a discarding sink: what the engine cannot beat. */
    CEILING("ceiling: Kafka source + Avro decoding + discard", false, false),
    /** The merchant risk pipeline with every shipped rule. */
    RISK("merchant risk, all shipped rules", true, false),
    /** The contribution pipeline. */
    CONTRIBUTIONS("contributions", false, true),
    /** Both pipelines in one job, as `posmon run all` runs them. */
    BOTH("both pipelines together", true, true);

    final String label;
    final boolean risk;
    final boolean contributions;

    Variant(String label, boolean risk, boolean contributions) {
        this.label = label;
        this.risk = risk;
        this.contributions = contributions;
    }
}
