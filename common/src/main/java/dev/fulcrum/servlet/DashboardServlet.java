package dev.fulcrum.servlet;

import dev.fulcrum.dashboard.Dashboard;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Serves the {@link Dashboard} from any Jakarta Servlet 6 container; map it at {@code /dashboard/*} (which also
 * matches {@code /dashboard}) on the API listener, or in the WAR's context. It holds no logic of its own.
 */
public final class DashboardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Dashboard dashboard;

    public DashboardServlet() {
        this(new Dashboard());
    }

    public DashboardServlet(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        final String pathInfo = req.getPathInfo();
        ServletAnswers.write(dashboard.handle(req.getMethod(), pathInfo == null ? "" : pathInfo), resp);
    }
}
