package io.posmon.rules.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MCC entries as rule files write them: one code "5411" or an inclusive range "5300-5399". */
public final class MccCodes {

    private static final Pattern MCC = Pattern.compile("\\d{4}");
    private static final Pattern MCC_RANGE = Pattern.compile("(\\d{4})-(\\d{4})");

    private MccCodes() {
    }

    /** [low, high] inclusive, or null when the entry is malformed. */
    public static int[] range(String entry) {
        if (entry == null) {
            return null;
        }
        String e = entry.trim();
        if (MCC.matcher(e).matches()) {
            int code = Integer.parseInt(e);
            return new int[] {code, code};
        }
        Matcher m = MCC_RANGE.matcher(e);
        if (m.matches()) {
            int low = Integer.parseInt(m.group(1));
            int high = Integer.parseInt(m.group(2));
            return low <= high ? new int[] {low, high} : null;
        }
        return null;
    }
}
