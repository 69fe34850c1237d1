package gcsim.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Test-only: a {@code gcsim report} page read back. Each inline {@code <svg>} is parsed as XML
 * (so a malformed one fails the test) and kept by its id; a chart's drawn items are the groups
 * the report's renderers open per item ({@code jfreesvg:ref='{"seriesKey": ..., "itemIndex":
 * ...}'}, a bar {@code {"rowKey": ..., "columnKey": ...}}).
 */
final class ReportPage {
    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);
    private static final Pattern KEY = Pattern.compile(
            "\"(seriesKey|itemIndex|rowKey|columnKey)\": ?(?:\"([^\"]*)\"|(\\d+))");

    final String html;
    final Map<String, Element> charts = new LinkedHashMap<>();

    ReportPage(Path file) throws IOException {
        html = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            Element svg = parse(m.group()).getDocumentElement();
            charts.put(svg.getAttribute("id"), svg);
        }
    }

    private static Document parse(String xml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("an inline SVG is not well-formed XML: " + e.getMessage(), e);
        }
    }

    Element chart(String id) {
        Element e = charts.get(id);
        if (e == null) {
            throw new AssertionError("no <svg id='" + id + "'> in the page; ids: " + charts.keySet());
        }
        return e;
    }

    /** The chart's {@code <title>}. */
    String title(String id) {
        NodeList t = chart(id).getElementsByTagName("title");
        return t.getLength() == 0 ? "" : t.item(0).getTextContent();
    }

    /** Every {@code <text>} of the chart: title, axis labels, tick labels, legend. */
    List<String> texts(String id) {
        List<String> texts = new ArrayList<>();
        NodeList t = chart(id).getElementsByTagName("text");
        for (int i = 0; i < t.getLength(); i++) {
            texts.add(t.item(i).getTextContent());
        }
        return texts;
    }

    /**
     * The chart's drawn items by series: series key (a bar's row key) to the distinct items
     * drawn (item index, a bar's column key), in drawing order.
     */
    Map<String, Set<String>> items(String id) {
        Map<String, Set<String>> bySeries = new LinkedHashMap<>();
        NodeList groups = chart(id).getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            String ref = ((Element) groups.item(i)).getAttribute("jfreesvg:ref");
            if (!ref.startsWith("{")) {
                continue;
            }
            Map<String, String> keys = new LinkedHashMap<>();
            Matcher m = KEY.matcher(ref);
            while (m.find()) {
                keys.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
            }
            String series = keys.getOrDefault("rowKey", keys.getOrDefault("seriesKey", "?"));
            String item = keys.getOrDefault("columnKey", keys.getOrDefault("itemIndex", "?"));
            bySeries.computeIfAbsent(series, k -> new LinkedHashSet<>()).add(item);
        }
        return bySeries;
    }
}
