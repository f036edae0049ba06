package com.acme.orders;

import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

public final class CryptoUtil {
  public static byte[] md5(byte[] in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("MD5");
    return md.digest(in);
  }

  public static byte[] sha256(byte[] in) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(in);
  }

  public static Cipher legacy() throws Exception {
    return Cipher.getInstance("DESede/CBC/PKCS5Padding");
  }

  public static Cipher simple() throws Exception {
    return Cipher.getInstance("AES");
  }

  public static Cipher modern() throws Exception {
    return Cipher.getInstance("AES/GCM/NoPadding");
  }

  public static IvParameterSpec fixedIv() {
    return new IvParameterSpec(new byte[16]);
  }

  public static String resetToken() {
    String token = Long.toHexString(new Random().nextLong());
    return token;
  }

  public static byte[] goodToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  public static void keys() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(1024);
  }
}
