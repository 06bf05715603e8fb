package io.posmon.carddata;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a clear card number into a token: a keyed hash (HMAC-SHA256), so the same card always
 * gives the same token (rules that count cards still work) and nobody without the key can test a
 * guessed card number against it. The job carries only the key file's path; the key is read where
 * the records are decoded (on each TaskManager), so it is never in the job graph, the repository or
 * a log. Rotating the key changes every token from then on (see README, operations).
 */
public final class PanTokenizer implements Serializable {

    /** HMAC-SHA256 wants a key of at least its block of output: 32 bytes. */
    private static final int MIN_KEY_BYTES = 32;

    private final String keyFile;
    private transient Mac mac;

    public PanTokenizer(String keyFile) {
        this.keyFile = keyFile;
    }

    /** The token of a card number (digits only): {@code tok_} and 32 hex digits. */
    public String token(String panDigits) {
        if (mac == null) {
            mac = keyedMac(Path.of(keyFile));
        }
        byte[] digest = mac.doFinal(panDigits.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return "tok_" + HexFormat.of().formatHex(digest, 0, 16);
    }

    private static Mac keyedMac(Path file) {
        byte[] key;
        try {
            key = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PAN tokenization key file " + file, e);
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException("the PAN tokenization key in " + file + " has " + key.length
                    + " bytes; it needs at least " + MIN_KEY_BYTES + " (e.g. head -c 32 /dev/urandom > key)");
        }
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
