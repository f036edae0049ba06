package com.acme.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OrderRepositoryTest {
  private static final String API_KEY = "test-key";
  private static final String PASSWORD = "password123";
  private static final String ORDER_ID = "7d3f9a2e-1b4c-4e8f-a6d2-9c0b1e3f5a7d";

  @Test
  void idsAreStable() {
    assertEquals(36, ORDER_ID.length());
  }
}
