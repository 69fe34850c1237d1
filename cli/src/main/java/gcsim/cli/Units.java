package gcsim.cli;

import java.util.Locale;

/** Human formatting of durations, byte sizes and counts for the summary table. */
final class Units {
    private Units() {}

    /** 850ns, 12.3us, 4.56ms, 1.23s: three significant digits, ASCII units. */
    static String duration(long nanos) {
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 999_500) { // rounds below 1000us
            return threeDigits(nanos / 1e3) + "us";
        }
        if (nanos < 999_500_000) {
            return threeDigits(nanos / 1e6) + "ms";
        }
        return threeDigits(nanos / 1e9) + "s";
    }

    /** 512B, 1.5KiB, 12.0MiB, 3.25GiB. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes / 1024.0;
        int u = 0;
        while (v >= 1023.5 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return threeDigits(v) + units[u];
    }

    /** 1,234,567 (grouping independent of the locale). */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 1.23, 12.3, 123 (no decimals from 100 up). */
    private static String threeDigits(double v) {
        if (v >= 99.95) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 9.995) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
