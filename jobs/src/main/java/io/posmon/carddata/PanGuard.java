package io.posmon.carddata;

/**
 * Keeps clear card numbers (PANs) out of everything the engine writes. A PAN is a run of 13 to 19
 * digits that passes the Luhn check; masked it keeps at most the first 6 and last 4 digits (PCI DSS).
 */
public final class PanGuard {

    private PanGuard() {
    }

    /** True when the text contains a run of 13-19 digits passing the Luhn check. */
    public static boolean containsClearPan(CharSequence text) {
        return firstPan(text) != null;
    }

    /** The digits of the first PAN in the text, or null when there is none. */
    public static String firstPan(CharSequence text) {
        if (text == null) {
            return null;
        }
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean digit = i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128;
            if (digit && start < 0) {
                start = i;
            } else if (!digit && start >= 0) {
                if (isPan(text, start, i)) {
                    return text.subSequence(start, i).toString();
                }
                start = -1;
            }
        }
        return null;
    }

    /** A card number as it may be shown: the first 6 and last 4 digits, the rest as '*'. */
    public static String mask(String panDigits) {
        return panDigits.substring(0, 6) + "*".repeat(panDigits.length() - 10) + panDigits.substring(panDigits.length() - 4);
    }

    /** A copy of raw bytes with every PAN-like ASCII digit run masked to first 6 and last 4. */
    public static byte[] maskPans(byte[] raw) {
        if (raw == null) {
            return null;
        }
        byte[] out = raw.clone();
        int start = -1;
        for (int i = 0; i <= out.length; i++) {
            boolean digit = i < out.length && out[i] >= '0' && out[i] <= '9';
            if (digit && start < 0) {
                start = i;
            } else if (!digit && start >= 0) {
                if (isPan(new AsciiView(out), start, i)) {
                    for (int j = start + 6; j < i - 4; j++) {
                        out[j] = '*';
                    }
                }
                start = -1;
            }
        }
        return out;
    }

    private static boolean isPan(CharSequence s, int from, int to) {
        int length = to - from;
        if (length < 13 || length > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = to - 1; i >= from; i--) {
            int d = s.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** Bytes seen as characters, for the Luhn check on raw payloads. */
    private record AsciiView(byte[] bytes) implements CharSequence {
        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
