package io.posmon.sources;

import java.io.Serializable;

/** Says why a decoded record cannot be processed, or null when it can. */
@FunctionalInterface
public interface RecordCheck<T> extends Serializable {
    String problem(T record);
}
