package io.posmon.operators;

import io.posmon.schema.MerchantProfile;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Merchant profiles known before the job starts, from an Avro container file. Each parallel
 * instance keeps only its own merchants. A profile that later arrives on the profiles topic
 * replaces the file's, so the file is only a starting point that makes the first transactions
 * of a merchant meet its profile, not a race with the topic.
 */
public final class StartupProfiles implements Serializable {

    private final String path;

    public StartupProfiles(String path) {
        this.path = path;
    }

    public Map<String, MerchantProfile> loadFor(int subtask, int parallelism, int maxParallelism) throws IOException {
        Map<String, MerchantProfile> mine = new HashMap<>();
        try (DataFileReader<MerchantProfile> reader =
                     new DataFileReader<>(new File(path), new SpecificDatumReader<>(MerchantProfile.class))) {
            for (MerchantProfile p : reader) {
                if (KeyGroupRangeAssignment.assignKeyToParallelOperator(p.getMerchantId(), maxParallelism, parallelism) == subtask) {
                    mine.put(p.getMerchantId(), p);
                }
            }
        }
        return mine;
    }
}
