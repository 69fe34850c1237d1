package gcsim.cli.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.KeyedValues2DItemKey;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYItemKey;

/**
 * Renderers that draw each data item inside its own SVG group, {@code <g jfreesvg:ref='{"seriesKey":
 * "...", "itemIndex": i}'>} (a bar: {@code {"rowKey": "...", "columnKey": "..."}}), through
 * JFreeChart's element hints, which JFreeSVG turns into groups. JFreeChart 1.5's own renderers
 * group only the chart as a whole; with these, a reader of the page (and the tests) can tell
 * which series each drawn point or bar belongs to. A renderer that draws in more than one pass
 * draws an item's group once per pass. Used on the chart-drawing thread only, like any renderer.
 */
final class ItemGroups {
    private ItemGroups() {}

    /** Stacked bars, one group per bar segment. */
    static final class Bars extends StackedBarRenderer {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"}) // a CategoryDataset's keys are raw Comparables
        public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea,
                             CategoryPlot plot, CategoryAxis domainAxis, ValueAxis rangeAxis,
                             CategoryDataset dataset, int row, int column, int pass) {
            beginElementGroup(g2, new KeyedValues2DItemKey(dataset.getRowKey(row), dataset.getColumnKey(column)));
            super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
            endElementGroup(g2);
        }
    }

    /** Points, with or without lines between them; one group per point. */
    static final class Points extends XYLineAndShapeRenderer {
        private static final long serialVersionUID = 1L;

        Points(boolean lines, boolean shapes) {
            super(lines, shapes);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"}) // an XYDataset's series keys are raw Comparables
        public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea, PlotRenderingInfo info,
                             XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis, XYDataset dataset,
                             int series, int item, CrosshairState crosshairState, int pass) {
            beginElementGroup(g2, new XYItemKey(dataset.getSeriesKey(series), item));
            super.drawItem(g2, state, dataArea, info, plot, domainAxis, rangeAxis, dataset, series, item,
                    crosshairState, pass);
            endElementGroup(g2);
        }
    }

    /** A step line (a CDF); one group per step. */
    static final class Steps extends XYStepRenderer {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"}) // an XYDataset's series keys are raw Comparables
        public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea, PlotRenderingInfo info,
                             XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis, XYDataset dataset,
                             int series, int item, CrosshairState crosshairState, int pass) {
            beginElementGroup(g2, new XYItemKey(dataset.getSeriesKey(series), item));
            super.drawItem(g2, state, dataArea, info, plot, domainAxis, rangeAxis, dataset, series, item,
                    crosshairState, pass);
            endElementGroup(g2);
        }
    }
}
