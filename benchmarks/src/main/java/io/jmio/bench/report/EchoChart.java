package io.jmio.bench.report;

import io.jmio.bench.echo.EchoServer;

import java.util.Locale;

/**
 * Draws the echo benchmark as SVG bar charts, one group of bars per connection count, one bar per
 * server (edge dark, level light, in one hue per implementation). Top row: round trips per second,
 * one panel per message size, each bar with JMH's score error (99.9 %) as an error bar. Bottom row,
 * the edge-versus-level story at 64 B: the loop's CPU time and its system calls per round trip for
 * the servers that come in both modes. No plotting library: the SVG is written by hand.
 *
 * <p>Threading: single-threaded.
 */
final class EchoChart {
    private static final int PANEL_W = 560;
    private static final int PANEL_H = 300;
    private static final int LEFT = 70;
    private static final int TOP = 50;
    private static final int ROW = PANEL_H + 110;
    private static final String[] COLORS = {
        "#1f5fa8", "#7fb0e6", "#3c8fd9", // jmio edge, level, oneshot
        "#b03a2e", "#e8958c",            // C edge, level
        "#2e8b57", "#8fd1a8",            // Netty edge, level
        "#7a5aa6", "#b9a3d6",            // JDK keys, consumer
        "#d98c1f",                       // the examples' echo server
        "#c07a10", "#f0b860", "#e09a30", // jmio on io_uring: edge, level, oneshot
        "#0b2f5a",                       // jmio edge with drain detection
        "#5a3a10",                       // jmio completion API on io_uring
        "#0f5a32", "#4fa872",            // Netty 4.2 io_uring: default reads, provided buffer ring
        "#9a6a30",                       // jmio completion API, multishot receives from a buffer ring
    };
    /** The servers of the cost panels: each trigger mode's pair. */
    private static final String[] PAIRS = {"jmio-edge", "jmio-level", "c-edge", "c-level", "netty-edge", "netty-level"};

    private final Report report;

    /** @return the colour the charts give {@code server} (grey for an unknown name) */
    static String color(String server) {
        for (int i = 0; i < EchoServer.NAMES.length && i < COLORS.length; i++) {
            if (EchoServer.NAMES[i].equals(server)) {
                return COLORS[i];
            }
        }
        return "#888888";
    }

    EchoChart(Report report) {
        this.report = report;
    }

    /** One bar chart's numbers. */
    private interface Metric {
        double value(String server, int connections);
    }

    String render() {
        int width = LEFT + 2 * PANEL_W + 100;
        int height = TOP + 2 * ROW + 50;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"16\" font-weight=\"bold\">"
                + "Echo round trips per second over loopback, by connection count (higher is better; "
                + "error bars: JMH score error)</text>\n", LEFT));
        for (int p = 0; p < Report.SIZES.length; p++) {
            int size = Report.SIZES[p];
            panel(svg, LEFT + p * (PANEL_W + 60), TOP, Report.size(size) + " messages", EchoServer.NAMES,
                    (s, c) -> report.echo(s, c, size), (s, c) -> report.echoError(s, c, size), Report::rate);
        }
        int y1 = TOP + ROW;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"16\" font-weight=\"bold\">"
                + "Cost per round trip in the server loop, edge against level, 64 B (lower is better)</text>\n", LEFT, y1 - 28));
        panel(svg, LEFT, y1, "loop CPU ns per round trip", PAIRS, (s, c) -> report.perRoundTrip(s, c, 64, true), null,
                v -> Report.num(v, 0));
        panel(svg, LEFT + PANEL_W + 60, y1, "system calls per round trip (Netty: not counted)", PAIRS,
                (s, c) -> report.perRoundTrip(s, c, 64, false), null, v -> Report.num(v, 1));
        int ly = TOP + 2 * ROW - 40;
        for (int i = 0; i < EchoServer.NAMES.length; i++) {
            int lx = LEFT + (i % 5) * 190;
            int row = ly + (i / 5) * 20;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>\n", lx, row, COLORS[i], lx + 20, row + 12, EchoServer.NAMES[i]));
        }
        return svg.append("</svg>\n").toString();
    }

    private void panel(StringBuilder svg, int x0, int top, String title, String[] servers, Metric metric, Metric error,
                       java.util.function.DoubleFunction<String> format) {
        double max = 0;
        for (int c : Report.CONNECTIONS) {
            for (String s : servers) {
                double v = metric.value(s, c);
                double e = error == null ? 0 : error.value(s, c);
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v + (Double.isNaN(e) ? 0 : e));
                }
            }
        }
        double ceiling = niceCeiling(max);
        int y0 = top + PANEL_H;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", x0 + 10, top - 10, title));
        for (int g = 0; g <= 5; g++) {
            double v = ceiling * g / 5;
            int y = y0 - (int) Math.round(PANEL_H * g / 5.0);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    x0, y, x0 + PANEL_W - 20, y, x0 - 4, y + 4, format.apply(v)));
        }
        int groupW = (PANEL_W - 20) / Report.CONNECTIONS.length;
        int barW = (groupW - 20) / servers.length;
        for (int gi = 0; gi < Report.CONNECTIONS.length; gi++) {
            int c = Report.CONNECTIONS[gi];
            int gx = x0 + gi * groupW + 10;
            for (int i = 0; i < servers.length; i++) {
                double v = metric.value(servers[i], c);
                int bx = gx + i * barW;
                if (Double.isNaN(v)) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"#999\">n/a</text>\n",
                            bx, y0 - 3));
                    continue;
                }
                int h = (int) Math.round(PANEL_H * v / ceiling);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s, %d conns: %s</title></rect>\n", bx, y0 - h, barW - 1, h, color(servers[i]),
                        servers[i], c, format.apply(v)));
                double e = error == null ? Double.NaN : error.value(servers[i], c);
                if (!Double.isNaN(e) && e > 0) {
                    int cx = bx + (barW - 1) / 2;
                    int yHi = y0 - (int) Math.round(PANEL_H * Math.min(ceiling, v + e) / ceiling);
                    int yLo = y0 - (int) Math.round(PANEL_H * Math.max(0, v - e) / ceiling);
                    svg.append(String.format(Locale.ROOT, "<path d=\"M%d %dV%dM%d %dH%dM%d %dH%d\" stroke=\"#222\" "
                            + "stroke-width=\"1\"><title>± %s</title></path>\n", cx, yHi, yLo, cx - 2, yHi, cx + 2, cx - 2, yLo,
                            cx + 2, format.apply(e)));
                }
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d conn%s</text>\n",
                    gx + (barW * servers.length) / 2, y0 + 18, c, c == 1 ? " (pinned)" : "s"));
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
