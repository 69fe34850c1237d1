package gcsim.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, drawn by JFreeChart into JFreeSVG's {@link SVGGraphics2D}: each an
 * {@code <svg>} element with an id and a {@code <title>}, to inline in the page. Every method
 * is stateless (any thread); the caller sets {@code java.awt.headless=true} before the first
 * call ({@link Report#write}), as no display is needed or wanted.
 *
 * <p>Times are plotted in milliseconds (pauses, mark, heap's time axis) or microseconds
 * (suspendG), as Go's gctrace prints them.
 */
final class Charts {
    static final int WIDTH = 1100;
    static final int HEIGHT = 460;
    /** The three parts of one stop of the world, in the order they are stacked. */
    static final List<String> PAUSE_PARTS = List.of("time to stop", "stopped work", "restart");
    /** Sweep termination's parts in blues, mark termination's in oranges. */
    private static final Color[] PAUSE_COLOURS = {
        new Color(0x9e, 0xca, 0xe1), new Color(0x31, 0x82, 0xbd), new Color(0x08, 0x30, 0x6b),
        new Color(0xfd, 0xd0, 0xa2), new Color(0xf1, 0x69, 0x13), new Color(0x7f, 0x27, 0x04),
    };
    /** Series colours for configurations: ColorBrewer's Set1 (without its yellow), then Dark2. */
    private static final Color[] SERIES_COLOURS = {
        new Color(0xe4, 0x1a, 0x1c), new Color(0x37, 0x7e, 0xb8), new Color(0x4d, 0xaf, 0x4a),
        new Color(0x98, 0x4e, 0xa3), new Color(0xff, 0x7f, 0x00), new Color(0xa6, 0x56, 0x28),
        new Color(0xf7, 0x81, 0xbf), new Color(0x99, 0x99, 0x99), new Color(0x1b, 0x9e, 0x77),
        new Color(0xd9, 0x5f, 0x02), new Color(0x75, 0x70, 0xb3), new Color(0x66, 0xa6, 0x1e),
    };
    private static final double NANOS_PER_MS = 1e6;
    private static final double NANOS_PER_US = 1e3;
    /** Where a zero latency is drawn on the log axis: 1 ns (a log axis has no 0). */
    static final double SMALLEST_US = 1e-3;

    private Charts() {}

    /** The series names of the pause chart: "sweep termination: time to stop", ..., "mark termination: restart". */
    static List<String> pauseSeries() {
        List<String> names = new ArrayList<>();
        for (String phase : List.of("sweep termination", "mark termination")) {
            for (String part : PAUSE_PARTS) {
                names.add(phase + ": " + part);
            }
        }
        return names;
    }

    /**
     * One configuration's stops of the world per cycle, stacked: sweep termination's time to
     * stop, stopped work and restart, then mark termination's. {@code upperMs} is the tallest
     * bar of all configurations, so that the charts share a scale.
     */
    static String pauses(Configuration c, String id, double upperMs) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> series = pauseSeries();
        int run = 0;
        for (RunData r : c.runs()) {
            run++;
            for (RunData.Cycle cycle : r.cycles()) {
                String column = (c.runs().size() > 1 ? "r" + run + " " : "") + "gc " + cycle.n();
                long[] nanos = {
                    cycle.sweepTerm().timeToStopNanos(), cycle.sweepTerm().stoppedNanos(),
                    cycle.sweepTerm().restartNanos(), cycle.markTerm().timeToStopNanos(),
                    cycle.markTerm().stoppedNanos(), cycle.markTerm().restartNanos(),
                };
                for (int i = 0; i < nanos.length; i++) {
                    data.addValue(nanos[i] / NANOS_PER_MS, series.get(i), column);
                }
            }
        }
        String title = "Pauses per cycle: " + c.label();
        JFreeChart chart = ChartFactory.createStackedBarChart(title, "cycle", "stop-the-world pause (ms)", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        StackedBarRenderer renderer = new ItemGroups.Bars();
        plot.setRenderer(renderer);
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        for (int i = 0; i < PAUSE_COLOURS.length; i++) {
            renderer.setSeriesPaint(i, PAUSE_COLOURS[i]);
        }
        if (upperMs > 0) {
            plot.getRangeAxis().setRange(0, upperMs * 1.05);
        }
        return svg(chart, id, title, HEIGHT);
    }

    /** The tallest stacked bar of any configuration, in milliseconds. */
    static double tallestPauseMs(List<Configuration> configurations) {
        double max = 0;
        for (Configuration c : configurations) {
            for (RunData.Cycle cycle : c.cycles()) {
                max = Math.max(max, (total(cycle.sweepTerm()) + total(cycle.markTerm())) / NANOS_PER_MS);
            }
        }
        return max;
    }

    private static long total(RunData.Pause p) {
        return p.timeToStopNanos() + p.stoppedNanos() + p.restartNanos();
    }

    /**
     * suspendG latency as a cumulative distribution, one step line per configuration, on a
     * log time axis. From the cycles' histogram buckets when the JSON has them; otherwise from
     * each cycle's p50, p99 and max, weighted by the cycle's calls ({@link #latencyMass}).
     */
    static String suspendCdf(List<Configuration> configurations, String id) {
        XYSeriesCollection data = new XYSeriesCollection();
        boolean quantilesOnly = false;
        for (Configuration c : configurations) {
            XYSeries s = new XYSeries(c.label(), true, true);
            TreeMap<Double, Double> mass = new TreeMap<>();
            for (RunData.Cycle cycle : c.cycles()) {
                quantilesOnly |= latencyMass(cycle.suspend(), mass);
            }
            double total = mass.values().stream().mapToDouble(Double::doubleValue).sum();
            if (total > 0) {
                s.add(mass.firstKey().doubleValue(), 0.0);
                double cumulative = 0;
                for (Map.Entry<Double, Double> e : mass.entrySet()) {
                    cumulative += e.getValue();
                    s.add(e.getKey().doubleValue(), cumulative / total);
                }
            }
            data.addSeries(s);
        }
        String title = "suspendG latency, cumulative";
        JFreeChart chart = ChartFactory.createXYLineChart(title, "suspendG latency (µs, log scale)",
                "fraction of suspendG calls", data, PlotOrientation.VERTICAL, true, false, false);
        if (quantilesOnly) {
            chart.addSubtitle(new TextTitle("from each cycle's p50, p99 and max weighted by its calls "
                    + "(the JSON has no histogram): each call is drawn at the quantile at or above it"));
        }
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("suspendG latency (µs, log scale)");
        x.setSmallestValue(SMALLEST_US);
        // One tick per decade, labelled 0.01, 0.1, 1, 10, ... rather than as powers of ten.
        x.setTickUnit(new NumberTickUnit(1.0));
        x.setNumberFormatOverride(new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        x.setMinorTickCount(9);
        x.setMinorTickMarksVisible(true);
        plot.setDomainAxis(x);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
        plot.setDrawingSupplier(configurationColours());
        XYStepRenderer renderer = new ItemGroups.Steps();
        renderer.setDefaultStroke(new BasicStroke(2f));
        renderer.setAutoPopulateSeriesStroke(false);
        plot.setRenderer(renderer);
        return svg(chart, id, title, HEIGHT);
    }

    /**
     * Adds one cycle's suspendG calls to {@code massUs} (latency in µs to calls): its buckets,
     * or, without any, half its calls at p50, 49% at p99 and 1% at max.
     *
     * @return whether the quantiles stood in for a histogram
     */
    static boolean latencyMass(RunData.Suspend s, TreeMap<Double, Double> massUs) {
        if (!s.buckets().isEmpty()) {
            for (RunData.Bucket b : s.buckets()) {
                massUs.merge(us(b.upToNanos()), (double) b.count(), Double::sum);
            }
            return false;
        }
        if (s.calls() > 0) {
            massUs.merge(us(s.p50Nanos()), 0.50 * s.calls(), Double::sum);
            massUs.merge(us(s.p99Nanos()), 0.49 * s.calls(), Double::sum);
            massUs.merge(us(s.maxNanos()), 0.01 * s.calls(), Double::sum);
        }
        return true;
    }

    private static double us(long nanos) {
        return Math.max(nanos / NANOS_PER_US, SMALLEST_US);
    }

    /** Mark time per cycle against {@code what} per cycle, one point per cycle, a series per configuration. */
    static String markAgainst(List<Configuration> configurations, String id, String what,
                              ToLongFunction<RunData.Cycle> x) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Configuration c : configurations) {
            XYSeries s = new XYSeries(c.label(), false, true);
            for (RunData.Cycle cycle : c.cycles()) {
                s.add(x.applyAsLong(cycle), cycle.markNanos() / NANOS_PER_MS);
            }
            data.addSeries(s);
        }
        String title = "Mark time against " + what;
        JFreeChart chart = ChartFactory.createScatterPlot(title, what + " per cycle", "concurrent mark (ms)",
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setDrawingSupplier(configurationColours());
        chart.getXYPlot().setRenderer(new ItemGroups.Points(false, true));
        return svg(chart, id, title, HEIGHT);
    }

    /**
     * Per cycle, heap live (solid: the bytes the cycle marked live) and the cycle's heap goal
     * (dashed), at the cycle's start time since the runtime started; the lines join a single
     * run's cycles, pooled runs are points only.
     */
    static String heap(List<Configuration> configurations, String id) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new ItemGroups.Points(true, true);
        DefaultDrawingSupplier colours = configurationColours();
        for (Configuration c : configurations) {
            XYSeries live = new XYSeries(c.label() + ": live", true, true);
            XYSeries goal = new XYSeries(c.label() + ": goal", true, true);
            for (RunData.Cycle cycle : c.cycles()) {
                double t = cycle.startNanos() / NANOS_PER_MS;
                live.add(t, cycle.heapLive() / 1024.0);
                goal.add(t, cycle.heapGoal() / 1024.0);
            }
            int i = data.getSeriesCount();
            data.addSeries(live);
            data.addSeries(goal);
            Paint paint = colours.getNextPaint();
            boolean lines = c.runs().size() == 1;
            for (int k = i; k < i + 2; k++) {
                renderer.setSeriesPaint(k, paint);
                renderer.setSeriesLinesVisible(k, lines);
            }
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesStroke(i + 1, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                    10f, new float[] {6f, 4f}, 0f));
        }
        String title = "Heap live against heap goal";
        JFreeChart chart = ChartFactory.createXYLineChart(title, "cycle start (ms since the runtime started)",
                "KiB", data, PlotOrientation.VERTICAL, true, false, false);
        renderer.setAutoPopulateSeriesStroke(false);
        renderer.setAutoPopulateSeriesPaint(false);
        chart.getXYPlot().setRenderer(renderer);
        return svg(chart, id, title, HEIGHT);
    }

    /** A drawing supplier that hands out {@link #SERIES_COLOURS} in turn (JFreeChart's default shapes). */
    private static DefaultDrawingSupplier configurationColours() {
        return new DefaultDrawingSupplier(SERIES_COLOURS, DefaultDrawingSupplier.DEFAULT_FILL_PAINT_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE, DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE, DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE);
    }

    /** {@code chart} as an {@code <svg id=...>} element with a {@code <title>}, element hints on. */
    private static String svg(JFreeChart chart, String id, String title, int height) {
        chart.setElementHinting(true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(0xfa, 0xfa, 0xfa));
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
        // Ids of clip paths and gradients start with the chart's id: unique in the page, and the
        // same page for the same input (JFreeSVG's default prefix is the clock).
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle(0, 0, WIDTH, height));
        String element = g.getSVGElement(id);
        int open = element.indexOf('>', element.indexOf("<svg")) + 1;
        return element.substring(0, open) + "<title>" + Html.escape(title) + "</title>" + element.substring(open);
    }
}
