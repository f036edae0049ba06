package com.acme.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

public class OrderRepository {
  private final Connection conn;

  public OrderRepository(Connection conn) {
    this.conn = conn;
  }

  public ResultSet byCustomer(String name) throws SQLException {
    Statement st = conn.createStatement();
    return st.executeQuery("SELECT * FROM orders WHERE customer = '" + name + "'");
  }

  public ResultSet byEmail(String email) throws SQLException {
    String sql = "SELECT * FROM orders o JOIN customers c ON o.customer_id = c.id "
        + "WHERE c.email = '" + email + "'";
    return conn.createStatement().executeQuery(sql);
  }

  public ResultSet byId(long id) throws SQLException {
    PreparedStatement ps = conn.prepareStatement("SELECT * FROM orders WHERE id = ?");
    ps.setLong(1, id);
    return ps.executeQuery();
  }
}
