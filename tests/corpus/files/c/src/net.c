#include <curl/curl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>

static const char *API_TOKEN = "glrt-Ogxl84161l8dMTo0wZiK";

int fetch_update(void) {
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, "https://upd.firmware-cdn.net/v2/check");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK ? 0 : -1;
}

int resolve_local(struct addrinfo **res) {
  struct addrinfo hints = {0};
  return getaddrinfo("localhost", "8080", &hints, res);
}

int run_hook(const char *cmdline) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "/usr/lib/acme/hook %s", cmdline);
  return system(cmd);
}

int sync_disk(void) {
  return system("sync");
}

int find_user(char *q, size_t n, const char *name) {
  return snprintf(q, n, "SELECT * FROM users WHERE name = '%s'", name);
}
