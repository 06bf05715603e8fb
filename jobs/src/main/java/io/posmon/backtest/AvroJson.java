package io.posmon.backtest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** A generated Avro record as plain JSON-ready values: field names as in the schema, times as ISO text. */
final class AvroJson {

    private AvroJson() {
    }

    static Map<String, Object> toMap(SpecificRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            out.put(field.name(), plain(record.get(field.pos())));
        }
        return out;
    }

    private static Object plain(Object value) {
        if (value instanceof SpecificRecord r) {
            return toMap(r);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(plain(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof ByteBuffer bytes) {
            return Base64.getEncoder().encodeToString(bytes.array());
        }
        if (value instanceof Enum<?> || value instanceof java.time.temporal.Temporal || value instanceof CharSequence) {
            return value.toString();
        }
        return value;
    }
}
