package io.posmon.sources;

import io.posmon.schema.MerchantProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/** Writes the Avro container file of merchant profiles that the job can load at start-up. */
public final class ProfileFiles {

    private ProfileFiles() {
    }

    public static void write(Path file, List<MerchantProfile> profiles) throws IOException {
        try (DataFileWriter<MerchantProfile> writer = new DataFileWriter<>(new SpecificDatumWriter<>(MerchantProfile.class))) {
            writer.create(MerchantProfile.getClassSchema(), file.toFile());
            for (MerchantProfile p : profiles) {
                writer.append(p);
            }
        }
    }
}
