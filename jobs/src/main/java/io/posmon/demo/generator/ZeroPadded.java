package io.posmon.demo.generator;

/** Zero-padded numbers for ids and card digits; String.format is too slow for a hundred thousand a day. */
final class ZeroPadded {
    private ZeroPadded() {
    }

    static String of(long number, int width) {
        String text = Long.toString(number);
        return "0".repeat(Math.max(0, width - text.length())) + text;
    }
}
