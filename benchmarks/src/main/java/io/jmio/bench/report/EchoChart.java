package io.jmio.bench.report;

import io.jmio.bench.echo.EchoServer;

import java.util.Locale;

/**
 * Draws echo throughput against connection count as an SVG bar chart, one panel per message size,
 * one group of bars per connection count, one bar per server; each server's edge and level runs stand
 * side by side (jmio, C and Netty) in one hue, edge dark and level light. No plotting library: the
 * SVG is written by hand.
 *
 * <p>Threading: single-threaded.
 */
final class EchoChart {
    private static final int PANEL_W = 560;
    private static final int PANEL_H = 340;
    private static final int LEFT = 70;
    private static final int TOP = 50;
    private static final int BOTTOM = 40;
    private static final String[] COLORS = {
        "#1f5fa8", "#7fb0e6", "#3c8fd9", // jmio edge, level, oneshot
        "#b03a2e", "#e8958c",            // C edge, level
        "#2e8b57", "#8fd1a8",            // Netty edge, level
        "#7a5aa6", "#b9a3d6",            // JDK keys, consumer
        "#c07a10", "#f0b860", "#e09a30", // jmio on io_uring: edge, level, oneshot
    };

    private final Report report;

    EchoChart(Report report) {
        this.report = report;
    }

    String render() {
        int width = LEFT + 2 * PANEL_W + 100;
        int height = TOP + PANEL_H + BOTTOM + 70;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"16\" font-weight=\"bold\">"
                + "Echo round trips per second over loopback, by connection count (higher is better)</text>\n", LEFT));
        for (int p = 0; p < Report.SIZES.length; p++) {
            panel(svg, LEFT + p * (PANEL_W + 60), Report.SIZES[p]);
        }
        int ly = TOP + PANEL_H + BOTTOM + 10;
        for (int i = 0; i < EchoServer.NAMES.length; i++) {
            int lx = LEFT + (i % 5) * 190;
            int row = ly + (i / 5) * 20;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>\n", lx, row, COLORS[i], lx + 20, row + 12, EchoServer.NAMES[i]));
        }
        return svg.append("</svg>\n").toString();
    }

    private void panel(StringBuilder svg, int x0, int size) {
        double max = 0;
        for (int c : Report.CONNECTIONS) {
            for (String s : EchoServer.NAMES) {
                double v = report.echo(s, c, size);
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = niceCeiling(max);
        int y0 = TOP + PANEL_H;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s messages</text>\n",
                x0 + 10, TOP - 10, Report.size(size)));
        for (int g = 0; g <= 5; g++) {
            double v = top * g / 5;
            int y = y0 - (int) Math.round(PANEL_H * g / 5.0);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    x0, y, x0 + PANEL_W - 20, y, x0 - 4, y + 4, Report.rate(v)));
        }
        int groupW = (PANEL_W - 20) / Report.CONNECTIONS.length;
        int barW = (groupW - 20) / EchoServer.NAMES.length;
        for (int gi = 0; gi < Report.CONNECTIONS.length; gi++) {
            int c = Report.CONNECTIONS[gi];
            int gx = x0 + gi * groupW + 10;
            for (int i = 0; i < EchoServer.NAMES.length; i++) {
                double v = report.echo(EchoServer.NAMES[i], c, size);
                int bx = gx + i * barW;
                if (Double.isNaN(v)) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"#999\">n/a</text>\n",
                            bx, y0 - 3));
                    continue;
                }
                int h = top == 0 ? 0 : (int) Math.round(PANEL_H * v / top);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s, %d conns, %s: %s rt/s</title></rect>\n", bx, y0 - h, barW - 1, h, COLORS[i],
                        EchoServer.NAMES[i], c, Report.size(size), Report.rate(v)));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d conn%s</text>\n",
                    gx + (barW * EchoServer.NAMES.length) / 2, y0 + 18, c, c == 1 ? "" : "s"));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
                x0, y0, x0 + PANEL_W - 20, y0));
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
