package io.posmon.backtest;

import java.io.PrintStream;

/** A one-line progress bar on the console, redrawn at most twice a second. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private long lastDraw;

    ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    synchronized void update(long done) {
        long now = System.currentTimeMillis();
        if (now - lastDraw >= 500) {
            lastDraw = now;
            draw(done, "");
        }
    }

    void done(int alerts) {
        draw(total, " - " + alerts + " alerts");
        out.println();
    }

    private void draw(long done, String tail) {
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        out.printf("\r%-8s [%s%s] %3d%%  %,d / %,d transactions%s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.min(100, done * 100 / total), Math.min(done, total), total, tail);
        out.flush();
    }
}
