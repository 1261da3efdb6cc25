package io.jmio.bench.report;

import io.jmio.bench.latency.Histogram;

import java.util.List;
import java.util.Locale;

/**
 * The latency percentile plot of {@code ./bench latency} (the usual HdrHistogram picture): one panel
 * per offered rate, latency on a log scale against the percentile on a log scale of 1/(1 − p), so
 * 90, 99, 99.9 and 99.99 % are evenly spaced; one line per server, in the echo chart's colours.
 * Hand-written SVG, as {@link EchoChart}.
 *
 * <p>Threading: single-threaded.
 */
final class PercentileChart {
    private static final int PANEL_W = 520;
    private static final int PANEL_H = 300;
    private static final int LEFT = 70;
    private static final int TOP = 50;
    private static final int GAP = 90;
    /** The x axis ends at 99.999 %: 1/(1 − p) = 10^5. */
    private static final double X_DECADES = 5;

    private final LatencyReport report;

    PercentileChart(LatencyReport report) {
        this.report = report;
    }

    String render() {
        List<String> labels = report.openLabels();
        List<String> servers = report.servers();
        int cols = Math.min(2, Math.max(1, labels.size()));
        int rows = (labels.size() + cols - 1) / cols;
        int width = LEFT + cols * (PANEL_W + GAP);
        int height = TOP + Math.max(1, rows) * (PANEL_H + GAP) + 20 * ((servers.size() + 4) / 5);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"16\" font-weight=\"bold\">Echo latency "
                + "by percentile, open loop, coordinated omission corrected (lower is better)</text>\n", LEFT));
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Histogram h : report.histograms.values()) {
            if (h.total() > 0) {
                lo = Math.min(lo, h.valueAt(0));
                hi = Math.max(hi, h.valueAt(100));
            }
        }
        if (hi == 0) {
            return svg.append("<text x=\"70\" y=\"80\">no open-loop runs</text></svg>\n").toString();
        }
        double yLo = Math.floor(Math.log10(Math.max(1, lo / 1000)));
        double yHi = Math.ceil(Math.log10(hi / 1000));
        if (yHi <= yLo) {
            yHi = yLo + 1;
        }
        for (int i = 0; i < labels.size(); i++) {
            int x0 = LEFT + (i % cols) * (PANEL_W + GAP);
            int y0 = TOP + (i / cols) * (PANEL_H + GAP);
            panel(svg, x0, y0, labels.get(i), servers, yLo, yHi);
        }
        int ly = TOP + rows * (PANEL_H + GAP) - 30;
        for (int i = 0; i < servers.size(); i++) {
            int lx = LEFT + (i % 5) * 190;
            int row = ly + (i / 5) * 20;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>\n", lx, row + 5, EchoChart.color(servers.get(i)), lx + 20, row + 10,
                    servers.get(i)));
        }
        return svg.append("</svg>\n").toString();
    }

    private void panel(StringBuilder svg, int x0, int y0, String label, List<String> servers, double yLo, double yHi) {
        LatencyReport.Run any = null;
        for (LatencyReport.Run r : report.runs) {
            if (r.s("label").equals(label)) {
                any = r;
                break;
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s %% of C's maximum (%s msg/s)"
                + "</text>\n", x0, y0 - 8, label.replace("open-", ""), Report.rate(any == null ? Double.NaN : any.d("offered_per_s"))));
        int bottom = y0 + PANEL_H;
        for (double d = yLo; d <= yHi; d++) {
            int y = bottom - (int) Math.round(PANEL_H * (d - yLo) / (yHi - yLo));
            double us = Math.pow(10, d);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", x0, y, x0 + PANEL_W, y, x0 - 4, y + 4,
                    us >= 1000 ? Report.num(us / 1000, 0) + " ms" : Report.num(us, 0) + " µs"));
        }
        String[] ticks = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int d = 0; d <= X_DECADES; d++) {
            int x = x0 + (int) Math.round(PANEL_W * d / X_DECADES);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, y0, x, bottom, x, bottom + 16, ticks[d]));
        }
        for (String s : servers) {
            Histogram h = report.histograms.get(s + "|" + label);
            if (h == null || h.total() == 0) {
                continue;
            }
            StringBuilder points = new StringBuilder();
            // Sample the curve at 40 points per decade of 1/(1-p), up to the last value recorded.
            for (int i = 0; i <= X_DECADES * 40; i++) {
                double decades = i / 40.0;
                double p = 100 * (1 - Math.pow(10, -decades));
                if (p > 100.0 * (h.total() - 1) / h.total() && i > 0) {
                    break;
                }
                double us = h.valueAt(p) / 1000;
                double yv = (Math.log10(Math.max(us, Math.pow(10, yLo))) - yLo) / (yHi - yLo);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x0 + PANEL_W * decades / X_DECADES,
                        bottom - PANEL_H * yv));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"%s\">"
                    + "<title>%s, %s: p99.9 %s µs</title></polyline>\n", EchoChart.color(s), points.toString().trim(), s, label,
                    Report.num(h.valueAt(99.9) / 1000, 0)));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n",
                x0, y0, PANEL_W, PANEL_H));
    }
}
