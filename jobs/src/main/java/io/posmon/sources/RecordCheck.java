package io.posmon.sources;

import java.io.Serializable;

/** Says why a decoded record cannot be processed, or null when it can. */
@FunctionalInterface
public interface RecordCheck<T> extends Serializable {

    /** @param ingestTimeMillis when the record reached Kafka (its timestamp), or -1 when unknown */
    String problem(T record, long ingestTimeMillis);
}
