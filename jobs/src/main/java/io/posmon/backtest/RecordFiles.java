package io.posmon.backtest;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.posmon.schema.CardType;
import io.posmon.schema.EntryMode;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.SettlementAccountType;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import io.posmon.sources.TransactionChecks;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Reads transactions and merchant profiles for a backtest from CSV (a header of field names),
 * JSON lines, or Avro container files (by extension: .csv, .jsonl/.json, .avro). A row that cannot
 * be read is reported with its line and skipped; it never stops the run.
 */
public final class RecordFiles {

    /** A row that was skipped, and why. */
    public record BadRow(Path file, long line, String reason) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + reason;
        }
    }

    /** What was read from one file. */
    public record Read<T>(List<T> records, List<BadRow> badRows) {
    }

    private RecordFiles() {
    }

    /** @param maxAmountMinor the engine's limit above which a transaction is refused, as the job refuses it */
    public static Read<PosTransaction> transactions(Path file, long maxAmountMinor) throws IOException {
        return read(file, PosTransaction.class, RecordFiles::transaction, tx -> TransactionChecks.transactionProblem(tx, maxAmountMinor));
    }

    public static Read<MerchantProfile> merchants(Path file) throws IOException {
        return read(file, MerchantProfile.class, RecordFiles::merchant, TransactionChecks::profileProblem);
    }

    private static <T extends SpecificRecordBase> Read<T> read(Path file, Class<T> type,
                                                                Function<Map<String, String>, T> convert,
                                                                Function<T, String> check)
            throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<T> records = new ArrayList<>();
        List<BadRow> bad = new ArrayList<>();
        if (name.endsWith(".avro")) {
            try (DataFileReader<T> reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
                long n = 0;
                for (T record : reader) {
                    n++;
                    String problem = check.apply(record);
                    if (problem == null) {
                        records.add(record);
                    } else {
                        bad.add(new BadRow(file, n, problem));
                    }
                }
            }
        } else if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                long n = 0;
                while ((line = reader.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        Map<String, String> row = new LinkedHashMap<>();
                        json.readTree(line).fields().forEachRemaining(f ->
                                row.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText()));
                        records.add(checked(convert.apply(row), check));
                    } catch (RuntimeException | IOException e) {
                        bad.add(new BadRow(file, n, reason(e)));
                    }
                }
            }
        } else if (name.endsWith(".csv")) {
            CsvMapper csv = new CsvMapper();
            try (MappingIterator<Map<String, String>> rows = csv.readerFor(Map.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
                while (true) {
                    long line = rows.getCurrentLocation().getLineNr();
                    try {
                        if (!rows.hasNextValue()) {
                            break;
                        }
                        line = rows.getCurrentLocation().getLineNr();
                        records.add(checked(convert.apply(rows.nextValue()), check));
                    } catch (RuntimeException e) {
                        bad.add(new BadRow(file, Math.max(2, line), reason(e)));
                    }
                }
            }
        } else {
            throw new IOException(file + ": unknown format (use .csv, .jsonl or .avro)");
        }
        return new Read<>(records, bad);
    }

    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\n.*", "");
    }

    static PosTransaction transaction(Map<String, String> row) {
        PosTransaction tx = PosTransaction.newBuilder()
                .setTransactionId(required(row, "transactionId"))
                .setEventTime(instant(required(row, "eventTime")))
                .setMerchantId(required(row, "merchantId"))
                .setTerminalId(optional(row, "terminalId", ""))
                .setCardToken(required(row, "cardToken"))
                .setMaskedPan(optional(row, "maskedPan", ""))
                .setCardType(enumOf(CardType.class, required(row, "cardType")))
                .setCustomerId(nullable(row, "customerId"))
                .setAmountMinor(longOf(required(row, "amountMinor"), "amountMinor"))
                .setCurrency(required(row, "currency"))
                .setType(enumOf(TransactionType.class, required(row, "type")))
                .setOriginalTransactionId(nullable(row, "originalTransactionId"))
                .setStatus(enumOf(TransactionStatus.class, required(row, "status")))
                .setEntryMode(enumOf(EntryMode.class, optional(row, "entryMode", "OTHER")))
                .setInstallments((int) longOf(optional(row, "installments", "0"), "installments"))
                .setCustomerRegion(nullable(row, "customerRegion"))
                .build();
        return tx;
    }

    static MerchantProfile merchant(Map<String, String> row) {
        String limit = nullable(row, "dailyCreditLimitMinor");
        String updated = nullable(row, "updatedAt");
        MerchantProfile p = MerchantProfile.newBuilder()
                .setMerchantId(required(row, "merchantId"))
                .setName(optional(row, "name", ""))
                .setMcc(required(row, "mcc"))
                .setAddress(optional(row, "address", ""))
                .setRegion(optional(row, "region", ""))
                .setScale(enumOf(MerchantScale.class, required(row, "scale")))
                .setFeeRateBps((int) longOf(required(row, "feeRateBps"), "feeRateBps"))
                .setSettlementAccountType(enumOf(SettlementAccountType.class, optional(row, "settlementAccountType", "CORPORATE")))
                .setStatus(enumOf(MerchantStatus.class, optional(row, "status", "ACTIVE")))
                .setDailyCreditLimitMinor(limit == null ? null : longOf(limit, "dailyCreditLimitMinor"))
                .setSettlementCurrency(nullable(row, "settlementCurrency"))
                .setUpdatedAt(updated == null ? null : instant(updated))
                .build();
        return p;
    }

    /** The record if it passes the check; else its problem, reported with the row's line. */
    private static <T> T checked(T record, Function<T, String> check) {
        String problem = check.apply(record);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return record;
    }

    /** ISO-8601 with an offset (2026-11-23T10:00:00+08:00, ...Z) or epoch milliseconds. */
    static Instant instant(String text) {
        String t = text.trim();
        if (t.matches("-?\\d+")) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time: write ISO-8601 with an offset "
                    + "(2026-11-23T10:00:00+08:00) or epoch milliseconds");
        }
    }

    private static String required(Map<String, String> row, String field) {
        String v = row.get(field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v.trim();
    }

    private static String optional(Map<String, String> row, String field, String otherwise) {
        String v = row.get(field);
        return v == null || v.isBlank() ? otherwise : v.trim();
    }

    private static String nullable(Map<String, String> row, String field) {
        String v = row.get(field);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static long longOf(String text, String field) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a whole number (minor units)");
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String text) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a " + type.getSimpleName());
        }
    }
}
