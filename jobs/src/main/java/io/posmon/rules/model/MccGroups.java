package io.posmon.rules.model;

import java.util.List;
import java.util.Map;

/** The {@code mccGroups:} section: named groups of MCCs ("5411" or "5300-5399"), and the group of all others. */
public record MccGroups(String fallback, Map<String, List<String>> groups) {
}
