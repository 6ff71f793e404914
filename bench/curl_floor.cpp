// The resident-memory floor libcurl brings to any process that uses it: loads Debian's libcurl
// (as liqwatch does, daemon/http/curl_loader.cpp), calls curl_global_init and makes one easy
// handle, printing the process's Rss (smaps_rollup) after each step. footprint.py prints it
// beside the daemon's figure, so the part of the daemon's RSS that is libcurl's is measured,
// not guessed. Usage: bench_curl_floor [library, default libcurl.so.4]
#include <dlfcn.h>

#include <cstdio>

static long RssKb() {
  FILE* f = fopen("/proc/self/smaps_rollup", "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "Rss: %ld", &kb) == 1) break;
  if (f) fclose(f);
  return kb;
}

int main(int argc, char** argv) {
  const char* lib = argc > 1 ? argv[1] : "libcurl.so.4";
  printf("start %ld\n", RssKb());
  void* h = dlopen(lib, RTLD_NOW);
  if (!h) {
    fprintf(stderr, "bench_curl_floor: %s\n", dlerror());
    return 1;
  }
  printf("loaded %ld\n", RssKb());
  int (*global_init)(long) = reinterpret_cast<int (*)(long)>(dlsym(h, "curl_global_init"));
  void* (*easy_init)() = reinterpret_cast<void* (*)()>(dlsym(h, "curl_easy_init"));
  if (!global_init || !easy_init || global_init(3 /* CURL_GLOBAL_ALL */) != 0) return 1;
  printf("global_init %ld\n", RssKb());
  if (!easy_init()) return 1;
  printf("easy_handle %ld\n", RssKb());
  return 0;
}
