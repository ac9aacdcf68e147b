package dev.fulcrum.servlet;

import dev.fulcrum.api.HttpAnswer;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;

/** Writes an {@link HttpAnswer} to a servlet response, as {@link HttpAnswer#writeTo} does to the JDK's server. */
final class ServletAnswers {

    private ServletAnswers() {
    }

    static void write(HttpAnswer answer, HttpServletResponse resp) throws IOException {
        resp.setStatus(answer.status());
        answer.allHeaders().forEach(resp::setHeader);
        if (answer.contentType() != null) {
            resp.setContentType(answer.contentType());
        }
        resp.setContentLength(answer.body().length);
        if (answer.body().length > 0) {
            try (OutputStream out = resp.getOutputStream()) {
                out.write(answer.body());
            }
        }
    }
}
