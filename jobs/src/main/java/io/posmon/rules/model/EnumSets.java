package io.posmon.rules.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Sets of enum values that always iterate in declaration order (hash sets do not). */
final class EnumSets {

    private EnumSets() {
    }

    static <E extends Enum<E>> Set<E> ordered(Set<E> values, Class<E> type) {
        if (values == null) {
            return null;
        }
        EnumSet<E> ordered = EnumSet.noneOf(type);
        ordered.addAll(values);
        return Collections.unmodifiableSet(ordered);
    }
}
