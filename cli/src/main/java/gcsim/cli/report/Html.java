package gcsim.cli.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The report page: one self-contained HTML document (inline CSS, charts as inline SVG, no
 * scripts, nothing fetched). Stateless: any thread.
 */
final class Html {
    /** Chart ids, for the page's anchors and the tests. */
    static final String SUSPEND_CDF = "suspendg-cdf";
    static final String MARK_VS_STACKS = "mark-vs-stacks";
    static final String MARK_VS_OBJECTS = "mark-vs-objects";
    static final String HEAP = "heap";

    private static final String STYLE = String.join("\n",
            "body { font-family: sans-serif; margin: 1.5em 2em; color: #222; max-width: 1160px; }",
            "h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }",
            "p.note { color: #555; max-width: 70em; }",
            "table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }",
            "th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }",
            "th { background: #f0f0f0; } tr.differs td { background: #fff6d5; font-weight: bold; }",
            "td.ok { color: #1a7f37; font-weight: bold; } td.failed { color: #c62828; font-weight: bold; }",
            "figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }");

    private Html() {}

    /**
     * The page for {@code configurations} read from {@code sources}.
     *
     * @param generator the line naming the program that wrote it ("gcsim 0.1.0")
     */
    static String page(List<Configuration> configurations, List<String> sources, String generator) {
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>gcsim report</title>\n<style>\n").append(STYLE).append("\n</style>\n</head>\n<body>\n")
                .append("<h1>gcsim report</h1>\n<p class=\"note\">From ")
                .append(escape(String.join(", ", sources))).append(": ").append(configurations.size())
                .append(configurations.size() == 1 ? " configuration" : " configurations")
                .append(". Written by ").append(escape(generator)).append(".</p>\n");
        settings(b, configurations);
        verdicts(b, configurations);
        b.append("<h2 id=\"pauses\">Pauses per cycle</h2>\n<p class=\"note\">Each bar is one cycle's two stops of the "
                + "world stacked: sweep termination (blues) then mark termination (oranges), each as time to stop "
                + "(from the stop request until the last P stopped), stopped work, and restart. All configurations "
                + "share one scale.</p>\n");
        double upper = Charts.tallestPauseMs(configurations);
        for (int i = 0; i < configurations.size(); i++) {
            figure(b, Charts.pauses(configurations.get(i), pausesId(i), upper));
        }
        b.append("<h2 id=\"suspendg\">suspendG latency</h2>\n<p class=\"note\">The fraction of suspendG calls that "
                + "took at most a given time (log axis): a line further left is faster; the top right end is the "
                + "slowest call.</p>\n");
        figure(b, Charts.suspendCdf(configurations, SUSPEND_CDF));
        b.append("<h2 id=\"mark\">Mark time per cycle</h2>\n<p class=\"note\">One point per cycle: the concurrent "
                + "mark phase's wall time against the goroutine stacks scanned and against the objects marked.</p>\n");
        figure(b, Charts.markAgainst(configurations, MARK_VS_STACKS, "goroutines scanned",
                RunData.Cycle::stacksScanned));
        figure(b, Charts.markAgainst(configurations, MARK_VS_OBJECTS, "objects marked", RunData.Cycle::objectsMarked));
        b.append("<h2 id=\"heap-over-time\">Heap</h2>\n<p class=\"note\">Per cycle, heap live (solid: the bytes "
                + "the cycle marked live) and the cycle's heap goal (dashed), at the time the cycle started.</p>\n");
        figure(b, Charts.heap(configurations, HEAP));
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /** The id of configuration {@code index}'s (0-based) pause chart. */
    static String pausesId(int index) {
        return "pauses-" + (index + 1);
    }

    private static void figure(StringBuilder b, String svg) {
        b.append("<figure>\n").append(svg).append("\n</figure>\n");
    }

    /** The settings table: a column per configuration, the rows whose values differ highlighted. */
    private static void settings(StringBuilder b, List<Configuration> configurations) {
        Set<String> keys = new LinkedHashSet<>();
        for (Configuration c : configurations) {
            keys.addAll(c.settings().keySet());
        }
        b.append("<h2 id=\"configurations\">Configurations</h2>\n<table id=\"config\">\n<tr><th>setting</th>");
        for (Configuration c : configurations) {
            b.append("<th>").append(escape(c.label())).append("</th>");
        }
        b.append("</tr>\n");
        for (String key : keys) {
            Set<String> values = new LinkedHashSet<>();
            for (Configuration c : configurations) {
                values.add(c.settings().getOrDefault(key, "-"));
            }
            b.append(values.size() > 1 ? "<tr class=\"differs\">" : "<tr>").append("<td>").append(escape(key))
                    .append("</td>");
            for (Configuration c : configurations) {
                b.append("<td>").append(escape(c.settings().getOrDefault(key, "-"))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("<tr><td>runs</td>");
        for (Configuration c : configurations) {
            b.append("<td>").append(c.runs().size()).append("</td>");
        }
        b.append("</tr>\n</table>\n");
    }

    /** The verification verdicts: ok, or FAILED with the reasons. */
    private static void verdicts(StringBuilder b, List<Configuration> configurations) {
        b.append("<h2 id=\"verification\">Verification</h2>\n<table id=\"verdicts\">\n")
                .append("<tr><th>configuration</th><th>verdict</th><th>details</th></tr>\n");
        for (Configuration c : configurations) {
            boolean ok = c.ok();
            b.append("<tr><td>").append(escape(c.label())).append("</td><td class=\"").append(ok ? "ok" : "failed")
                    .append("\">").append(ok ? "ok" : "FAILED").append("</td><td>");
            List<String> lines = c.verdictLines();
            for (int i = 0; i < lines.size(); i++) {
                b.append(i > 0 ? "<br>" : "").append(escape(lines.get(i)));
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    /** {@code s} with HTML's and XML's special characters escaped (text and attribute values). */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
