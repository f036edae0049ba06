package com.acme.orders;

import java.io.File;
import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class AdminServlet extends HttpServlet {
  private final File baseDir = new File("/srv/reports");

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    File f = new File(baseDir, request.getParameter("file"));
    response.getWriter().println("Report " + request.getParameter("name"));
    Process p = Runtime.getRuntime().exec("gzip -k " + f.getPath());
    Process q = new ProcessBuilder("gzip", "-k", f.getPath()).start();
  }
}
