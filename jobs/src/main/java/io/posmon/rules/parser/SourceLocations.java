package io.posmon.rules.parser;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
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

    static SourceLocations scan(YAMLFactory factory, String text) throws IOException {
        SourceLocations locations = new SourceLocations();
        try (JsonParser parser = factory.createParser(text)) {
            while (parser.nextToken() != null) {
                // A key is seen before its value, so the first position kept for a pointer is the key's.
                JsonPointer pointer = parser.getParsingContext().pathAsPointer();
                locations.byPointer.putIfAbsent(pointer.toString(), parser.currentTokenLocation());
            }
        }
        return locations;
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
