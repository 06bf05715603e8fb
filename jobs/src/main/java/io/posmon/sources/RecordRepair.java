package io.posmon.sources;

import java.io.Serializable;

/** Mends a decoded record in place before it is checked, e.g. replacing data it must not carry. */
public interface RecordRepair<T> extends Serializable {

    /** @return true when the record was changed */
    boolean repair(T record);

    /** The counter of repaired records. */
    String metricName();
}
