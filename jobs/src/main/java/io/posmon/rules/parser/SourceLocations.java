package io.posmon.rules.parser;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key and list item of a YAML file starts, by JSON pointer ("/rules/0/params/minCount").
 * Data binding forgets positions; semantic checks run after it, so they look their position up here.
 */
final class SourceLocations {

    private final Map<String, JsonLocation> byPointer = new HashMap<>();
    private final Map<String, JsonLocation> valueByPointer = new HashMap<>();
    private final String[] lines;

    private SourceLocations(String text) {
        this.lines = text.split("\\R", -1);
    }

    static SourceLocations scan(YAMLFactory factory, String text) throws IOException {
        SourceLocations locations = new SourceLocations(text);
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                // A key is seen before its value, so the first position kept for a pointer is the key's.
                String pointer = parser.getParsingContext().pathAsPointer().toString();
                locations.byPointer.putIfAbsent(pointer, parser.currentTokenLocation());
                if (token.isScalarValue()) {
                    locations.valueByPointer.put(pointer, parser.currentTokenLocation());
                }
            }
        }
        return locations;
    }

    /**
     * Where a position inside a scalar string value lands in the file: the value may be plain,
     * quoted (one column further) or a block scalar ("|" or ">", its text starting on the next line).
     * Returns {line, column}, or null when the value's position is unknown.
     */
    int[] insideValue(String pointer, int lineInValue, int columnInValue) {
        JsonLocation at = valueByPointer.get(pointer);
        if (at == null || at.getLineNr() < 1 || at.getLineNr() > lines.length) {
            return null;
        }
        String line = lines[at.getLineNr() - 1];
        int start = Math.max(0, at.getColumnNr() - 1);
        char first = start < line.length() ? line.charAt(start) : ' ';
        if (first == '|') {
            int contentLine = at.getLineNr() + lineInValue;
            String content = contentLine <= lines.length ? lines[contentLine - 1] : "";
            int indent = content.length() - content.stripLeading().length();
            return new int[] {contentLine, indent + columnInValue};
        }
        if (first == '>') {
            // A folded value is one line joined from several: walk the lines to find the column.
            int offset = columnInValue - 1;
            for (int n = at.getLineNr() + 1; n <= lines.length && !lines[n - 1].isBlank(); n++) {
                String content = lines[n - 1];
                int indent = content.length() - content.stripLeading().length();
                int length = content.strip().length();
                if (offset < length || n == lines.length || lines[n].isBlank()) {
                    return new int[] {n, indent + offset + 1};
                }
                offset -= length + 1;
            }
            return null;
        }
        int quote = first == '"' || first == '\'' ? 1 : 0;
        return new int[] {at.getLineNr() + lineInValue - 1, at.getColumnNr() + quote + columnInValue - 1};
    }

    /** The position of the pointer, or of its nearest ancestor that has one. */
    JsonLocation find(String pointer) {
        String p = pointer;
        while (true) {
            JsonLocation location = byPointer.get(p);
            if (location != null || p.isEmpty()) {
                return location;
            }
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
    }
}
